"""Input paths → the source files to read, and the guards around reading them.

A story file is read as it is. A folder is a book of chapter files
(:func:`scan_folder`): they are put in the order a reader expects from their
names alone (:func:`chapter_order`), and everything else in the folder is the
cover, the sidecar, or skipped and named, so the reader can see what was left out.

Reading is where hostile input first touches us, so every refusal here is a
:class:`~fic2book.errors.FicError` with a reason a reader understands.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from . import lazyre
from .errors import FicError

TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")
"""What a chapter file in a folder may end in."""
COVER_NAMES = ("cover.jpg", "cover.jpeg", "cover.png", "cover.webp")
"""A folder's cover image, in order of preference (the name's case does not matter)."""
SIDECAR_NAME = "fic2book.toml"
"""A folder's metadata file."""
JUNK_NAMES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db", "icon\r"})
"""Files that file managers leave behind."""


def natural_key(name: str) -> list[object]:
    """Sort key that puts ``ch2`` before ``ch10``."""
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", name)]


# ---------------------------------------------------------------- chapter order

FRONT_WORDS = frozenset({"prologue", "prolog", "preface", "foreword"})
EPILOGUE_WORDS = frozenset({"epilogue", "epilog"})
AFTERWORD_WORDS = frozenset({"afterword", "postscript"})
_CHAPTER_WORD = r"(?:chapter|chapt|chap|chpt|ch|c)"
_PART_WORD = r"(?:part|pt|book|volume|vol|act)"
_NUMBER_WORDS = {
    w: n
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_NUMBER = r"(\d+(?:\.\d+)?|[a-z]+(?:-[a-z]+)?)"
CHAPTER_NUMBER = lazyre.compile(rf"(?<![a-z]){_CHAPTER_WORD}[\s._-]*{_NUMBER}")
PART_NUMBER = lazyre.compile(rf"(?<![a-z]){_PART_WORD}[\s._-]*{_NUMBER}")
BARE_NUMBER = lazyre.compile(r"(?<![\d.])(\d+)(?![\d])")


def _number(word: str) -> float | None:
    """``"12"``, ``"4.5"``, ``"twelve"``, ``"twenty-one"``, ``"xii"`` → the number; anything else → None."""
    if word[0].isdigit():
        return float(word)
    if word in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[word])
    tens, _, ones = word.partition("-")
    if ones and tens in _NUMBER_WORDS and ones in _NUMBER_WORDS and _NUMBER_WORDS[tens] >= 20 and _NUMBER_WORDS[ones] < 10:
        return float(_NUMBER_WORDS[tens] + _NUMBER_WORDS[ones])
    if re.fullmatch(r"c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})", word) and word:
        values = [_ROMAN[ch] for ch in word]
        return float(sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values)))
    return None


@dataclass(frozen=True)
class ChapterName:
    """What a chapter file's name says about its place: ``Part 1 Ch 5.txt`` → part 1, chapter 5."""

    group: int
    """0 a prologue (or preface, foreword), 1 the chapters, 2 an epilogue, 3 an afterword."""
    chapter: float | None = None
    part: float | None = None
    rest: str = ""
    """The words of the name after the number, e.g. "The Rain" in ``Chapter 3 - The Rain``."""
    word: str = ""
    """The prologue/epilogue/afterword word the name starts with, as written."""


def _first_match(pattern: re.Pattern[str], text: str) -> tuple[float, tuple[int, int]] | None:
    for match in pattern.finditer(text):
        number = _number(match.group(1))
        if number is not None:
            return number, match.span()
    return None


