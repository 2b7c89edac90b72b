"""The stages, in order, from a path to finished books.

1. sources    — the input path → the story file, or a folder's chapter files in
                reading order, its cover and sidecar (:mod:`fic2book.sources`)
2. decoding   — bytes → text, and how it was decoded (:mod:`fic2book.encoding`)
3. detection  — text → chapters, blocks, header fields (:mod:`fic2book.detect`);
                a folder's files one by one, then joined (:func:`join_parts`)
4. model      — header fields + sidecar + options → :class:`~fic2book.model.Book`
                (:func:`make_book`, :mod:`fic2book.metadata`; a cover image checked
                by :mod:`fic2book.coverimage`)
5. transforms — typography, notes gathered (:mod:`fic2book.transforms`)
6. writers    — Book → XHTML → EPUB / PDF (:mod:`fic2book.render`)

Only writers touch the output folder, and only through an atomic rename.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

from . import lazyre, sources
from .detect import Override, RawChapter, Structure, detect
from .encoding import decode
from .errors import FicError
from .metadata import HeaderField, normalise_language, resolve_metadata, series_line
from .model import (
    STORY_BLOCKS,
    Block,
    Book,
    Chapter,
    CoverImage,
    Field,
    Heading,
    Note,
    Para,
    SourceInfo,
    Text,
    plain,
    text_of,
)
from .sidecar import Sidecar, read_sidecar, story_sidecar
from .transforms import gather_notes, smarten_book

__all__ = ["FORMATS", "Options", "build", "make_book", "normalise_language", "read_book", "readable_name", "slugify",
           "write_book"]  # fmt: skip

FORMATS = ("epub", "pdf")
DEFAULT_MAX_SIZE = 64 * 1024 * 1024
PER_FILE_LABELS = ("Word count", "Chapters")
"""Header fields that describe one file of a folder, not the book: they stay with their chapter, in the Notes."""


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
    series: str | None = None
    series_index: float | None = None
    tags: tuple[str, ...] = ()
    """``--tag``: replaces the sidecar's and the header's tags."""
    cover: str | None = None
    """``--cover``: an image file, used instead of a folder's or the sidecar's cover."""


# ---------------------------------------------------------------- names


def readable_name(path: Path) -> str:
    """A title from a file name: ``my_story-final.txt`` → ``my story final``; a folder's whole name."""
    stem = path.name if path.is_dir() else path.stem if path.is_file() or path.suffix else path.name
    name = re.sub(r"[_\s]+", " ", stem).strip()
    return name or "Untitled"


def slugify(title: str) -> str:
    """A file name stem: ``Crème Brûlée: Part 2`` → ``creme-brulee-part-2``.

    ASCII when the title has Latin letters or digits; a title with none keeps
    its own script (``قصة الليل`` → ``قصة-الليل``, ``雨の日`` → ``雨の日``)
    rather than every such book being called ``book``.
    """
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_title).strip("-").lower()
    if not slug:
        kept = "".join(c if unicodedata.category(c)[0] in "LMN" else "-" for c in unicodedata.normalize("NFC", title))
        slug = re.sub(r"-{2,}", "-", kept).strip("-").lower()
    slug = slug[:80]
    while len(slug.encode("utf-8")) > 200:  # 80 CJK letters are 240 bytes; file names hold 255
        slug = slug[:-1]
    return slug.rstrip("-") or "book"


# ---------------------------------------------------------------- assembling the book


def _chapter_at(chapters: list[RawChapter], line: int) -> int:
    """The index of the chapter that holds source ``line`` (text before the first heading is the first's)."""
    index = 0
    for i, chapter in enumerate(chapters):
        if i and chapter.line <= line:
            index = i
    return index


def keep_in_notes(blocks: list[Block], field_: Field, line: int) -> None:
    """Put a header field's line back where it stood, as front matter the Notes will gather.

    For a field the title page does not show as written (a flag or the sidecar
    said otherwise, or it describes one file of a folder): no word is lost.
    """
    para = Para(plain(f"{field_.written or field_.label}: {field_.value}"), line)
    at = next((i for i, block in enumerate(blocks) if block.line > line), len(blocks))
    before = blocks[at - 1] if at else None
    if isinstance(before, Note) and before.kind == "front_matter":
        blocks[at - 1] = replace(before, blocks=tuple(sorted((*before.blocks, para), key=lambda p: p.line)))
    else:
        blocks.insert(at, Note((para,), "front_matter", line))


