"""Structure detection: decoded text → classified chunks → chapters of blocks.

1. :func:`~.chunks.chunk_lines` cuts the text into paragraph-sized chunks
   (and names the paragraph shape).
2. :func:`classify` gives each chunk a kind from the first rule in
   :data:`~.rules.RULES` that matches where it stands: the head of the file,
   of a chapter or of a section (forward), or the tail of each chapter (read
   backwards from its end until the story's prose). Prose is the catch-all.
   A reader's ``--kind 1-3=note`` overrides win over every rule.
3. :func:`build` turns the kinds into model blocks and chapters, and header
   fields into metadata fields.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from .. import lazyre
from ..errors import FicError
from ..model import (
    Block,
    DetectedBlock,
    Field,
    EndMatter,
    Epigraph,
    Heading,
    LineKind,
    Note,
    Para,
    SceneBreak,
    Text,
    Verse,
)
from .chunks import Chunk, chunk_lines, paragraph_shape, runs, split_lines
from .inline import parse_inline
from .rules import (
    DISPLAY_FIELDS,
    GUTENBERG_END,
    HEADER_LINE,
    LABEL_LINE,
    MAIL_ONLY,
    RULES,
    RULE_LINE,
    Context,
    Rule,
    archive_chrome,
    archive_header,
    bare_signature,
    disclaimer_field,
    header_block,
    table_of_contents,
    attribution,
    byline_name,
    closing_chatter,
    end_marker,
    header_key,
    licence_block,
    unquote,
    writer_talk,
)

KINDS: tuple[LineKind, ...] = ("front_matter", "note", "epigraph", "heading", "scene_break", "prose", "end_matter")


@dataclass(frozen=True)
class Override:
    """A reader's correction: lines ``first``–``last`` are ``kind``."""

    first: int
    last: int
    kind: LineKind

    @classmethod
    def parse(cls, spec: str) -> Override:
        """``"1-3=note"`` or ``"7=heading"``."""
        match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+))?\s*=\s*([a-z_]+)\s*", spec)
        if not match:
            raise FicError(f"cannot read the override '{spec}': write it as FIRST-LAST=KIND, e.g. 1-3=note")
        first, last, kind = int(match.group(1)), int(match.group(2) or match.group(1)), match.group(3)
        if kind not in KINDS:
            raise FicError(f"unknown kind '{kind}' in '{spec}' (kinds: {', '.join(KINDS)})")
        if last < first or first < 1:
            raise FicError(f"the line range in '{spec}' is backwards or starts before line 1")
        return cls(first, last, kind)  # type: ignore[arg-type]


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

    fields: list[tuple[Field, int]]
    chapters: list[RawChapter]
    detected: list[DetectedBlock]
    shape: str = ""


# ---------------------------------------------------------------- classify


def _split_for_overrides(chunks: list[Chunk], overrides: list[Override]) -> list[Chunk]:
    """Cut chunks at override boundaries so every chunk is wholly inside or outside each."""
    if not overrides:
        return chunks
    cuts = {o.first for o in overrides} | {o.last + 1 for o in overrides}
    out: list[Chunk] = []
    for chunk in chunks:
        start = 0
        for offset in range(1, len(chunk.lines)):
            if chunk.line + offset in cuts:
                out.append(Chunk(chunk.lines[start:offset], chunk.line + start, chunk.joined))
                start = offset
        out.append(Chunk(chunk.lines[start:], chunk.line + start, chunk.joined))
    return out


def _override_for(chunk: Chunk, overrides: list[Override]) -> LineKind | None:
    for o in reversed(overrides):  # the last one given wins
        if o.first <= chunk.line and chunk.last_line <= o.last:
            return o.kind
    return None


@functools.lru_cache(maxsize=8)
def _rules_for(file_head: bool, head: bool, section_head: bool) -> tuple[Rule, ...]:
    """The forward rules that may fire where we are: at most eight lists, made once."""
    return tuple(
        rule
        for rule in RULES
        if not (
            rule.where == "tail"
            or rule.where == "file_head" and not file_head
            or rule.where == "head" and not head
            or rule.where == "section_head" and not (head or section_head)
        )
    )


