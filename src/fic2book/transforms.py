"""Book → Book rewrites that run between detection and the writers.

- :func:`gather_notes` moves every note out of the story into ``Book.notes``,
  leaving a :class:`~fic2book.model.NoteRef` where it stood.
- :func:`smarten_book` applies :mod:`fic2book.typography` to every piece of
  model text (never to markup, which does not exist yet at this stage).
"""

from __future__ import annotations

from dataclasses import replace
from typing import assert_never

from .model import (
    Block,
    Book,
    Chapter,
    EndMatter,
    Epigraph,
    GatheredNote,
    Heading,
    Note,
    NoteRef,
    Para,
    SceneBreak,
    STORY_BLOCKS,
    Span,
    Text,
    Verse,
    text_of,
)


def gather_notes(book: Book) -> Book:
    """Move notes to the Notes section in source order, numbering them ``note-1``…

    Each note remembers where it stood in its chapter: before the story, within it, or after it.
    """
    gathered: list[GatheredNote] = list(book.notes)
    chapters: list[Chapter] = []
    for chapter in book.chapters:
        blocks: list[Block] = []
        story = [i for i, block in enumerate(chapter.blocks) if isinstance(block, STORY_BLOCKS)]
        for index, block in enumerate(chapter.blocks):
            if isinstance(block, Note):
                note_id = f"note-{len(gathered) + 1}"
                gathered.append(
                    GatheredNote(
                        note_id,
                        block.kind,
                        block.blocks,
                        chapter.id,
                        text_of(chapter.title),
                        block.line,
                        "before" if not story or index < story[0] else "after" if index > story[-1] else "within",
                    )
                )
                blocks.append(NoteRef(note_id, block.line))
            else:
                blocks.append(block)
        chapters.append(replace(chapter, blocks=tuple(blocks)))
    return replace(book, chapters=tuple(chapters), notes=tuple(gathered))


def _smarten_text(content: Text) -> Text:
    from .typography import smarten_segments

    if not content:
        return content
    texts = [span.text for span in content]
    new = smarten_segments(texts)
    if new == texts:
        return content  # nothing to change (half the paragraphs of a book typed with curly quotes): the same spans
    return tuple(Span(text, span.style) for text, span in zip(new, content))


def _smarten_block(block: Block) -> Block:
    match block:
        case Para():
            content = _smarten_text(block.content)
            return block if content is block.content else replace(block, content=content)
        case Verse():
            return replace(block, lines=tuple(_smarten_text(ln) for ln in block.lines))
        case Epigraph():
            return replace(
                block,
                lines=tuple(_smarten_text(ln) for ln in block.lines),
                attribution=_smarten_text(block.attribution),
            )
        case Heading():
            return replace(block, content=_smarten_text(block.content))
        case EndMatter():
            return replace(block, content=_smarten_text(block.content))
        case Note():
            return replace(block, blocks=tuple(replace(p, content=_smarten_text(p.content)) for p in block.blocks))
        case SceneBreak() | NoteRef():
            return block
        case _:
            assert_never(block)


def smarten_book(book: Book) -> Book:
    """Typographic quotes, dashes and ellipses everywhere the reader sees text."""
    from .typography import smarten

    chapters = tuple(
        replace(ch, title=_smarten_text(ch.title), blocks=tuple(_smarten_block(b) for b in ch.blocks))
        for ch in book.chapters
    )
    notes = tuple(
        replace(n, blocks=tuple(replace(p, content=_smarten_text(p.content)) for p in n.blocks), chapter_title=smarten(n.chapter_title))
        for n in book.notes
    )
    meta = book.metadata
    metadata = replace(
        meta,
        title=smarten(meta.title),
        summary=smarten(meta.summary),
        fields=tuple(replace(f, value=smarten(f.value)) for f in meta.fields),
        series=replace(meta.series, name=smarten(meta.series.name)) if meta.series else None,
    )
    return replace(book, chapters=chapters, notes=notes, metadata=metadata)