def parse_chapter_name(stem: str) -> ChapterName:
    """Read the chapter number (and part, and prologue/epilogue words) out of a file name without its suffix.

    ``Chapter 3 - The Rain``, ``03``, ``ch3_final``, ``Chapter Three``, ``Part 1 Ch 2``; the number after a
    chapter word wins, then the first number in the name; a name with only a part number (``Part 2``)
    counts that as its chapter number.
    """
    lower = stem.casefold()
    part = _first_match(PART_NUMBER, lower)
    chapter = _first_match(CHAPTER_NUMBER, lower)
    spans = [found[1] for found in (part, chapter) if found]
    if chapter is None:
        masked = lower
        for a, b in spans:
            masked = masked[:a] + " " * (b - a) + masked[b:]
        bare = BARE_NUMBER.search(masked)
        if bare:
            chapter = (float(bare.group(1)), bare.span())
            spans.append(bare.span())
    if chapter is None and part is not None:
        chapter, part = part, None
    end = max((b for _a, b in spans), default=0)
    rest = re.sub(r"^[\s._\-–—:,)\]]+", "", stem[end:]).strip()
    words = re.findall(r"[^\W\d_]+", lower)
    lead = re.match(r"^[\W\d_]*([^\W\d_]+)", lower)
    first = lead.group(1) if lead else ""
    group, word = 1, ""
    for number_, kind in ((0, FRONT_WORDS), (2, EPILOGUE_WORDS), (3, AFTERWORD_WORDS)):
        if first in kind or (chapter is None and kind.intersection(words)):
            group, word = number_, next(w for w in words if w in kind)
            break
    return ChapterName(group, chapter[0] if chapter else None, part[0] if part else None, rest, word)


JUNK_WORDS = frozenset(
    "final draft drafts edit edited edits revised revision beta betaed beta'd fixed copy new old done complete "
    "finished wip v1 v2 v3 v4 v5 txt".split()
)
"""Words a file name carries about the file, not the chapter: ``ch4_final``, ``03 edited``."""


def _number_text(number: float) -> str:
    return str(int(number)) if number == int(number) else f"{number:g}"


def chapter_title(stem: str) -> str:
    """A readable chapter title from a file name without its suffix, for a chapter with no heading.

    ``03`` → "Chapter 3", ``ch4_final`` → "Chapter 4", ``Chapter 3 - The Rain`` → "Chapter 3: The Rain",
    ``Part 1 Ch 5`` → "Part 1, Chapter 5", ``prologue`` → "Prologue", ``my_story`` → "My story".
    """
    name = parse_chapter_name(stem)
    words = [w for w in re.split(r"[\s_]+", name.rest.strip()) if w]
    while words and re.sub(r"[\W_]", "", words[-1].casefold()) in JUNK_WORDS | {""}:
        words.pop()
    rest = " ".join(words).strip(" -–—.,:")
    if name.group != 1 or name.chapter is None:
        text = (rest if name.group != 1 else "") or " ".join(re.split(r"[\s_]+", stem)).strip()
        return (text[:1].upper() + text[1:]) if text else "Untitled"
    head = f"Chapter {_number_text(name.chapter)}"
    if name.part is not None:
        head = f"Part {_number_text(name.part)}, {head}"
    return f"{head}: {rest[:1].upper()}{rest[1:]}" if rest else head


def chapter_order(paths: list[Path]) -> list[Path]:
    """Chapter files in reading order.

    Prologues (and prefaces, forewords) first, then the numbered chapters by number (2 before 10,
    zero-padded or not), then chapter files with no number in natural name order, then epilogues,
    then afterwords. Part numbers (``Part 1 Ch 2``) count when chapter numbers restart in each part;
    when they run on through the parts, the chapter number alone decides.
    """
    names = {path: parse_chapter_name(path.stem) for path in paths}
    with_parts = sorted(
        ((n.part, n.chapter) for n in names.values() if n.group == 1 and n.part is not None and n.chapter is not None)
    )
    chapters_in_part_order = [chapter for _part, chapter in with_parts]
    restarts = chapters_in_part_order != sorted(chapters_in_part_order) or len(set(chapters_in_part_order)) < len(
        chapters_in_part_order
    )

    def key(path: Path) -> tuple[object, ...]:
        n = names[path]
        if n.chapter is None:
            place: tuple[float, ...] = (1, 0.0, 0.0)
        elif restarts:
            place = (0, n.part or 0.0, n.chapter)
        else:
            place = (0, n.chapter, n.part or 0.0)
        return (n.group, place, natural_key(path.name))

    return sorted(paths, key=key)


# ---------------------------------------------------------------- folders


@dataclass(frozen=True)
class Folder:
    """What a folder holds for a book: its chapter files in reading order, and everything else."""

    path: Path
    chapters: tuple[Path, ...]
    cover: Path | None = None
    sidecar: Path | None = None
    skipped: tuple[str, ...] = ()
    """Names of what is not a chapter, the cover, the sidecar or a chapter's own ``.toml``; a subfolder ends in ``/``."""