def classify(chunks: list[Chunk], overrides: list[Override] | None = None, title: str | None = None) -> list[Classified]:
    """Give every chunk a kind and the name of the rule that decided it."""
    overrides = overrides or []
    ctx = Context(chunks, [None] * len(chunks), title=title)
    rules: list[str] = [""] * len(chunks)
    _forward(ctx, rules, overrides, 0)
    late = _late_header(ctx, rules)
    if late is not None:
        for k in range(late):
            if ctx.kinds[k] not in ("front_matter", "note") and rules[k] != "override":
                ctx.kinds[k], rules[k] = "front_matter", "head_chrome"
        for k in range(late, len(chunks)):
            ctx.kinds[k], rules[k] = None, ""
        _forward(ctx, rules, overrides, late)
    after = _contents_runs(ctx, rules)
    if after is not None and after < len(chunks):
        # a contents list is the head's, so what follows it is read as the head again ("Next >", "Disclaimer: …")
        for k in range(after, len(chunks)):
            ctx.kinds[k], rules[k] = None, ""
        _forward(ctx, rules, overrides, after)
    _tail_pass(ctx, rules)
    for k, rule in enumerate(rules):
        if rule == "list_after_colon" and k > 0:
            ctx.kinds[k] = ctx.kinds[k - 1]  # the line above may have become a note since
    _paratext_sections(ctx, rules)
    _furniture_rules(ctx, rules)
    _framing_rules(ctx, rules)
    return [Classified(c, k or "prose", r) for c, k, r in zip(chunks, ctx.kinds, rules)]


def _contents_runs(ctx: Context, rules: list[str]) -> int | None:
    """Three or more headings on consecutive lines before the story are its contents list;
    returns the index after the last such list, if any.

    Example: "1. Embers / 2. Smoke / 3. What the River Keeps": a story's own
    headings always have text between them.
    """
    first_prose = next((k for k, kind in enumerate(ctx.kinds) if kind == "prose"), len(ctx.kinds))
    found = None
    k = 0
    while k < first_prose:
        end = k
        while end < first_prose and ctx.kinds[end] == "heading" and (end == k or ctx.adjacent(end)):
            end += 1
        # two entries will do over the site's "Next >": FanFiction.Net's chapter list of a two-chapter story
        nav_below = end < len(ctx.chunks) and ctx.adjacent(end) and (archive_header(ctx.chunks[end]) or archive_chrome(ctx.chunks[end]))
        if end - k >= 3 or end - k == 2 and nav_below:
            for j in range(k, end):
                if rules[j] != "override":
                    ctx.kinds[j], rules[j] = "front_matter", "table_of_contents"
            found = end
        k = max(end, k + 1)
    return found


def _forward(ctx: Context, rules: list[str], overrides: list[Override], start: int) -> None:
    """The forward pass from chunk ``start``, which is read as the head of the file."""
    chunks = ctx.chunks
    file_head = head = section_head = True
    i = start
    while i < len(chunks):
        kind = _override_for(chunks[i], overrides)
        count = 1
        rule_name = "override"
        if kind is None and _listed_after_colon(ctx, i):
            # "Quick poll (vote in the comments!):" then "1. Mira's backstory": a list, not headings
            kind, rule_name = ctx.kinds[i - 1] or "prose", "list_after_colon"
        elif kind is None:
            kind, rule_name, count = "prose", "prose", 1
            for rule in _rules_for(file_head, head, section_head):
                found = rule.match(ctx, i)
                if found:
                    kind, rule_name, count = rule.kind, rule.name, found
                    break
        for k in range(i, i + count):
            ctx.kinds[k] = kind
            rules[k] = rule_name
        i += count
        if kind == "heading" or rule_name == "header_block":
            head = section_head = True
            file_head = False
        elif kind == "scene_break":
            section_head = True
        elif kind == "prose":
            file_head = head = section_head = False
        elif kind == "epigraph":
            file_head = head = False  # another epigraph may follow; chatty notes may not
        if ctx.title is None and rule_name in ("title_line", "header_field"):
            found_title = _title_from(chunks[i - 1])
            ctx.title = found_title or ctx.title