def make_book(
    structure: Structure,
    infos: tuple[SourceInfo, ...],
    path: Path,
    options: Options,
    sidecar: Sidecar | None = None,
    *,
    header: list[HeaderField] | None = None,
    folder_cover: Path | None = None,
    warnings: list[str] | None = None,
) -> Book:
    """Resolve metadata (flags > sidecar > header fields > file name) and assemble the Book.

    ``header`` says which chapter holds each header field (by default, worked
    out from ``structure``); ``folder_cover`` is a folder's ``cover.jpg``.
    """
    sidecar = sidecar or Sidecar()
    warnings = list(warnings or ())
    if header is None:
        header = [HeaderField(f, line, _chapter_at(structure.chapters, line)) for f, line in structure.fields]
    name_source = "folder name" if path.is_dir() else "file name"
    story = (text_of(b.content) for raw in structure.chapters for b in raw.blocks if isinstance(b, Para))
    resolved = resolve_metadata(header, sidecar, options, readable_name(path), name_source=name_source, story=story)
    warnings += resolved.warnings
    blocks = [list(raw.blocks) for raw in structure.chapters]
    for item in resolved.moved:
        keep_in_notes(blocks[item.chapter], item.field, item.line)
    chapters = tuple(
        Chapter(f"ch{i:03d}", raw.title, tuple(chapter_blocks), raw.line)
        for i, (raw, chapter_blocks) in enumerate(zip(structure.chapters, blocks), 1)
    )
    cover = _user_cover(options, sidecar, folder_cover, warnings)
    return Book(
        resolved.metadata, chapters, (), infos, tuple(structure.detected), structure.shape, cover,
        sidecar.get("style"), tuple(warnings),
    )  # fmt: skip


def _user_cover(options: Options, sidecar: Sidecar, folder_cover: Path | None, warnings: list[str]) -> CoverImage | None:
    """The reader's cover image: ``--cover``, else the sidecar's, else the folder's ``cover.*``."""
    from .coverimage import load_cover

    if options.cover:
        path, given = Path(options.cover), "--cover"
    elif sidecar.get("cover"):
        path, given = sidecar.get("cover"), f"cover in {sidecar.path.name if sidecar.path else 'the sidecar'}"
    elif folder_cover is not None:
        path, given = folder_cover, ""
    else:
        return None
    if not path.is_file():
        what = "does not exist" if not path.exists() else "is not a file"
        raise FicError(f"the cover image {path}{f' ({given})' if given else ''} {what}")
    cover, notes = load_cover(path)
    warnings.extend(notes)
    return cover


def _cover_text_warnings(book: Book) -> list[str]:
    """What a generated cover would have to leave out: characters no installed font has."""
    if book.cover is not None:
        return []
    from .render.cover import is_cjk, undrawable

    meta = book.metadata
    fandom = next((f.value for f in meta.fields if f.label == "Fandom"), "")
    texts = [meta.title, ", ".join(meta.authors), series_line(meta.series) if meta.series else "", fandom]
    missing = undrawable(texts)
    if not missing:
        return []
    shown = "".join(missing[:8]) + ("…" if len(missing) > 8 else "")
    hint = " (for Chinese, Japanese and Korean, install Noto CJK)" if any(is_cjk(ch) for ch in missing) else ""
    return [f"the generated cover leaves out {len(missing)} character{'s' * (len(missing) > 1)} that no installed "
            f"font has: {shown}{hint}"]  # fmt: skip


def _finish(book: Book, options: Options) -> Book:
    """Stage 5, and the warnings only the finished metadata can tell."""
    if options.smart:
        book = smarten_book(book)
    book = gather_notes(book)
    extra = _cover_text_warnings(book)
    return replace(book, warnings=book.warnings + tuple(extra)) if extra else book


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class Part:
    """One decoded and detected source file; a folder's book is made of several."""

    path: Path
    info: SourceInfo
    text: str
    structure: Structure


