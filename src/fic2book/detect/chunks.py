"""Source lines → chunks: the paragraph-sized pieces the rules classify.

Stories come in three layouts, often mixed in one file: a paragraph per line
with blank lines between (most fanfiction), hard-wrapped paragraphs
(Gutenberg, e-mail archives), and a paragraph per line with no blank lines at
all (phone copy-paste). A run of non-blank lines is joined into one paragraph
only when it looks hard-wrapped; otherwise each line stands alone, except a
run of short lines, which stays one chunk with its line breaks (a letter,
lyrics, a text message).
"""

from __future__ import annotations

from dataclasses import dataclass

WRAP_MAX = 100
"""Longest line a hard-wrapped file has; longer lines are whole paragraphs."""

SHORT_LINE = 60


@dataclass(frozen=True)
class Chunk:
    """A paragraph candidate: its source lines and where they start (1-based)."""

    lines: tuple[str, ...]
    line: int
    joined: bool = False

    @property
    def text(self) -> str:
        """The chunk as one string: wrapped lines joined, broken lines kept."""
        if not self.joined:
            return "\n".join(self.lines)
        out = self.lines[0]
        for nxt in self.lines[1:]:
            out += nxt if out.endswith("--") else " " + nxt
        return out

    @property
    def line_numbers(self) -> range:
        return range(self.line, self.line + len(self.lines))


def split_lines(text: str) -> list[str]:
    """The text's lines, trailing whitespace removed (newlines are already ``\\n``)."""
    return [ln.rstrip() for ln in text.split("\n")]


def _runs(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Maximal runs of non-blank lines, with the 1-based number of their first line."""
    runs: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(lines, 1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            runs.append((start, current))
            current = []
    if current:
        runs.append((start, current))
    return runs


def _looks_wrapped(run: list[str]) -> bool:
    """Hard-wrapped prose: every line but the last fills most of a common width.

    >>> _looks_wrapped(["It was the best of times, it was the worst of times, it was",
    ...                 "the age of wisdom, it was the age of foolishness."])
    True
    """
    if len(run) < 2:
        return False
    body = [len(line) for line in run[:-1]]
    width = max(body)
    if width > WRAP_MAX or width < 40:
        return False
    return min(body) >= width * 0.55


def chunk_lines(lines: list[str]) -> list[Chunk]:
    """Split lines into chunks; see the module docstring for the layouts."""
    chunks: list[Chunk] = []
    for start, run in _runs(lines):
        if len(run) == 1:
            chunks.append(Chunk((run[0],), start))
        elif _looks_wrapped(run) and not _is_header_run(run):
            chunks.append(Chunk(tuple(run), start, joined=True))
        elif all(len(line) <= SHORT_LINE for line in run) and not _is_header_run(run):
            chunks.append(Chunk(tuple(run), start))
        else:
            chunks.extend(Chunk((line,), start + i) for i, line in enumerate(run))
    return chunks


def _is_header_run(run: list[str]) -> bool:
    """A block of ``Key: value`` lines is split so each field is its own chunk."""
    from .rules import header_key

    return sum(1 for line in run if header_key(line)) >= max(2, len(run) // 2)