LIST_ITEM = lazyre.compile(r"^\s*(?:\d{1,2}[.)]|[-*•]|[a-z][.)])\s+\S")


def _listed_after_colon(ctx: Context, i: int) -> bool:
    """A list item right under a line that ends with a colon (or under the item before) belongs with it.

    Example: "Quick poll (vote in the comments!): / 1. Mira's backstory" — a list, not a heading.
    """
    if i == 0 or not ctx.adjacent(i) or ctx.kinds[i - 1] not in ("note", "prose"):
        return False
    if not LIST_ITEM.match(ctx.chunks[i].lines[0]):
        return False
    above = ctx.chunks[i - 1]
    return above.text.rstrip().endswith(":") or bool(LIST_ITEM.match(above.lines[0]))


LATE_HEADER_WINDOW = 14
"""How many chunks after the first "prose" one a header may still begin (site chrome above it)."""
SHORT_CHROME = 160
"""Longest "prose" chunk that may be site furniture above a header rather than the story."""


def _late_header(ctx: Context, rules: list[str]) -> int | None:
    """Where a header begins below lines the first pass took for the story, if it does.

    Example: "r/WritingPrompts / Posted by u/quietmarrow / 4.2k" and then
    "Rating: PG / Pairing: …": short unexplained lines above two or more header
    fields (or an archive line, a byline, a table of contents) are the page's
    furniture, not the story's first paragraphs.
    """
    first = next((k for k, kind in enumerate(ctx.kinds) if kind == "prose" and rules[k] != "override"), None)
    if first is None:
        return None
    end = min(len(ctx.chunks), first + LATE_HEADER_WINDOW)
    for k in range(first, end):
        chunk = ctx.chunks[k]
        if rules[k] == "override":
            return None
        if ctx.kinds[k] == "prose" and (len(chunk.text) > SHORT_CHROME or _narrative(chunk.text)):
            # the story may have begun; a header may still open with this very chunk
            return k if _header_starts(ctx, k) and k > first else None
        if ctx.kinds[k] in ("prose", "epigraph", "heading", "scene_break", "note") and k > first and _header_starts(ctx, k):
            return k
    return None


def _header_starts(ctx: Context, k: int) -> bool:
    """A header that no story sentence imitates starts at chunk ``k``."""
    chunk = ctx.chunks[k]
    if archive_header(chunk) or table_of_contents(ctx, k) or header_block(ctx, k):
        return True
    fields = 0
    for j in range(k, min(len(ctx.chunks), k + 6)):
        field_ = header_key(ctx.chunks[j].lines[0])
        if field_ is None:
            continue
        label, value = field_
        # From/To/Subject head letters inside stories too; a mail server's own headers carry
        # an <address> or a time to the second
        if label not in MAIL_ONLY or re.search(r"<[^<>@\s]+@[^<>\s]+>|\b\d{1,2}:\d{2}:\d{2}\b", value):
            fields += 1
        if fields >= 2:
            return True
    return False


def _narrative(text: str) -> bool:
    """A sentence of the story rather than a page's furniture: "The café had a comment card on every table…"."""
    text = text.strip()
    return text.startswith(('"', "“", "'", "‘", "—", "«")) or len(text.split()) >= 15 and text.endswith((".", "!", "?", "…", '"', "”"))


PARATEXT_HEADING = lazyre.compile(
    r"""^[\W_]*(?:(?:[ivxlc]{1,6}|\d{1,2}|[a-z])[.):]\s+|(?:section|part)\s+\w{1,4}\s*[:.\-–—]\s*)?
        (?P<name>version\s+history|revision\s+history|change\s*log|updates?|legal(?:\s+stuff)?|copyright|disclaimer
        |credits|acknowledge?ments|(?:special\s+)?thanks|closing(?:\s+(?:notes|words|remarks))?|final\s+(?:words|notes)
        |contact(?:\s+info(?:rmation)?)?|author['’]?s\s+notes?)[\W_]*$""",
    re.IGNORECASE | re.VERBOSE,
)
"""Section headings of a text file's own paperwork ("I. VERSION HISTORY", "V. CLOSING"), not of its story."""
FRONT_PARATEXT = ("version", "revision", "change", "update", "legal", "copyright", "disclaimer")


