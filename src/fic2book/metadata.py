"""Who wrote the book and what it is: metadata resolved from every place that can say.

Precedence, highest first: command-line flags, the sidecar
(:mod:`fic2book.sidecar`), the header fields in the text, the file or folder
name. The title page shows the header fields as the author wrote them; where a
flag or the sidecar gives a different value, the title page shows that one and
the header line moves to the Notes (:attr:`Resolved.moved`), so no word of the
source is lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import lazyre
from .errors import FicError
from .model import Field, Metadata, Series
from .sidecar import Sidecar

if TYPE_CHECKING:
    from .pipeline import Options

LANGUAGE_NAMES = {
    "english": "en", "spanish": "es", "español": "es", "french": "fr", "français": "fr", "german": "de",
    "deutsch": "de", "italian": "it", "italiano": "it", "portuguese": "pt", "português": "pt", "dutch": "nl",
    "russian": "ru", "русский": "ru", "polish": "pl", "polski": "pl", "swedish": "sv", "japanese": "ja",
    "chinese": "zh", "korean": "ko", "finnish": "fi", "danish": "da", "norwegian": "no", "czech": "cs",
    "greek": "el", "turkish": "tr", "hungarian": "hu", "indonesian": "id", "vietnamese": "vi",
}  # fmt: skip
BCP47 = lazyre.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\d{3}))?(?:-[A-Za-z0-9]{5,8})*$")

SLOTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "fandom": ("Fandom", ("Fandom",)),
    "rating": ("Rating", ("Rating",)),
    "warnings": ("Warnings", ("Warnings",)),
    "relationships": ("Relationships", ("Relationships", "Pairing")),
    "characters": ("Characters", ("Characters",)),
    "tags": ("Tags", ("Tags",)),
    "summary": ("Summary", ("Summary",)),
    "status": ("Status", ("Status",)),
    "published": ("Published", ("Published",)),
    "updated": ("Updated", ("Updated",)),
    "source": ("Source", ()),
}
"""Sidecar key → the title-page label it sets, and the header labels it stands in for."""
SUBJECT_LABELS = ("Fandom", "Tags", "Genre", "Category")
"""Header fields whose comma-separated values become ``dc:subject``."""
ISO_DATE = lazyre.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class HeaderField:
    """A header field the text gave: where it stood (its line and the book's chapter holding it)."""

    field: Field
    line: int
    chapter: int = 0


@dataclass
class Resolved:
    """The book's metadata, the header fields to keep in the Notes instead, and warnings."""

    metadata: Metadata
    moved: list[HeaderField] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


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


RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "ug", "ur", "yi"})

# Letters that tell languages sharing a script apart (checked in this order).
_ARABIC_BY_LETTER = (("ur", "ٹڈڑںےۓھ"), ("fa", "پچژگکی"))
_CYRILLIC_BY_LETTER = (("uk", "іїєґ"), ("be", "ў"), ("sr", "ђћџјљњ"), ("mk", "ѓќѕ"), ("bg", "ѝ"))
_SAMPLE_LETTERS = 20_000


def _script(ch: str) -> str | None:
    """The writing system of one letter, for the few scripts that name a language (or nearly)."""
    code = ord(ch)
    if code < 0x0370:
        return "latin"
    for start, end, script in (
        (0x0370, 0x03FF, "greek"), (0x1F00, 0x1FFF, "greek"), (0x0400, 0x052F, "cyrillic"),
        (0x0590, 0x05FF, "hebrew"), (0xFB1D, 0xFB4F, "hebrew"), (0x0600, 0x06FF, "arabic"),
        (0x0750, 0x077F, "arabic"), (0xFB50, 0xFDFF, "arabic"), (0xFE70, 0xFEFF, "arabic"),
        (0x0E00, 0x0E7F, "thai"), (0x3040, 0x30FF, "kana"), (0x31F0, 0x31FF, "kana"), (0xFF66, 0xFF9D, "kana"),
        (0x1100, 0x11FF, "hangul"), (0xAC00, 0xD7AF, "hangul"), (0x3130, 0x318F, "hangul"),
        (0x4E00, 0x9FFF, "han"), (0x3400, 0x4DBF, "han"), (0xF900, 0xFAFF, "han"),
    ):  # fmt: skip
        if start <= code <= end:
            return script
    return None


