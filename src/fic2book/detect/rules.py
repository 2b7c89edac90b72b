"""Detection rules: small named predicates over one chunk, run from one ordered list.

Each rule's docstring shows the text it matches; ``inspect`` reports the
rule's name, so a reader can see why a line was read the way it was. Rules
are general shapes of fanfiction text, never tuned to one story. Where a rule
applies is part of the rule: ``head`` rules only before the story starts,
``tail`` rules only after it ends, ``any`` rules everywhere. Prose is the
catch-all and is not a rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ..model import LineKind
from .chunks import Chunk

Where = Literal["head", "tail", "any"]

# ---------------------------------------------------------------- vocabulary

HEADER_KEYS: dict[str, str] = {
    # key as written (lower case, without "(s)") -> label shown to readers
    "title": "Title",
    "story title": "Title",
    "author": "Author",
    "authors": "Author",
    "writer": "Author",
    "by": "Author",
    "fandom": "Fandom",
    "fandoms": "Fandom",
    "rating": "Rating",
    "rated": "Rating",
    "pairing": "Pairing",
    "pairings": "Pairing",
    "relationship": "Relationships",
    "relationships": "Relationships",
    "characters": "Characters",
    "character": "Characters",
    "warning": "Warnings",
    "warnings": "Warnings",
    "summary": "Summary",
    "description": "Summary",
    "disclaimer": "Disclaimer",
    "archiving": "Archiving",
    "archive": "Archiving",
    "feedback": "Feedback",
    "spoilers": "Spoilers",
    "spoiler": "Spoilers",
    "beta": "Beta",
    "beta reader": "Beta",
    "betas": "Beta",
    "word count": "Word count",
    "words": "Word count",
    "wordcount": "Word count",
    "series": "Series",
    "category": "Category",
    "categories": "Category",
    "genre": "Genre",
    "genres": "Genre",
    "status": "Status",
    "dedication": "Dedication",
    "tags": "Tags",
    "language": "Language",
    "published": "Published",
    "updated": "Updated",
    "completed": "Completed",
    "notes": "Notes",
    "timeline": "Timeline",
    "setting": "Setting",
}

DISPLAY_FIELDS = frozenset(
    {
        "Fandom", "Series", "Rating", "Warnings", "Category", "Genre", "Pairing", "Relationships",
        "Characters", "Tags", "Summary", "Status", "Word count", "Language", "Published", "Updated",
        "Completed", "Timeline", "Setting",
    }
)
"""Fields that describe the story and belong on the title page; the rest
(disclaimer, archiving, feedback…) is boilerplate gathered in the Notes."""

HEADER_LINE = re.compile(r"^\s*(?P<key>[A-Za-z][A-Za-z' ]{0,20}?)(?:\(s\))?\s*:\s*(?P<value>.*)$")


def header_key(line: str) -> tuple[str, str] | None:
    """``(label, value)`` when ``line`` is a known ``Key: value`` header field."""
    match = HEADER_LINE.match(line)
    if not match:
        return None
    key = match.group("key").strip().lower()
    label = HEADER_KEYS.get(key) or HEADER_KEYS.get(key.rstrip("s"))
    if label is None:
        return None
    return label, match.group("value").strip()


# ---------------------------------------------------------------- rules


@dataclass(frozen=True)
class Rule:
    name: str
    kind: LineKind
    where: Where
    test: Callable[[Chunk], bool]

    @property
    def example(self) -> str:
        doc = (self.test.__doc__ or "").strip().splitlines()
        return doc[0] if doc else ""


def header_field(chunk: Chunk) -> bool:
    """Disclaimer: I own nothing."""
    return len(chunk.lines) == 1 and header_key(chunk.lines[0]) is not None


NOTE_LABEL = re.compile(
    r"""^[\s(\[{*~_-]*
        (?:a\s*/\s*n|a\.\s*n\.?|an|n\s*/\s*a|author['’]?s['’]?\s+notes?|authors?\s+notes?|notes?
          |side\s*notes?|final\s+notes?|end\s+notes?|ps|p\.\s*s\.?)
        \s*(?::|\.(?=\s)|-|–|—|\))""",
    re.IGNORECASE | re.VERBOSE,
)


def note_label(chunk: Chunk) -> bool:
    """A/N: Just something I thought needed to be explored."""
    return bool(NOTE_LABEL.match(chunk.lines[0]))


WRITER_TALK = re.compile(
    r"""\b(?:this\s+(?:story|fic|fanfic|one-?shot|oneshot|chapter|drabble)
        |popped\s+into\s+my\s+head|my\s+(?:beta|first\s+fic|muse|readers|other\s+stor(?:y|ies))
        |(?:please|pls)\s+(?:read\s+and\s+)?review|read\s+and\s+review|r\s*&\s*r
        |reviews?\s+(?:are|is)\s+(?:love|appreciated|welcome)|hope\s+you\s+(?:all\s+)?(?:like|enjoy)
        |thanks?\s+(?:you\s+)?(?:for\s+(?:reading|the\s+reviews)|to\s+my\s+beta)
        |writer'?s\s+block|i\s+(?:don'?t|do\s+not)\s+own|enjoy!)""",
    re.IGNORECASE | re.VERBOSE,
)


def chatty_preamble(chunk: Chunk) -> bool:
    """Okay, so this lovely story popped into my head over Christmas."""
    return bool(WRITER_TALK.search(chunk.text))


CLOSING_CHATTER = re.compile(
    r"""(?:let\s+me\s+know\s+what\s+you\s+(?:think|thought)|(?:please|pls)\s+(?:read\s+and\s+)?review
        |review\s+please|reviews?\s+(?:are|is|would\s+be)|\br\s*&\s*r\b|thanks?\s+(?:you\s+)?for\s+reading
        |hope\s+you\s+(?:all\s+)?(?:liked|enjoyed|like|enjoy)|more\s+soon|next\s+chapter|feedback)""",
    re.IGNORECASE | re.VERBOSE,
)


def closing_chatter(chunk: Chunk) -> bool:
    """Let me know what you think!"""
    return len(chunk.text) <= 400 and bool(CLOSING_CHATTER.search(chunk.text))


SYMBOLS_ONLY = re.compile(r"^[\s\W_]{1,80}$")
QUOTES = re.compile(r"[\"'“”‘’«»()]")
SPEECH_MARKS = re.compile(r"^[.…?!\s]+$")


def symbol_line(chunk: Chunk) -> bool:
    """* * *"""
    line = chunk.lines[0].strip()
    if len(chunk.lines) != 1 or not SYMBOLS_ONLY.match(line):
        return False
    # "..." or "?!" alone is a character's silence or reaction, not a break
    return not QUOTES.search(line) and not SPEECH_MARKS.match(line)


DECORATED = re.compile(r"^[\W_]*(?:[xo0]+[\W_]*){2,}$|^[\W_]*[xo0]*[\W_]+[xo0]+[\W_]+[xo0]*[\W_]*$", re.IGNORECASE)
BREAK_WORDS = re.compile(
    r"^\s*[\[(<{*~=_-]*\s*(?:line|scene|page|section|time)?\s*(?:break|change|skip)\s*[\])>}*~=_-]*\s*$", re.IGNORECASE
)


def decorated_break(chunk: Chunk) -> bool:
    """xXx"""
    line = chunk.lines[0].strip()
    if len(chunk.lines) != 1 or len(line) > 60:
        return False
    if BREAK_WORDS.match(line):
        return True
    if not DECORATED.match(line) or len(line) < 3:
        return False
    letters = [c for c in line if c.isalnum()]
    # "xXx", "oOo", "-o0o-": mixed case or digits, or symbols around the letters
    return len(set(letters)) > 1 or len(letters) < len(line)


NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    r"|seventeen|eighteen|nineteen|twenty(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|thirty|forty|fifty"
)
CHAPTER_HEADING = re.compile(
    rf"""^\s*(?:chapter|chap\.?|ch\.|part|book|volume|vol\.|section)\s+
        (?:\d{{1,4}}|[ivxlcdm]{{1,8}}|{NUMBER_WORDS})\b
        (?:\s*(?:[:.\-–—]|\s)\s*.{{0,100}})?$""",
    re.IGNORECASE | re.VERBOSE,
)


def chapter_heading(chunk: Chunk) -> bool:
    """Chapter One: The Rain"""
    return len(chunk.lines) == 1 and bool(CHAPTER_HEADING.match(chunk.lines[0]))


NAMED_HEADING = re.compile(
    r"^\s*(?:prologue|epilogue|interlude|afterword|foreword|preface|introduction|coda)\b(?:\s*[:.\-–—]\s*.{0,80})?\s*$",
    re.IGNORECASE,
)


def named_heading(chunk: Chunk) -> bool:
    """Prologue"""
    return len(chunk.lines) == 1 and bool(NAMED_HEADING.match(chunk.lines[0]))


END_MARKER = re.compile(
    r"^\s*[\[(*~-]*\s*(?:tbc|t\.b\.c|to\s+be\s+continued|continued\s+in\s+.{1,60}|the\s+end|fin|finis|end"
    r"|end\s+of\s+(?:chapter|part)\s*\w*|end\s+(?:chapter|part)\s*\w*|the\s+end\s+for\s+now)\s*[.!?…\])*~-]*\s*$",
    re.IGNORECASE,
)


def end_marker(chunk: Chunk) -> bool:
    """tbc."""
    return len(chunk.lines) == 1 and bool(END_MARKER.match(chunk.lines[0]))


RULES: tuple[Rule, ...] = (
    Rule("header_field", "front_matter", "head", header_field),
    Rule("note_label", "note", "any", note_label),
    Rule("symbol_line", "scene_break", "any", symbol_line),
    Rule("decorated_break", "scene_break", "any", decorated_break),
    Rule("chapter_heading", "heading", "any", chapter_heading),
    Rule("named_heading", "heading", "any", named_heading),
    Rule("chatty_preamble", "note", "head", chatty_preamble),
    Rule("end_marker", "end_matter", "tail", end_marker),
    Rule("closing_chatter", "note", "tail", closing_chatter),
)
"""Every rule, in the order they are tried; the first that matches wins."""
