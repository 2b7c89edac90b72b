"""Structure detection: decoded text → classified chunks → chapters of blocks.

1. :func:`~.chunks.chunk_lines` cuts the text into paragraph-sized chunks.
2. :func:`classify` gives each chunk a kind from the first rule in
   :data:`~.rules.RULES` that matches, honouring where each rule applies: the
   head of the story (before its first prose), anywhere, or the tail of each
   chapter (after its last prose, read backwards). Prose is the catch-all.
3. :func:`build` turns the kinds into model blocks and chapters, and the
   ``Key: value`` header fields into metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import (
    Block,
    EndMatter,
    Heading,
    LineDecision,
    LineKind,
    Note,
    Para,
    SceneBreak,
    Text,
    plain,
)
from .chunks import Chunk, chunk_lines, split_lines
from .rules import DISPLAY_FIELDS, RULES, header_key

STORY_KINDS: frozenset[LineKind] = frozenset({"prose", "epigraph", "heading"})


@dataclass(frozen=True)
class Classified:
    chunk: Chunk
    kind: LineKind
    rule: str


@dataclass
class RawChapter:
    title: Text
    line: int
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Structure:
    """What detection found, before metadata is resolved and notes are gathered."""

    fields: list[tuple[str, str, int]]
    chapters: list[RawChapter]
    decisions: list[LineDecision]


def _first_match(chunk: Chunk, *, head: bool, tail: bool) -> tuple[LineKind, str]:
    for rule in RULES:
        if rule.where == "head" and not head or rule.where == "tail" and not tail:
            continue
        if rule.where != "tail" and tail:
            continue
        if rule.test(chunk):
            return rule.kind, rule.name
    return "prose", "prose"


def classify(chunks: list[Chunk]) -> list[Classified]:
    """Give every chunk a kind and the name of the rule that decided it."""
    out: list[Classified] = []
    head = True
    for chunk in chunks:
        kind, rule = _first_match(chunk, head=head, tail=False)
        if kind == "heading":
            head = True
        elif kind in STORY_KINDS:
            head = False
        out.append(Classified(chunk, kind, rule))

    # Tail pass: read each chapter backwards from its end until the story's prose.
    ends = [i for i, c in enumerate(out) if c.kind == "heading"] + [len(out)]
    for end in ends:
        i = end - 1
        while i >= 0 and out[i].kind != "heading":
            item = out[i]
            if item.kind == "prose":
                kind, rule = _first_match(item.chunk, head=False, tail=True)
                if kind == "prose":
                    break
                out[i] = Classified(item.chunk, kind, rule)
            i -= 1
    return out


def _flush_note(blocks: list[Block], pending: list[Para], kind: str, line: int) -> None:
    if pending:
        blocks.append(Note(tuple(pending), kind, line))  # type: ignore[arg-type]


def build(classified: list[Classified]) -> Structure:
    """Turn classified chunks into chapters of blocks and header fields."""
    fields: list[tuple[str, str, int]] = []
    decisions: list[LineDecision] = []
    chapters: list[RawChapter] = [RawChapter((), 1)]
    pending: list[Para] = []
    pending_kind = "note"
    pending_line = 0

    for item in classified:
        chunk, kind = item.chunk, item.kind
        for number, text in zip(chunk.line_numbers, chunk.lines):
            decisions.append(LineDecision(number, kind, item.rule, text))

        note_kind = kind if kind in ("note", "front_matter") else None
        if kind == "front_matter":
            found = header_key(chunk.lines[0])
            if found and (found[0] in DISPLAY_FIELDS or found[0] in ("Title", "Author")):
                fields.append((found[0], found[1], chunk.line))
                continue
        if note_kind != pending_kind or note_kind is None:
            _flush_note(chapters[-1].blocks, pending, pending_kind, pending_line)
            pending = []
        if note_kind is not None:
            if not pending:
                pending_kind, pending_line = note_kind, chunk.line
            pending.append(Para(plain(chunk.text), chunk.line))
            continue

        if kind == "heading":
            chapters.append(RawChapter(plain(chunk.text.strip()), chunk.line))
        elif kind == "scene_break":
            chapters[-1].blocks.append(SceneBreak(chunk.text.strip(), chunk.line))
        elif kind == "end_matter":
            chapters[-1].blocks.append(EndMatter(plain(chunk.text.strip()), chunk.line))
        else:
            chapters[-1].blocks.append(Para(plain(chunk.text), chunk.line))
    _flush_note(chapters[-1].blocks, pending, pending_kind, pending_line)

    # Text before the first heading is a chapter of its own only if it holds story.
    preamble = chapters[0]
    if len(chapters) > 1:
        has_story = any(isinstance(b, (Para, Heading, EndMatter)) for b in preamble.blocks)
        if not has_story:
            chapters[1].blocks[:0] = preamble.blocks
            chapters.pop(0)
    return Structure(fields, chapters, decisions)


def detect(text: str) -> Structure:
    """Detect the structure of one decoded source text."""
    return build(classify(chunk_lines(split_lines(text))))