def script_language(texts: Iterable[str]) -> str | None:
    """The language a story's letters can only be in, when its script says so; None for Latin text.

    A story in Arabic, Hebrew, Greek, Thai, Japanese, Korean, Chinese or a
    Cyrillic language gets that language instead of the default English, so
    readers lay it out right to left, hyphenate it and pick fonts for it.
    Latin-script languages are not guessed: English is the default for them.
    ``["Шла Саша по шоссе"]`` → ``"ru"``; ``["彼女は窓の外を見た。"]`` → ``"ja"``.
    """
    counts: dict[str, int] = {}
    seen = 0
    letters: list[str] = []
    for text in texts:
        if text.isascii():  # most paragraphs of most stories: Latin letters only, counted in C
            latin = sum(map(str.isalpha, text))
            counts["latin"] = counts.get("latin", 0) + latin
            seen += latin
            chars: str = ""
        else:
            chars = text
        for ch in chars:
            if ch.isalpha():
                script = _script(ch)
                if script is not None:
                    counts[script] = counts.get(script, 0) + 1
                    if script in ("arabic", "cyrillic"):
                        letters.append(ch.lower())
                seen += 1
        if seen >= _SAMPLE_LETTERS or seen >= 2000 and counts.get("latin", 0) * 10 > seen * 9:
            break  # enough letters; a text that is Latin so far settles it early
    if not seen:
        return None
    cjk = counts.get("han", 0) + counts.get("kana", 0)
    if cjk * 2 > seen:
        return "ja" if counts.get("kana", 0) * 10 >= cjk else "zh"
    script, count = max(counts.items(), key=lambda kv: kv[1], default=("latin", 0))
    if script == "latin" or count * 2 <= seen:
        return None
    if script in ("arabic", "cyrillic"):
        table = _ARABIC_BY_LETTER if script == "arabic" else _CYRILLIC_BY_LETTER
        found = set(letters)
        language = next((lang for lang, marks in table if found & set(marks)), None)
        return language or ("ar" if script == "arabic" else "ru")
    return {"greek": "el", "hebrew": "he", "thai": "th", "hangul": "ko", "kana": "ja", "han": "zh"}.get(script)


def text_direction(language: str) -> str:
    """``"rtl"`` for a language written right to left (``ar``, ``he-IL``, ``fa``…), else ``"ltr"``."""
    return "rtl" if language.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


def split_authors(text: str) -> tuple[str, ...]:
    """``"Ann Smith & Bo Lee"`` → both names; a list of more than four is more likely one odd name."""
    authors = tuple(a.strip() for a in re.split(r"\s*(?:,|&|\band\b)\s*", text) if a.strip())
    return authors if 0 < len(authors) <= 4 else (text.strip(),)


def format_index(index: float) -> str:
    """``2.0`` → ``"2"``, ``2.5`` → ``"2.5"``."""
    return str(int(index)) if index == int(index) else f"{index:g}"


def series_line(series: Series) -> str:
    """How the title page and the cover name a series: "Book 2 of The Marauders Saga"."""
    return f"Book {format_index(series.index)} of {series.name}" if series.index is not None else series.name


_INDEX = r"(?:book|part|vol(?:ume)?\.?|no\.?|number|#)\s*(\d+(?:\.\d+)?)"


def parse_series(value: str) -> Series | None:
    """A header's ``Series:`` value: "Book 2 of X", "Part 2 of X", "X, Book 2", "X #2", "X (Part 2)", or just "X"."""
    value = value.strip().strip("\"'“”")
    if not value:
        return None
    match = re.match(rf"^{_INDEX}\s+(?:of|in)\s+(?:the\s+series\s+)?(.+)$", value, re.I)
    if match:
        return Series(match.group(2).strip().strip("\"'“”"), float(match.group(1)))
    match = re.match(rf"^(.+?)[\s,:;–—-]*[(\[]?\s*{_INDEX}\s*[)\]]?$", value, re.I)
    if match and match.group(1).strip():
        return Series(match.group(1).strip().strip("\"'“”,"), float(match.group(2)))
    return Series(value)


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _sidecar_where(sidecar: Sidecar) -> str:
    return sidecar.path.name if sidecar.path else "the sidecar"


