"""Source lines → chunks: the paragraph-sized pieces the rules classify.

Stories come in several paragraph shapes, often mixed in one file:

- **blank-line separated**: a paragraph per line with blank lines between
  (most fanfiction);
- **hard-wrapped**: paragraphs broken at 60–80 columns (Gutenberg, mailing
  lists), joined back here;
- **one per line**: a paragraph per line with no blank lines (phone copy-paste);
- **indented**: each paragraph starts with an indent, continuation lines don't.

A run of non-blank lines is joined into one paragraph only when it looks
hard-wrapped; a run of short lines stays one chunk with its line breaks (a
letter, lyrics, text messages); anything else is a paragraph per line.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from .. import lazyre

WRAP_MAX = 100
"""Longest line a hard-wrapped file has; longer lines are whole paragraphs."""

SHORT_LINE = 60
CENTRED_INDENT = 12
"""A line indented this far in a file of indented paragraphs is centred, not a paragraph's first line."""
INDENT = lazyre.compile(r"^(?:\t| {2,})\S")


@dataclass(frozen=True)
class Chunk:
    """A paragraph candidate: its source lines and where they start (1-based)."""

    lines: tuple[str, ...]
    line: int
    joined: bool = False

    @cached_property
    def text(self) -> str:
        """The chunk as one string: wrapped lines joined, broken lines kept.

        Cached: every rule reads it, some several times (a frozen dataclass
        without slots still has the ``__dict__`` this writes to)."""
        if not self.joined:
            return "\n".join(line.strip() for line in self.lines)
        out = self.lines[0].strip()
        for nxt in self.lines[1:]:
            nxt = nxt.strip()
            out += nxt if out.endswith("--") else " " + nxt
        return out

    @property
    def last_line(self) -> int:
        return self.line + len(self.lines) - 1

    @property
    def line_numbers(self) -> range:
        return range(self.line, self.line + len(self.lines))


def split_lines(text: str) -> list[str]:
    """The text's lines, trailing whitespace removed (newlines are already ``\\n``)."""
    return [ln.rstrip() for ln in text.split("\n")]