def _overrides(specs: tuple[str, ...], where: Path | None = None) -> list[Override]:
    try:
        return [Override.parse(spec) for spec in specs]
    except FicError as exc:
        raise FicError(exc.message, path=str(where) if where else None) from None


_ATX_OPEN = lazyre.compile(r"^#{1,6}\s+")
_ATX_CLOSE = lazyre.compile(r"\s+#+\s*$")


def _without_hashes(content: Text) -> Text:
    """``# Epilogue`` → ``Epilogue``: a Markdown heading's marks are markup, not part of its title."""
    if not content or not _ATX_OPEN.match(content[0].text):
        return content
    spans = list(content)
    spans[0] = replace(spans[0], text=_ATX_OPEN.sub("", spans[0].text, count=1))
    spans[-1] = replace(spans[-1], text=_ATX_CLOSE.sub("", spans[-1].text))
    return tuple(span for span in spans if span.text)


def markdown_headings(structure: Structure) -> Structure:
    """A Markdown file's chapter titles and section headings without their ``#`` marks."""
    chapters = [
        RawChapter(
            _without_hashes(chapter.title),
            chapter.line,
            [replace(b, content=_without_hashes(b.content)) if isinstance(b, Heading) else b for b in chapter.blocks],
        )
        for chapter in structure.chapters
    ]
    return replace(structure, chapters=chapters)


def read_part(path: Path, options: Options, kinds: tuple[str, ...] = (), *, max_size: int | None = None) -> Part | None:
    """Stages 2–3 for one file: decoded and detected; None if it holds nothing but white space."""
    data = sources.read_bytes(path, max_size=options.max_size if max_size is None else max_size)
    try:
        decoded = decode(data, encoding=options.encoding, fix_text=options.fix_text)
    except FicError as exc:
        raise FicError(exc.message, path=exc.path or str(path)) from None
    if not decoded.text.strip():
        return None
    info = SourceInfo(
        str(path), decoded.encoding, decoded.confidence, decoded.reason, decoded.newline,
        tuple(decoded.repairs), tuple(decoded.warnings),
    )  # fmt: skip
    # "# One" is a heading in a .txt too (Markdown is how many writers mark chapters); its marks are not its title
    structure = markdown_headings(detect(decoded.text, _overrides(kinds)))
    return Part(path, info, decoded.text, structure)


def read_book(path: Path, options: Options) -> tuple[Book, str]:
    """Stages 1–5: the Book for one input path (a story file or a folder of chapters), and its decoded text."""
    source = sources.resolve(path)
    if source.is_dir():
        return read_folder(source, options)
    sidecar = read_sidecar(story_sidecar(source))
    kinds = sidecar.get("kind", ())
    part = read_part(source, options, (*kinds, *options.kinds))
    if part is None:
        empty = source.stat().st_size == 0
        raise FicError("the file is empty" if empty else "the file is empty (nothing but white space)", path=str(path))
    book = make_book(part.structure, (part.info,), source, options, sidecar, warnings=list(sidecar.warnings))
    return _finish(book, options), part.text


def _chapter_kinds(path: Path, warnings: list[str]) -> tuple[str, ...]:
    """A chapter file's own ``.toml`` in a folder: only its ``kind`` corrections count."""
    own = read_sidecar(story_sidecar(path))
    warnings.extend(own.warnings)
    extra = sorted(key for key in own.values if key != "kind")
    if extra:
        warnings.append(f"{story_sidecar(path).name}: only 'kind' is read from a chapter's own .toml; "
                        f"put {', '.join(extra)} in {sources.SIDECAR_NAME}")  # fmt: skip
    return tuple(own.get("kind", ()))