def resolve_metadata(
    header: list[HeaderField],
    sidecar: Sidecar,
    options: Options,
    name: str,
    *,
    name_source: str = "file name",
    story: Iterable[str] = (),
) -> Resolved:
    """Flags > sidecar > header fields > ``name`` (the file or folder name made readable).

    ``story`` is the story's text, paragraph by paragraph: its script gives
    the language when nothing else does (:func:`script_language`).
    """
    warnings: list[str] = []
    firsts: dict[str, str] = {}
    for item in header:
        if item.field.label in ("Title", "Author") and item.field.value:
            firsts.setdefault(item.field.label, item.field.value)
    shown = [item for item in header if item.field.label not in ("Title", "Author")]

    # Values the sidecar and the flags give, as the title page shows them.
    given: dict[str, tuple[str, tuple[str, ...]]] = {}
    for key, (label, stands_for) in SLOTS.items():
        value = options.tags if key == "tags" and options.tags else sidecar.get(key)
        if value:
            given[label] = (", ".join(value) if isinstance(value, tuple) else str(value), stands_for)
    series = _series(header, sidecar, options, warnings)
    if series is not None and (options.series or sidecar.get("series")):
        given["Series"] = (series_line(series), ("Series",))

    fields: list[Field] = []
    moved: list[HeaderField] = []
    replaced: set[str] = set()
    for item in shown:
        slot = next((label for label, (_v, labels) in given.items() if item.field.label in labels), None)
        if slot is None:
            fields.append(item.field)
            continue
        value = given[slot][0]
        if _same(item.field.value, value) and slot not in replaced:
            fields.append(item.field)  # says the same: keep it as the author wrote it
            given.pop(slot)
            continue
        if slot not in replaced:
            fields.append(Field(slot, value, slot))
            replaced.add(slot)
        moved.append(item)
    for slot, (value, _labels) in given.items():
        if slot not in replaced:
            fields.append(Field(slot, value, slot))

    if options.title:
        title, title_source = options.title.strip(), "--title"
    elif sidecar.get("title"):
        title, title_source = sidecar.get("title"), _sidecar_where(sidecar)
    elif firsts.get("Title"):
        title, title_source = firsts["Title"], "Title: header"
    else:
        title, title_source = name, name_source
    if options.author:
        authors, author_source = split_authors(options.author), "--author"
    elif sidecar.get("authors"):
        authors, author_source = sidecar.get("authors"), _sidecar_where(sidecar)
    elif firsts.get("Author"):
        authors, author_source = split_authors(firsts["Author"]), "Author: header"
    else:
        authors, author_source = ("Unknown",), "default"

    language = "en"
    if options.lang:
        tag = normalise_language(options.lang)
        if tag is None:
            raise FicError(f"'{options.lang}' is not a language tag (try en, en-GB, de, pt-BR)")
        language = tag
    elif sidecar.get("language"):
        tag = normalise_language(sidecar.get("language"))
        if tag is None:
            raise FicError(f"language '{sidecar.get('language')}' is not a language tag (try en, en-GB, de, pt-BR)",
                           path=str(sidecar.path))  # fmt: skip
        language = tag
    else:
        for item in shown:
            if item.field.label == "Language" and normalise_language(item.field.value):
                language = normalise_language(item.field.value) or language
                break
        else:
            language = script_language(story) or language

    summary = next((f.value for f in fields if f.label == "Summary"), "")
    lists = {"Fandom": sidecar.get("fandom"), "Tags": options.tags or sidecar.get("tags")}
    subjects: list[str] = []
    for f in fields:
        if f.label in SUBJECT_LABELS:
            given_list = lists.pop(f.label, None)
            if given_list:
                subjects.extend(given_list)  # a list already: a name with a comma stays whole
            else:
                subjects.extend(v.strip() for v in f.value.split(","))
    dates = {label: next((f.value for f in fields if f.label == label), "") for label in ("Published", "Updated")}
    metadata = Metadata(
        title=title,
        authors=tuple(authors),
        language=language,
        summary=summary,
        fields=tuple(fields),
        title_source=title_source,
        author_source=author_source,
        series=series,
        subjects=tuple(dict.fromkeys(s for s in subjects if s)),
        published=dates["Published"] if ISO_DATE.match(dates["Published"]) else "",
        updated=dates["Updated"] if ISO_DATE.match(dates["Updated"]) else "",
        source_url=sidecar.get("source", ""),
    )
    return Resolved(metadata, moved, warnings)


def _series(header: list[HeaderField], sidecar: Sidecar, options: Options, warnings: list[str]) -> Series | None:
    from_header = next((parse_series(i.field.value) for i in header if i.field.label == "Series"), None)
    name = options.series or sidecar.get("series") or (from_header.name if from_header else None)
    if not name:
        if options.series_index is not None or sidecar.get("series_index") is not None:
            warnings.append("a series index was given without a series name; it is ignored")
        return None
    if options.series_index is not None:
        index = options.series_index
    elif sidecar.get("series_index") is not None:
        index = sidecar.get("series_index")
    elif not options.series and not sidecar.get("series") and from_header:
        index = from_header.index
    else:
        index = None
    return Series(name.strip(), index)