def runs(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Maximal runs of non-blank lines, with the 1-based number of their first line."""
    found: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(lines, 1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            found.append((start, current))
            current = []
    if current:
        found.append((start, current))
    return found


def wrap_width(all_runs: list[tuple[int, list[str]]]) -> int:
    """The column a hard-wrapped file breaks at: the 90th percentile of the lengths
    of lines that are followed by another line of the same paragraph; 0 if none."""
    lengths = sorted(len(line.strip()) for _s, run in all_runs if len(run) > 1 for line in run[:-1])
    if len(lengths) < 6:
        return 0  # too little evidence that the file is wrapped at all
    return lengths[int(0.9 * (len(lengths) - 1))]


def looks_wrapped(run: list[str], width: int) -> bool:
    """Hard-wrapped prose: each line broke because the next word would not fit.

    Verse breaks early: its next word would have fit on the line, which is how
    a verse epigraph in a wrapped file keeps its lines.

    >>> looks_wrapped(["It was the best of times, it was the worst of times, it was the",
    ...                "age of wisdom, it was the age of foolishness."], 66)
    True
    >>> looks_wrapped(["Shall I compare thee to a summer's day?",
    ...                "Thou art more lovely and more temperate:"], 66)
    False
    """
    if len(run) < 2 or width < 45 or width > WRAP_MAX:
        return False
    lines = [line.strip() for line in run]
    if any(re.match(r"^[-–—―~]+\s*[A-Z]", line) for line in lines[1:]):
        return False  # "- Avatar Roku" under a quotation credits it; it does not continue it
    if len(lines) >= 3 and all(
        re.search(r"[,;:.!?—–-]$", line) and nxt[:1].isupper() and not re.match(r"I\b", nxt) for line, nxt in zip(lines, lines[1:])
    ):
        return False  # every line ends a clause and the next opens with a capital (not "I"): verse, as poems are set
    full = 0
    for line, nxt in zip(lines, lines[1:]):
        if len(line) > WRAP_MAX:
            return False
        next_word = nxt.split(" ", 1)[0]
        if len(line) + 1 + len(next_word) > width * 0.92:
            full += 1
    return full >= 0.8 * (len(lines) - 1)


def _indented_paragraphs(start: int, run: list[str]) -> list[Chunk] | None:
    """Split a run whose paragraphs open with an indent; None if it is not that shape."""
    starts = [i for i, line in enumerate(run) if INDENT.match(line)]
    if len(starts) < 2 or len(starts) == len(run) or starts[0] not in (0, 1):
        return None
    # an unindented line after a finished sentence is a paragraph of its own (a heading, "- end -");
    # so is one after a short line: wrapping fills a line, so a short one ended its paragraph ("— Emily Dickinson")
    widest = max(len(line.strip()) for line in run)
    for i in range(1, len(run)):
        ended = run[i - 1].rstrip().endswith((".", "!", "?", '"', "”", "’", ")", "*"))
        short = len(run[i - 1].strip()) <= widest // 2 and not run[i - 1].rstrip().endswith(("-", ",", ";"))
        if i not in starts and not INDENT.match(run[i]) and (ended or short):
            starts.append(i)
            if i + 1 < len(run) and not INDENT.match(run[i + 1]):
                starts.append(i + 1)
    # a centred line ("                THE END", "+++") stands alone whatever follows it
    for i, line in enumerate(run):
        if len(line) - len(line.lstrip(" ")) >= CENTRED_INDENT and len(line.strip()) <= 40:
            starts.append(i)
            if i + 1 < len(run):
                starts.append(i + 1)
    starts = sorted(set(starts))
    bounds = ([0] if starts[0] else []) + starts + [len(run)]
    chunks = []
    for a, b in zip(bounds, bounds[1:]):
        piece = run[a:b]
        chunks.append(Chunk(tuple(piece), start + a, joined=len(piece) > 1))
    return chunks


RULE_LINE = lazyre.compile(r"^\s*([=\-~_*#+])\1{9,}\s*$")
"""A drawn rule, ten or more of one character: ``==========``."""


def _split_run(start: int, run: list[str], width: int) -> list[Chunk]:
    from .rules import is_header_run

    if len(run) == 1:
        return [Chunk((run[0],), start)]
    # a rule under the run's first line is a setext underline ("Chapter One / ======"), not a boundary
    rules = [i for i, line in enumerate(run) if RULE_LINE.match(line) and i != 1]
    if rules and len(rules) < len(run):
        # a ruled layout with no blank lines ("=====" boxes): each rule is a boundary
        chunks: list[Chunk] = []
        bounds = [-1, *rules, len(run)]
        for a, b in zip(bounds, bounds[1:]):
            if b - a > 1:
                chunks.extend(_split_run(start + a + 1, run[a + 1 : b], width))
            if b < len(run):
                chunks.append(Chunk((run[b],), start + b))
        return chunks
    if is_header_run(run):
        return [Chunk((line,), start + i) for i, line in enumerate(run)]
    cut = next((i for i in range(1, len(run)) if _chapter_line(run[i])), None)
    ended = run[cut - 1].rstrip().endswith((".", "!", "?", '"', "”")) if cut is not None else False
    ao3 = cut is not None and cut + 1 < len(run) and bool(SECTION_LABEL.match(run[cut + 1]))  # "Chapter 2: … / Chapter Text"
    if cut is not None and (not (ended or ao3) or any(map(_chapter_line, run[:cut]))):
        cut = None  # under a title, a contents entry or a header line it is a list, not a new chapter
    if cut is not None:
        # "Patroclus turned around." / "Chapter 3: Nyx — 150 words": a chapter opens under the last line
        return _split_run(start, run[:cut], width) + _split_run(start + cut, run[cut:], width)
    indented = _indented_paragraphs(start, run)
    if indented is not None:
        return indented
    if looks_wrapped(run, width):
        return [Chunk(tuple(run), start, joined=True)]
    if all(len(line.strip()) <= SHORT_LINE for line in run):
        return [Chunk(tuple(run), start)]
    return [Chunk((line,), start + i) for i, line in enumerate(run)]


def _chapter_line(line: str) -> bool:
    """"Chapter 3: Nyx — 150 words": a numbered chapter word opening a line of its own."""
    from .rules import CHAPTER_HEADING, _sentence_like

    return bool(CHAPTER_HEADING.match(line) and STRONG_CHAPTER.match(line)) and not _sentence_like(line)


STRONG_CHAPTER = lazyre.compile(
    r"^\W{0,6}(?:chapter|chap\.?|ch\.|part|cap[ií]tulo|chapitre|kapitel|capitolo|глава|rozdział|hoofdstuk)\b", re.IGNORECASE
)
"""The words that open a chapter and little else; "Day 3" and "Entry 114:" also open diary lines."""


SECTION_LABEL = lazyre.compile(
    r"^\s*(?:summary|notes|chapter\s+text|work\s+text|author['’]?s\s+notes?|end\s+notes|chapter\s+(?:end\s+)?notes|series\s+this\s+work\s+belongs\s+to)\s*:?\s*$",
    re.IGNORECASE,
)


def _cut_at_labels(all_runs: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """Archive downloads put "Notes" or "Chapter Text" on a line of its own with no blank line around it."""
    out: list[tuple[int, list[str]]] = []
    for start, run in all_runs:
        piece: list[str] = []
        piece_start = start
        for offset, line in enumerate(run):
            if SECTION_LABEL.match(line) and len(run) > 1:
                if piece:
                    out.append((piece_start, piece))
                out.append((start + offset, [line]))
                piece, piece_start = [], start + offset + 1
            else:
                piece.append(line)
        if piece:
            out.append((piece_start, piece))
    return out


def chunk_lines(lines: list[str], line_runs: list[tuple[int, list[str]]] | None = None) -> list[Chunk]:
    """Split lines into chunks; see the module docstring for the shapes. ``line_runs`` is ``runs(lines)``
    when the caller has it already (it is read again by :func:`paragraph_shape`); neither changes it."""
    all_runs = _cut_at_labels(runs(lines) if line_runs is None else line_runs)
    width = wrap_width(all_runs)
    chunks: list[Chunk] = []
    for start, run in all_runs:
        chunks.extend(_split_run(start, run, width))
    return chunks


def paragraph_shape(lines: list[str], line_runs: list[tuple[int, list[str]]] | None = None) -> str:
    """Name the file's paragraph shape for reports: the shape most of its text has (``line_runs`` as in
    :func:`chunk_lines`)."""
    counts: Counter[str] = Counter()
    all_runs = runs(lines) if line_runs is None else line_runs
    width = wrap_width(all_runs)
    for _start, run in all_runs:
        if len(run) == 1:
            counts["blank-line separated"] += 1
        elif _indented_paragraphs(0, run) is not None:
            counts["indented"] += len(run)
        elif looks_wrapped(run, width):
            counts["hard-wrapped"] += len(run)
        elif all(len(line.strip()) <= SHORT_LINE for line in run):
            counts["blank-line separated"] += 1
        else:
            counts["one per line"] += len(run)
    if not counts:
        return "empty"
    total = sum(counts.values())
    shape, most = counts.most_common(1)[0]
    return shape if most >= 0.8 * total else "mixed (" + ", ".join(s for s, _ in counts.most_common()) + ")"
