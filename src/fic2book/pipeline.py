"""The stages, in order, from a path to finished books.

1. sources    — the input path → the source file to read (:mod:`fic2book.sources`)
2. decoding   — bytes → text, and how it was decoded (:mod:`fic2book.encoding`)
3. detection  — text → chapters, blocks, header fields (:mod:`fic2book.detect`)
4. model      — header fields + options → :class:`~fic2book.model.Book` (:func:`make_book`)
5. transforms — typography, notes gathered (:mod:`fic2book.transforms`)
6. writers    — Book → XHTML → EPUB (:mod:`fic2book.render`)

Only writers touch the output folder, and only through an atomic rename.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path

from . import sources
from .detect import Override, Structure, detect
from .encoding import decode
from .errors import FicError
from .model import Book, Chapter, Field, Metadata, SourceInfo
from .transforms import gather_notes, smarten_book

FORMATS = ("epub", "pdf")
DEFAULT_MAX_SIZE = 64 * 1024 * 1024


@dataclass(frozen=True)
class Options:
    """Everything a build depends on; same options + same input ⇒ same bytes."""

    title: str | None = None
    author: str | None = None
    lang: str | None = None
    style: str | None = None
    formats: tuple[str, ...] = ("epub",)
    smart: bool = True
    encoding: str | None = None
    fix_text: bool = True
    max_size: int = DEFAULT_MAX_SIZE
    kinds: tuple[str, ...] = ()
    """Structure overrides such as ``1-3=note``, applied after the sidecar's."""
    page_size: str = "a5"
    """PDF page size: a name from :data:`fic2book.render.pdf.PAGE_SIZES` or ``WxH`` with units."""
    pdf_variant: str | None = None
    """``pdf/ua-1`` for a tagged, accessible PDF."""


# ---------------------------------------------------------------- metadata

LANGUAGE_NAMES = {
    "english": "en", "spanish": "es", "español": "es", "french": "fr", "français": "fr", "german": "de",
    "deutsch": "de", "italian": "it", "italiano": "it", "portuguese": "pt", "português": "pt", "dutch": "nl",
    "russian": "ru", "русский": "ru", "polish": "pl", "polski": "pl", "swedish": "sv", "japanese": "ja",
    "chinese": "zh", "korean": "ko", "finnish": "fi", "danish": "da", "norwegian": "no", "czech": "cs",
    "greek": "el", "turkish": "tr", "hungarian": "hu", "indonesian": "id", "vietnamese": "vi",
}
BCP47 = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\d{3}))?(?:-[A-Za-z0-9]{5,8})*$")


def normalise_language(value: str) -> str | None:
    """A BCP 47 tag in canonical case ("en-US"), or None when ``value`` is not one."""
    value = value.strip().replace("_", "-")
    if value.lower() in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[value.lower()]
    if not BCP47.match(value):
        return None
    parts = value.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.title() if len(part) == 4 else part.upper() if len(part) == 2 else part.lower())
    return "-".join(out)


def readable_name(path: Path) -> str:
    """A title from a file name: ``my_story-final.txt`` → ``my story final``."""
    stem = path.stem if path.is_file() or path.suffix else path.name
    name = re.sub(r"[_\s]+", " ", stem).strip()
    return name or "Untitled"