def scan_folder(folder: Path) -> Folder:
    """Sort a folder's entries into chapters, cover, sidecar and skipped files; refuse one with no chapter."""
    try:
        entries = sorted(folder.iterdir(), key=lambda p: natural_key(p.name))
    except OSError as exc:
        raise FicError(f"cannot list the folder: {exc.strerror or exc}", path=str(folder)) from None
    chapters: list[Path] = []
    covers: list[Path] = []
    sidecar: Path | None = None
    others: list[Path] = []
    for entry in entries:
        name = entry.name
        lower = name.casefold()
        if entry.is_dir():
            others.append(entry)
        elif name.startswith(".") or name.endswith("~") or lower in JUNK_NAMES or not entry.is_file():
            others.append(entry)
        elif lower == SIDECAR_NAME:
            sidecar = entry
        elif lower in COVER_NAMES:
            covers.append(entry)
        elif entry.suffix.lower() in TEXT_SUFFIXES:
            chapters.append(entry)
        else:
            others.append(entry)
    if not chapters:
        raise FicError("the folder has no story files (.txt or .md)", path=str(folder))
    stems = {p.stem for p in chapters}
    skipped = [
        p.name + ("/" if p.is_dir() else "")
        for p in others
        if not (p.suffix.lower() == ".toml" and p.stem in stems and not p.name.startswith("."))
    ]
    covers.sort(key=lambda p: COVER_NAMES.index(p.name.casefold()))
    skipped += [p.name for p in covers[1:]]
    return Folder(folder, tuple(chapter_order(chapters)), covers[0] if covers else None, sidecar, tuple(sorted(skipped, key=natural_key)))


def story_files(folder: Path) -> list[Path]:
    """The chapter files of a folder in reading order (:func:`chapter_order`)."""
    return list(scan_folder(folder).chapters)


def resolve(path: Path) -> Path:
    """``path`` if it is a story file or a folder of chapter files, or a clear refusal."""
    if not path.exists():
        raise FicError("no such file", path=str(path))
    if path.is_dir():
        return path
    if not path.is_file():
        raise FicError("is not a regular file", path=str(path))
    return path


_UNITS = {"": 1, "b": 1, "k": 2**10, "kb": 2**10, "kib": 2**10, "m": 2**20, "mb": 2**20, "mib": 2**20,
          "g": 2**30, "gb": 2**30, "gib": 2**30}  # fmt: skip


def parse_size(text: str) -> int:
    """A size limit as people write it, in binary units: ``64M``, ``64 MB``, ``1.5G``, ``500k``, ``1048576``."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", text.lower())
    if not match or match.group(2) not in _UNITS:
        raise FicError(f"'{text}' is not a size; write it like 64M, 200MB or 1G")
    size = int(float(match.group(1)) * _UNITS[match.group(2)])
    if size <= 0:
        raise FicError(f"'{text}' is not a size above zero")
    return size


def format_size(size: int) -> str:
    """``64 MB``, ``1.5 MB``, ``900 KB``, ``12 bytes``: a limit or a file size, readable."""
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} byte{'s' * (size != 1)}"


def read_bytes(path: Path, *, max_size: int) -> bytes:
    """The file's bytes, refusing one larger than ``max_size`` before reading it whole."""
    try:
        size = path.stat().st_size
        if size > max_size:
            raise FicError(
                f"is {format_size(size)}, larger than the {format_size(max_size)} limit (raise it with --max-size)",
                path=str(path),
            )
        with path.open("rb") as handle:
            data = handle.read(max_size + 1)
    except PermissionError:
        raise FicError("cannot be read: permission denied", path=str(path)) from None
    except IsADirectoryError:
        raise FicError("is a folder", path=str(path)) from None
    except OSError as exc:
        raise FicError(f"cannot be read: {exc.strerror or exc}", path=str(path)) from None
    if len(data) > max_size:
        raise FicError(f"grew past the {format_size(max_size)} limit while being read", path=str(path))
    return data


def refuse_overwriting_input(target: Path, source: Path) -> None:
    """Never write a book over the file it was made from."""
    try:
        if target.exists() and os.path.samefile(target, source):
            raise FicError(f"the output {target} would overwrite the input", path=str(source))
    except OSError:
        return