def read_folder(folder: Path, options: Options) -> tuple[Book, str]:
    """Stages 1–5 for a folder of chapter files: one book, the files in reading order."""
    listing = sources.scan_folder(folder)
    sidecar = read_sidecar(listing.sidecar, folder=True)
    if options.kinds:
        raise FicError(
            "--kind corrects the lines of one story file; for a folder, put the corrections in "
            f'{sources.SIDECAR_NAME}: kind = {{ "03.txt" = ["1-3=note"] }}',
            path=str(folder),
        )
    warnings = list(sidecar.warnings)
    if listing.skipped:
        count = len(listing.skipped)
        warnings.append(f"skipped {count} file{'s' * (count > 1)} that {'are' if count > 1 else 'is'} not "
                        f"{'chapters' if count > 1 else 'a chapter'}: {', '.join(listing.skipped)}")  # fmt: skip
    table: dict[str, tuple[str, ...]] = sidecar.get("kind") or {}
    names = {p.name for p in listing.chapters}
    for name in table:
        if name not in names:
            warnings.append(f"{sources.SIDECAR_NAME}: kind names '{name}', which is not a chapter file of the folder")
    try:
        total = sum(path.stat().st_size for path in listing.chapters)
    except OSError as exc:
        raise FicError(f"cannot read a chapter file: {exc.strerror or exc}", path=str(folder)) from None
    if total > options.max_size:
        raise FicError(f"its chapter files add up to {sources.format_size(total)}, more than the "
                       f"{sources.format_size(options.max_size)} limit (raise it with --max-size)", path=str(folder))  # fmt: skip
    parts: list[Part] = []
    for path in listing.chapters:
        kinds = (*_chapter_kinds(path, warnings), *table.get(path.name, ()))
        part = read_part(path, options, kinds)
        if part is None:
            warnings.append(f"{path.name} is empty; it is left out")
            continue
        parts.append(part)
    if not parts:
        raise FicError("every story file in the folder is empty", path=str(folder))
    structure, header = join_parts(parts)
    infos = tuple(replace(p.info, warnings=tuple(f"{p.path.name}: {w}" for w in p.info.warnings),
                          repairs=tuple(f"{p.path.name}: {r}" for r in p.info.repairs)) for p in parts)  # fmt: skip
    book = make_book(structure, infos, folder, options, sidecar, header=header, folder_cover=listing.cover,
                     warnings=warnings)  # fmt: skip
    return _finish(book, options), "\n\n".join(p.text for p in parts)


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _drop_repeats_at_top(chapter: RawChapter, seen: set[str]) -> None:
    """Drop the paragraphs of the notes before a file's story that an earlier file's top already had:
    a disclaimer or header repeated on every chapter is kept once, where it first stood."""
    start = next((i for i, block in enumerate(chapter.blocks) if isinstance(block, STORY_BLOCKS)), len(chapter.blocks))
    found: set[str] = set()
    kept: list[Block] = []
    for i, block in enumerate(chapter.blocks):
        if i < start and isinstance(block, Note):
            paras = []
            for para in block.blocks:
                key = " ".join(text_of(para.content).split()).casefold()
                if key in seen:
                    continue
                found.add(key)
                paras.append(para)
            if paras:
                kept.append(replace(block, blocks=tuple(paras), line=paras[0].line))
        else:
            kept.append(block)
    chapter.blocks[:] = kept
    seen.update(found)


def join_parts(parts: list[Part]) -> tuple[Structure, list[HeaderField]]:
    """A folder's files as one structure: each file's chapters in turn, titled from the file name
    when the file has no heading; header fields shown once; what differs from file to file kept
    with its chapter."""
    chapters: list[RawChapter] = []
    header: list[HeaderField] = []
    book_fields: dict[str, str] = {}
    seen_at_top: set[str] = set()
    for part in parts:
        first = len(chapters)
        own = [RawChapter(c.title, c.line, list(c.blocks)) for c in part.structure.chapters]
        if not own[0].title:
            own[0].title = plain(sources.chapter_title(part.path.stem))
        chapters.extend(own)
        here: list[tuple[Field, int, int]] = []
        for field_, line in part.structure.fields:
            index = first + _chapter_at(part.structure.chapters, line)
            if field_.label in ("Title", "Author"):  # their lines are in the Notes already
                header.append(HeaderField(field_, line, index))
            elif field_.label in PER_FILE_LABELS:
                here.append((field_, line, index))
            elif field_.label not in book_fields:
                book_fields[field_.label] = field_.value
                header.append(HeaderField(field_, line, index))
            elif not _same(book_fields[field_.label], field_.value):
                here.append((field_, line, index))
        for field_, line, index in here:
            keep_in_notes(chapters[index].blocks, field_, line)
        _drop_repeats_at_top(chapters[first], seen_at_top)
    first_shape = parts[0].structure.shape
    return Structure([], chapters, [], first_shape), header