def slugify(title: str) -> str:
    """An ASCII file name stem: ``Crème Brûlée: Part 2`` → ``creme-brulee-part-2``."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_title).strip("-").lower()
    return slug[:80].rstrip("-") or "book"


def make_book(structure: Structure, info: SourceInfo, path: Path, options: Options) -> Book:
    """Resolve metadata (flags > header fields > file name) and assemble the Book."""
    header: dict[str, str] = {}
    shown: list[Field] = []
    for field_, _line in structure.fields:
        if field_.label in ("Title", "Author"):
            if field_.value:
                header.setdefault(field_.label, field_.value)
        else:
            shown.append(field_)
            if field_.label == "Summary":
                header.setdefault("Summary", field_.value)

    if options.title:
        title, title_source = options.title.strip(), "--title"
    elif header.get("Title"):
        title, title_source = header["Title"], "Title: header"
    else:
        title, title_source = readable_name(path), "file name"
    if options.author:
        author_text, author_source = options.author.strip(), "--author"
    elif header.get("Author"):
        author_text, author_source = header["Author"], "Author: header"
    else:
        author_text, author_source = "Unknown", "default"
    authors = tuple(a.strip() for a in re.split(r"\s*(?:,|&|\band\b)\s*", author_text) if a.strip()) or ("Unknown",)
    if author_source == "default" or len(authors) > 4:
        authors = (author_text,)

    language = "en"
    if options.lang:
        tag = normalise_language(options.lang)
        if tag is None:
            raise FicError(f"'{options.lang}' is not a language tag (try en, en-GB, de, pt-BR)")
        language = tag
    else:
        for field_ in shown:
            if field_.label == "Language" and normalise_language(field_.value):
                language = normalise_language(field_.value) or language

    chapters = tuple(
        Chapter(f"ch{i:03d}", raw.title, tuple(raw.blocks), raw.line)
        for i, raw in enumerate(structure.chapters, 1)
    )
    metadata = Metadata(
        title=title,
        authors=authors,
        language=language,
        summary=header.get("Summary", ""),
        fields=tuple(shown),
        title_source=title_source,
        author_source=author_source,
    )
    return Book(metadata, chapters, (), (info,), tuple(structure.detected), structure.shape)


def book_identifier(book: Book, text: str) -> str:
    """A ``urn:uuid`` derived from the content, so the same story keeps its id."""
    digest = hashlib.sha256()
    for part in (book.metadata.title, "\x00".join(book.metadata.authors), book.metadata.language, text):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return f"urn:uuid:{uuid.UUID(bytes=digest.digest()[:16], version=5)}"


# ---------------------------------------------------------------- stages


def read_book(path: Path, options: Options) -> tuple[Book, str]:
    """Stages 1–5: the Book for one input path, and the decoded text it came from."""
    source = sources.resolve(path)
    data = sources.read_bytes(source, max_size=options.max_size)
    decoded = decode(data, encoding=options.encoding, fix_text=options.fix_text)
    if not decoded.text.strip():
        raise FicError("the file is empty (nothing but white space)" if data else "the file is empty", path=str(path))
    info = SourceInfo(
        str(source),
        decoded.encoding,
        decoded.confidence,
        decoded.reason,
        decoded.newline,
        tuple(decoded.repairs),
        tuple(decoded.warnings),
    )
    overrides = [Override.parse(spec) for spec in (*sources.sidecar_kinds(source), *options.kinds)]
    book = make_book(detect(decoded.text, overrides), info, source, options)
    if options.smart:
        book = smarten_book(book)
    return gather_notes(book), decoded.text


def write_book(book: Book, text: str, fmt: str, target: Path, options: Options) -> None:
    """Stage 6: render ``book`` in one format and write it to ``target`` (atomically)."""
    if fmt == "epub":
        from .render.epub import write_epub

        write_epub(book, target, identifier=book_identifier(book, text), style=options.style)
    elif fmt == "pdf":
        from .render.pdf import write_pdf

        write_pdf(book, target, style=options.style, page_size=options.page_size, variant=options.pdf_variant)
    else:
        raise FicError(f"unknown format '{fmt}' (choose from {', '.join(FORMATS)})")


def build(path: Path, output_dir: Path, options: Options) -> list[Path]:
    """Convert one input into every requested format; return the files written."""
    book, text = read_book(path, options)
    stem = slugify(book.metadata.title)
    written: list[Path] = []
    for fmt in options.formats:
        target = output_dir / f"{stem}.{fmt}"
        sources.refuse_overwriting_input(target, path)
        write_book(book, text, fmt, target, options)
        written.append(target)
    return written