def _paratext_sections(ctx: Context, rules: list[str]) -> None:
    """A heading that names the file's paperwork, and what stands under it, is front matter or a note.

    Example: a GameFAQs fic's "I. VERSION HISTORY" before the story (front
    matter) and "V. CLOSING" with its thanks after it (a note).
    """
    story_seen = False
    k = 0
    while k < len(ctx.kinds):
        kind = ctx.kinds[k]
        match = PARATEXT_HEADING.match(ctx.chunks[k].text) if kind == "heading" and rules[k] != "override" else None
        if match is None:
            story_seen = story_seen or kind == "prose" and len(ctx.chunks[k].text) > SHORT_CHROME
            k += 1
            continue
        name = match.group("name").lower()
        new_kind: LineKind = "front_matter" if not story_seen and name.startswith(FRONT_PARATEXT) else "note"
        ctx.kinds[k], rules[k] = new_kind, "paratext_section"
        k += 1
        while k < len(ctx.kinds) and ctx.kinds[k] != "heading":
            if ctx.kinds[k] not in ("end_matter", "scene_break") and rules[k] != "override":
                ctx.kinds[k], rules[k] = new_kind, "paratext_section"
            k += 1


def _furniture_rules(ctx: Context, rules: list[str]) -> None:
    """Rules between two parts of a page's header, or above its footer, belong to them.

    Example: a mail digest's "______" lines between its table of topics and the
    message's headers; the same lines above the list's footer at the end.
    """
    kinds = ctx.kinds
    for k, kind in enumerate(kinds):
        if kind != "scene_break" or rules[k] == "override" or not RULE_LINE.match(ctx.chunks[k].text):
            continue
        after = next((kinds[j] for j in range(k + 1, len(kinds)) if kinds[j] != "scene_break"), None)
        if after == "front_matter" and all(kd in ("front_matter", "note", "scene_break") for kd in kinds[:k]):
            kinds[k], rules[k] = "front_matter", "framing_rule"
        elif after == "end_matter" and all(kd in ("end_matter", "note", "scene_break") for kd in kinds[k + 1 :]):
            kinds[k], rules[k] = "end_matter", "framing_rule"


def _framing_rules(ctx: Context, rules: list[str]) -> None:
    """A rule line with no blank line between it and a note (or header, footer, heading) frames that block."""
    for i, kind in enumerate(ctx.kinds):
        ruled = re.fullmatch(r"([-_=*~])\1{4,}", ctx.chunks[i].text.strip())
        # any long drawn line boxes a title or a header table ("~*~*~*~…", pandoc's "------ ------")
        boxed = re.fullmatch(r"[\W_]{8,}", ctx.chunks[i].text.replace(" ", ""))
        if kind != "scene_break" or rules[i] == "override" or not (ruled or boxed):
            continue
        for j in (i + 1, i - 1):
            if 0 <= j < len(ctx.chunks) and ctx.kinds[j] in (("note", "front_matter", "end_matter", "heading") if ruled else ("front_matter",)):
                a, b = sorted((i, j))
                if ctx.chunks[b].line == ctx.chunks[a].last_line + 1:
                    ctx.kinds[i], rules[i] = ctx.kinds[j], "framing_rule"
                    break


def _title_from(chunk: Chunk) -> str | None:
    field_ = header_key(chunk.lines[0])
    if field_ and field_[0] == "Title":
        return field_[1] or None
    if not field_ and len(chunk.lines) == 1:
        return chunk.text.strip()
    return None


AFTER_THE_END = 8
"""How many paragraphs may follow "The End" and still be the author talking."""


