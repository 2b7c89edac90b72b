"""The document model: what a story *is*, independent of any output format.

Detection builds it, transforms (typography, notes) rewrite it, writers read
it. Every block carries the 1-based source line it started on so reports and
``inspect`` can point back at the text. The set of block kinds is closed:
writers ``match`` on :data:`Block` and end with ``assert_never``, so adding a
kind here makes every writer that forgot it fail type-checking and tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Union

# ---------------------------------------------------------------- inline text


@dataclass(frozen=True)
class Span:
    """A run of text with one style; ``\\n`` inside ``text`` is a line break."""

    text: str
    style: Literal["", "em", "strong"] = ""


Text = tuple[Span, ...]
"""Inline content: consecutive spans."""


def plain(text: str) -> Text:
    """Inline content made of one unstyled span."""
    return (Span(text),) if text else ()


def text_of(content: Text) -> str:
    """The characters of inline content, styles dropped."""
    return "".join(span.text for span in content)


# ---------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Para:
    """A prose paragraph: narration, dialogue, a letter; may keep line breaks."""

    content: Text
    line: int = 0


@dataclass(frozen=True)
class Verse:
    """Verse or lyrics quoted inside the narrative: one entry per line."""

    lines: tuple[Text, ...]
    line: int = 0


@dataclass(frozen=True)
class Epigraph:
    """Verse, lyrics or a quotation set apart at the head of a story, chapter or section."""

    lines: tuple[Text, ...]
    attribution: Text = ()
    line: int = 0


@dataclass(frozen=True)
class Heading:
    """A heading inside a chapter (a section title, not the chapter's own)."""

    content: Text
    level: int = 2
    line: int = 0


@dataclass(frozen=True)
class SceneBreak:
    """A separator between scenes; ``marker`` is the source line, kept for reports."""

    marker: str = "***"
    line: int = 0


NoteKind = Literal["note", "front_matter"]


@dataclass(frozen=True)
class Note:
    """An author's note or front matter, where it stood in the source.

    The notes transform moves it to :attr:`Book.notes` and leaves a
    :class:`NoteRef` in its place.
    """

    blocks: tuple[Para, ...]
    kind: NoteKind = "note"
    line: int = 0


@dataclass(frozen=True)
class NoteRef:
    """The marker left where a note stood; links to ``Book.notes[id]``."""

    note_id: str
    line: int = 0


@dataclass(frozen=True)
class EndMatter:
    """Trailing text that belongs to the story's frame, not a note: "tbc", "The End"."""

    content: Text
    line: int = 0


Block = Union[Para, Verse, Epigraph, Heading, SceneBreak, Note, NoteRef, EndMatter]


# ---------------------------------------------------------------- structure


@dataclass(frozen=True)
class Chapter:
    """One chapter; ``title`` is its heading as written, empty for an untitled one-shot."""

    id: str
    title: Text
    blocks: tuple[Block, ...]
    line: int = 0


NotePlace = Literal["before", "within", "after"]
"""Where a note stood in its chapter: before the chapter's story, inside it, or after it."""


@dataclass(frozen=True)
class GatheredNote:
    """A note in the Notes section, with where it came from."""

    id: str
    kind: NoteKind
    blocks: tuple[Para, ...]
    chapter_id: str
    chapter_title: str
    line: int = 0
    place: NotePlace = "within"


@dataclass(frozen=True)
class Field:
    """A header field: ``label`` is what it means ("Rating"), ``written`` how the text put it ("Rated")."""

    label: str
    value: str
    written: str = ""


@dataclass(frozen=True)
class Series:
    """The series a story belongs to, and its place in it (1, 2, 2.5…) when known."""

    name: str
    index: float | None = None


@dataclass(frozen=True)
class Metadata:
    """What we know about the book; ``fields`` are what the title page shows about it.

    ``fields`` hold the header fields the text gave, with the sidecar's and the
    flags' values in their place; the rest is what package metadata needs in a
    structured form (subjects, series, dates, the source's address).
    """

    title: str
    authors: tuple[str, ...] = ("Unknown",)
    language: str = "en"
    summary: str = ""
    fields: tuple[Field, ...] = ()
    title_source: str = "file name"
    author_source: str = "default"
    series: Series | None = None
    subjects: tuple[str, ...] = ()
    """Fandoms, tags, genres and categories: ``dc:subject`` and PDF keywords."""
    published: str = ""
    """An ISO date (``2024-03-15``) when one is known."""
    updated: str = ""
    source_url: str = ""


LineKind = Literal["front_matter", "note", "epigraph", "heading", "scene_break", "prose", "end_matter"]


@dataclass(frozen=True)
class DetectedBlock:
    """Source lines ``first_line``–``last_line`` read as ``kind`` because ``rule`` fired."""

    kind: LineKind
    first_line: int
    last_line: int
    rule: str
    text: str = ""


@dataclass(frozen=True)
class SourceInfo:
    """Where the text came from and how it was decoded."""

    path: str
    encoding: str
    confidence: float
    reason: str
    newline: str
    repairs: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class CoverImage:
    """A cover image the reader supplied, checked and converted: JPEG or PNG bytes of ``width`` × ``height``."""

    data: bytes = field(repr=False)
    media_type: Literal["image/jpeg", "image/png"]
    width: int
    height: int
    source: str = ""
    """The file it came from, for reports."""


@dataclass(frozen=True)
class Book:
    """The whole story: metadata, chapters, gathered notes, and how we read it.

    ``cover`` is the reader's own cover image (None: the writers draw one);
    ``style`` the theme the sidecar asked for (a ``--style`` flag wins);
    ``warnings`` what reading it found worth telling the reader (a skipped
    file, an unknown sidecar key, a cover image that could not be used).
    """

    metadata: Metadata
    chapters: tuple[Chapter, ...]
    notes: tuple[GatheredNote, ...] = ()
    sources: tuple[SourceInfo, ...] = ()
    detected: tuple[DetectedBlock, ...] = field(default=(), repr=False)
    shape: str = ""
    cover: CoverImage | None = None
    style: str | None = None
    warnings: tuple[str, ...] = ()


STORY_BLOCKS = (Para, Verse, Epigraph, Heading, SceneBreak, EndMatter)
"""The blocks that are the story itself, as opposed to notes and their markers."""


def word_count(book: Book) -> int:
    """Words of the story's chapters (not their titles, not the notes), counted like ``wc -w``, as AO3 counts: for the title page."""
    total = 0
    for chapter in book.chapters:
        for block in chapter.blocks:
            if isinstance(block, (Para, Heading, EndMatter)):
                total += len(text_of(block.content).split())
            elif isinstance(block, Verse):
                total += sum(len(text_of(line).split()) for line in block.lines)
            elif isinstance(block, Epigraph):
                total += sum(len(text_of(line).split()) for line in (*block.lines, block.attribution))
    return total