def book_identifier(book: Book, text: str) -> str:
    """A ``urn:uuid`` derived from the content, so the same story keeps its id."""
    digest = hashlib.sha256()
    for part in (book.metadata.title, "\x00".join(book.metadata.authors), book.metadata.language, text):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return f"urn:uuid:{uuid.UUID(bytes=digest.digest()[:16], version=5)}"


# ---------------------------------------------------------------- writing


PDF_MAX_CHARS = 12 * 2**20
"""The longest text set as a PDF: about 7,000 A5 pages. Beyond it WeasyPrint would take hours and gigabytes."""
PDF_CHAPTER_MAX_CHARS = 2 * 2**20
"""The longest chapter set as a PDF. A chapter is laid out as a whole and its cost grows faster than its
length (measured: 0.3 MB in one chapter 12.5 s of CPU, 1 MB 79 s; 5 MB, by that curve, a quarter of an
hour), while a book of many chapters is set chapter by chapter and grows in step with its length."""
CHARS_PER_PAGE = 1700
"""About how much text an A5 page holds in the shipped themes (``novel.txt``, 1.01 MB, makes 613 pages)."""


def _part_sizes(book: Book) -> list[int]:
    """Characters in each part the PDF lays out as a whole: every chapter, and the Notes section."""
    sizes = [sum(len(text_of(block.content)) for block in chapter.blocks if isinstance(block, Para)) for chapter in book.chapters]
    sizes.append(sum(len(text_of(para.content)) for note in book.notes for para in note.blocks))
    return sizes


def check_formats(book: Book, text: str, formats: tuple[str, ...]) -> None:
    """Refuse, before anything is written, a format this book cannot sensibly become."""
    if "pdf" not in formats:
        return
    if len(text) > PDF_MAX_CHARS:
        raise FicError(
            f"is too long for a PDF: {sources.format_size(len(text))} of text would be about "
            f"{len(text) // CHARS_PER_PAGE:,} pages (the limit is {sources.format_size(PDF_MAX_CHARS)}); make an EPUB instead"
        )
    longest = max(_part_sizes(book))
    if longest > PDF_CHAPTER_MAX_CHARS:
        raise FicError(
            f"has a chapter too long for a PDF: {sources.format_size(longest)}, about {longest // CHARS_PER_PAGE:,} pages "
            f"without a break (the limit is {sources.format_size(PDF_CHAPTER_MAX_CHARS)} a chapter); "
            "split it with chapter headings, or make an EPUB instead"
        )


def write_book(book: Book, text: str, fmt: str, target: Path, options: Options) -> None:
    """Stage 6: render ``book`` in one format and write it to ``target`` (atomically).

    The theme is ``--style``, else the one the sidecar named (``book.style``).
    """
    if fmt == "epub":
        from .render.epub import write_epub

        write_epub(book, target, identifier=book_identifier(book, text), style=options.style or book.style)
    elif fmt == "pdf":
        from .render.pdf import write_pdf

        write_pdf(book, target, style=options.style or book.style, page_size=options.page_size, variant=options.pdf_variant)
    else:
        raise FicError(f"unknown format '{fmt}' (choose from {', '.join(FORMATS)})")


def build(path: Path, output_dir: Path, options: Options) -> list[Path]:
    """Convert one input into every requested format; return the files written."""
    book, text = read_book(path, options)
    check_formats(book, text, options.formats)
    stem = slugify(book.metadata.title)
    written: list[Path] = []
    for fmt in options.formats:
        target = output_dir / f"{stem}.{fmt}"
        sources.refuse_overwriting_input(target, path)
        write_book(book, text, fmt, target, options)
        written.append(target)
    return written