AFTERWORD_HEADING = lazyre.compile(r"^\W*(?:afterword|author['’]?s\s+(?:note|afterword)|acknowledg(?:e)?ments?)\W*$", re.IGNORECASE)
"""A chapter the writer set apart for their own words."""


LIST_FOOTER = lazyre.compile(r"unsubscribe|yahoo!?\s*groups|groups\.yahoo|listserv|majordomo|\bsponsor\b|onelist|egroups|topica", re.IGNORECASE)
"""What a mailing list appends under the author's signature."""


def _after_the_end(ctx: Context, rules: list[str], end: int) -> int:
    """After a chapter's "The End"/"tbc", what follows is the author's, not the story's.

    Marks the marker end matter and the prose after it notes; returns where
    the backward scan should continue from.
    """
    start = end
    while start > 0 and ctx.kinds[start - 1] not in ("heading", "front_matter"):
        start -= 1
    for j in range(end - 1, max(start, end - AFTER_THE_END - 1) - 1, -1):
        if ctx.chunks[j].lines[0].strip() == "--" and rules[j] != "override":
            # "-- " opens an e-mail signature: it and what follows are the author's
            in_footer = False
            for k in range(j, end):
                if rules[k] != "override" and ctx.kinds[k] in ("prose", "scene_break"):
                    # a mailing list's own footer under the signature is end matter
                    here = ctx.chunks[k]
                    # a rule two lines above the footer, or the list's tagline right above it, is the footer's already
                    reach = 3 if not any(ch.isalnum() for ch in here.text) else 2 if len(here.text) <= 80 else 1
                    ahead = ctx.chunks[k : min(end, k + reach)]
                    in_footer = in_footer or k > j and any(LIST_FOOTER.search(c.text) or archive_chrome(c) for c in ahead)
                    ctx.kinds[k], rules[k] = ("end_matter", "licence_block") if in_footer else ("note", "signature_block")
            return _after_the_end(ctx, rules, j)
        if ctx.kinds[j] == "prose" and rules[j] != "override" and end_marker(ctx.chunks[j]):
            ctx.kinds[j], rules[j] = "end_matter", "end_marker"
            in_licence = False
            for k in range(j + 1, end):
                chrome_below = all(archive_chrome(c) or end_marker(c) for c in ctx.chunks[k + 1 : end])
                if chrome_below and rules[k] == "decorated_words" and ctx.kinds[k - 1] == "note" and bare_signature(ctx.chunks[k]):
                    ctx.kinds[k], rules[k] = "note", "bare_signature"  # "~Bulmita~" under the closing note
                if ctx.kinds[k] != "prose" or rules[k] == "override":
                    continue
                chunk = ctx.chunks[k]
                talk = closing_chatter(chunk) or writer_talk(chunk.text)
                in_licence = licence_block(chunk) or in_licence and ctx.adjacent(k) and not talk
                if in_licence:
                    ctx.kinds[k], rules[k] = "end_matter", "licence_block"
                elif end_marker(chunk) or archive_chrome(chunk):
                    ctx.kinds[k], rules[k] = "end_matter", "end_marker" if end_marker(chunk) else "archive_chrome"
                elif disclaimer_field(chunk):  # the next chapter's boilerplate, or the archive's footer
                    more = "heading" in ctx.kinds[k + 1 :]
                    ctx.kinds[k], rules[k] = ("front_matter", "tail_disclaimer") if more else ("end_matter", "closing_disclaimer")
                else:
                    ctx.kinds[k], rules[k] = "note", "after_the_end"
            return j
        if ctx.kinds[j] == "heading":
            break
    return end


_EBOOK_END = lazyre.compile(r"^\s*\*{3}\s*end\s+of\s", re.IGNORECASE | re.MULTILINE)


def _gutenberg_footer(ctx: Context, rules: list[str]) -> int:
    """Everything from "End of the Project Gutenberg EBook" on is the licence: end matter."""
    tail = "\n".join(c.text for c in ctx.chunks[-200:])
    if "gutenberg" not in tail.lower() and not _EBOOK_END.search(tail):  # what either form of the footer holds
        return len(ctx.chunks)
    for j in range(len(ctx.chunks) - 1, max(-1, len(ctx.chunks) - 200), -1):
        if GUTENBERG_END.search(ctx.chunks[j].text):
            first = j
            while first > 0 and GUTENBERG_END.search(ctx.chunks[first - 1].text):
                first -= 1
            for k in range(first, len(ctx.chunks)):
                if rules[k] != "override":
                    ctx.kinds[k], rules[k] = "end_matter", "gutenberg_footer"
            return first
    return len(ctx.chunks)


def _tail_pass(ctx: Context, rules: list[str]) -> None:
    """Read each chapter backwards from its end, reclassifying prose the tail rules claim."""
    footer = _gutenberg_footer(ctx, rules)
    tail_rules = [r for r in RULES if r.where == "tail"]
    # a POV label switches narrators inside a chapter; the writer's closing words gather at a chapter's end
    starts = {i for i, k in enumerate(ctx.kinds) if k == "heading" and rules[i] not in ("pov_name", "pov_heading") or rules[i] == "header_block"}
    ends = sorted(s for s in starts if s < footer) + [footer]
    for n, end in enumerate(ends):
        head = ends[n - 1] if n else None  # the heading (or header) this section starts with
        end = _after_the_end(ctx, rules, end)
        j = end - 1
        signed = None  # a bare name at the very end, kept until the chunk above shows whether it signs a note
        # a chapter of its own headed "Afterword" is the writer's already, set where they put it: its
        # paragraphs stay in it rather than being read, from a signature up, as notes to gather
        own_chapter = head is not None and bool(AFTERWORD_HEADING.match(ctx.chunks[head].text))
        chrome_only = True  # whether every chunk below j (to the section's end) is end matter: the site's chrome
        while j >= 0 and j not in starts:
            if j + 1 < end:
                chrome_only = chrome_only and ctx.kinds[j + 1] == "end_matter"
            kind = ctx.kinds[j]
            if signed is not None and kind == "note":
                ctx.kinds[signed], rules[signed] = "note", "bare_signature"
                signed = None
            last = chrome_only
            if signed is None and last and rules[j] == "decorated_words" and bare_signature(ctx.chunks[j]):
                signed = j  # "~Bulmita~" closing the chapter: no scene follows for it to break
            if kind in ("note", "end_matter", "scene_break") or rules[j] == "list_after_colon":
                j -= 1
                continue
            if kind != "prose" or rules[j] == "override":
                break
            for rule in tail_rules:
                if rule.match(ctx, j):
                    ctx.kinds[j] = rule.kind
                    rules[j] = rule.name
                    break
            else:
                if signed is None and last and not own_chapter and bare_signature(ctx.chunks[j]):
                    signed = j
                    j -= 1
                    continue
                break
            if signed is not None and ctx.kinds[j] == "note":
                ctx.kinds[signed], rules[signed] = "note", "bare_signature"
                signed = None
            j -= 1


# ---------------------------------------------------------------- build


def _para(chunk: Chunk) -> Para:
    return Para(parse_inline(chunk.text), chunk.line)


def _epigraphs(chunks: list[Chunk]) -> list[Epigraph]:
    """Consecutive epigraph chunks → epigraphs, each ended by its attribution line."""
    out: list[Epigraph] = []
    lines: list[str] = []
    first = chunks[0].line
    all_lines = [unquote(line).strip() for chunk in chunks for line in chunk.lines]
    all_lines = [line for line in all_lines if line]
    for index, line in enumerate(all_lines):
        ends = index == len(all_lines) - 1 or re.match(r"^\s*[-–—―~]", line)
        if lines and ends and attribution(line, closing_a_quote=True):
            out.append(Epigraph(tuple(parse_inline(ln) for ln in lines), parse_inline(_clean_attribution(line)), first))
            lines = []
            continue
        lines.append(line)
    if lines:
        out.append(Epigraph(tuple(parse_inline(ln) for ln in lines), (), first))
    return out


def _clean_attribution(line: str) -> str:
    """Drop the dashes and tildes the theme draws itself: "~ Song, Artist ~" → "Song, Artist"."""
    return re.sub(r"^[\s\-–—―~(]+|[\s~)]+$", "", line) or line


def build(classified: list[Classified], shape: str = "") -> Structure:
    """Turn classified chunks into chapters of blocks and header fields."""
    fields: list[tuple[Field, int]] = []
    detected: list[DetectedBlock] = []
    chapters: list[RawChapter] = [RawChapter((), 1)]
    note_paras: list[Para] = []
    note_kind = "note"
    epigraph_chunks: list[Chunk] = []
    prev: Classified | None = None

    def flush_notes() -> None:
        nonlocal note_paras
        if note_paras:
            chapters[-1].blocks.append(Note(tuple(note_paras), note_kind, note_paras[0].line))  # type: ignore[arg-type]
            note_paras = []

    def flush_epigraphs() -> None:
        nonlocal epigraph_chunks
        if epigraph_chunks:
            chapters[-1].blocks.extend(_epigraphs(epigraph_chunks))
            epigraph_chunks = []

    def add_note(kind: str, chunk: Chunk) -> None:
        nonlocal note_kind
        if kind != note_kind:
            flush_notes()
            note_kind = kind
        note_paras.append(_para(chunk))

    for item in classified:
        chunk, kind = item.chunk, item.kind
        detected.append(DetectedBlock(kind, chunk.line, chunk.last_line, item.rule, chunk.text))
        if kind != "epigraph":
            flush_epigraphs()
        if kind not in ("note", "front_matter"):
            flush_notes()

        if kind == "front_matter":
            shown = _front_matter_field(item, prev, fields)
            if not shown and chunk.text.strip() not in ("---", "..."):
                add_note("front_matter", chunk)
        elif kind == "note":
            add_note("note", chunk)
        elif kind == "epigraph":
            epigraph_chunks.append(chunk)
        elif kind == "heading":
            title = chunk.text.strip()
            if prev is not None and prev.kind == "heading" and not chapters[-1].blocks:
                joined = chapters[-1].title + parse_inline("\n" + title)
                chapters[-1].title = joined
            else:
                chapters.append(RawChapter(parse_inline(title), chunk.line))
        elif kind == "scene_break":
            chapters[-1].blocks.append(SceneBreak(chunk.text.strip(), chunk.line))
        elif kind == "end_matter":
            chapters[-1].blocks.append(EndMatter(parse_inline(chunk.text.strip()), chunk.line))
            if re.search(r"\b(?:tbc|t\.b\.c|to\s+be\s+continued|continued)\b", chunk.text, re.IGNORECASE):
                if not any(f.label == "Status" for f, _l in fields):
                    fields.append((Field("Status", "In progress", "Status"), chunk.line))
        elif len(chunk.lines) > 1 and not chunk.joined and _verse_block(chunk):
            chapters[-1].blocks.append(Verse(tuple(parse_inline(ln.strip()) for ln in chunk.lines), chunk.line))
        else:
            chapters[-1].blocks.append(_para(chunk))
        prev = item
    flush_epigraphs()
    flush_notes()

    # Text before the first heading is a chapter of its own only if it holds story.
    preamble = chapters[0]
    if len(chapters) > 1:
        has_story = any(isinstance(b, (Para, Verse, Heading, EndMatter)) for b in preamble.blocks)
        if not has_story:
            chapters[1].blocks[:0] = preamble.blocks
            chapters.pop(0)
    return Structure([f for f in fields if f[0] is not _NO_FIELD], chapters, detected, shape)


def _verse_block(chunk: Chunk) -> bool:
    """Short lines with no sentence running across them: lyrics or a poem quoted in the story."""
    lines = [ln.strip() for ln in chunk.lines]
    return len(lines) >= 2 and all(len(ln) <= 60 for ln in lines) and sum(ln[:1].isupper() for ln in lines) >= 0.75 * len(lines)


FIELD_LABEL = lazyre.compile(r"^\s*[^\W\d_][\w'’ -]{0,24}:")
"""A ``Key:`` line, known field or not ("E-MAIL:", "Kudos:")."""
_NO_FIELD = Field("", "")
"""Stands in :func:`_front_matter_field`'s list for a field that is not recorded (Spoilers, E-mail)."""


def _front_matter_field(item: Classified, prev: Classified | None, fields: list[tuple[Field, int]]) -> bool:
    """Record header fields; True when the chunk is shown on the title page and so needs no note.

    Fields that describe the story (fandom, rating, summary…) go to the title page under
    the label as written. Title and author lines are recorded too, but stay in the Notes
    verbatim, like every other line of boilerplate, so no word of the header is lost.
    """
    chunk = item.chunk
    text = chunk.text.strip()
    if item.rule == "header_continuation" and FIELD_LABEL.match(text) and not header_key(text):
        fields.append((_NO_FIELD, chunk.line))  # "E-MAIL: …": a field of its own, not more of the last
        return False
    continuing = item.rule in ("header_continuation", "bare_label", "spaced_label") and fields and prev is not None
    new_label = LABEL_LINE.match(text) and header_key(LABEL_LINE.match(text).group("label") + ":")  # type: ignore[union-attr]
    ruled = not any(ch.isalnum() for ch in text)  # "---|---" under a Markdown table's first row
    if continuing and prev.kind == "front_matter" and fields[-1][1] <= chunk.line and not new_label and not ruled:
        field_, line = fields[-1]
        if field_.label in DISPLAY_FIELDS and prev.rule in ("header_field", "header_continuation", "bare_label", "spaced_label", "yaml_field", "archive_header"):
            joiner = "\n" if field_.label == "Summary" and field_.value else " "
            fields[-1] = (Field(field_.label, (field_.value + joiner + text).strip(), field_.written), line)
            return True
        if field_.label in ("Title", "Author") and item.rule == "header_continuation":
            fields[-1] = (Field(field_.label, f"{field_.value} {text}".strip(), field_.written), line)
        return False
    if item.rule == "title_line":
        if prev is not None and prev.rule == "title_line":
            fields.append((Field("Author", text, ""), chunk.line))  # the handle under the title
        else:
            fields.append((Field("Title", text, ""), chunk.line))
        return False
    if item.rule == "markdown_title":
        name = byline_name(text)
        if name:
            fields.append((Field("Author", name, ""), chunk.line))
        else:
            fields.append((Field("Title", text.lstrip("#").strip(), ""), chunk.line))
        return False
    if item.rule == "byline":
        for offset, line_text in enumerate(chunk.lines):
            name = byline_name(line_text)
            if name:
                if offset == 1:
                    fields.append((Field("Title", chunk.lines[0].strip(), ""), chunk.line))
                fields.append((Field("Author", name, ""), chunk.line))
                break
        return False
    found = header_key(chunk.lines[0])
    label_only = LABEL_LINE.match(text)
    if found is None and label_only and item.rule in ("bare_label", "spaced_label"):
        found = header_key(label_only.group("label") + ":")
    if found is None or len(chunk.lines) != 1:
        if FIELD_LABEL.match(text):
            fields.append((_NO_FIELD, chunk.line))  # "Kudos:": its value must not join the field above
        return False
    label, value = found
    written = HEADER_LINE.match(chunk.lines[0]) or label_only
    written_key = (written.group("key") if written and "key" in written.groupdict() else label_only.group("label") if label_only else label).strip()
    if label not in DISPLAY_FIELDS and label not in ("Title", "Author"):
        fields.append((_NO_FIELD, chunk.line))  # its wrapped lines must not join the field above
        return False
    fields.append((Field(label, value.strip().strip("\"'"), written_key), chunk.line))
    return label in DISPLAY_FIELDS


def detect(text: str, overrides: list[Override] | None = None) -> Structure:
    """Detect the structure of one decoded source text."""
    lines = split_lines(text)
    line_runs = runs(lines)  # once for both readers of the runs
    chunks = _split_for_overrides(chunk_lines(lines, line_runs), overrides or [])
    return build(classify(chunks, overrides), paragraph_shape(lines, line_runs))
