"""Book → XHTML documents, shared by the EPUB and the PDF writer.

This is the one place where model text becomes markup: every character of
source text passes through :func:`esc` (element text) or :func:`attr`
(attribute values) and nothing else, so hostile text (``<script>``, ``&``,
``]]>``) can only ever be text.

The markup follows Standard Ebooks' settled choices: ``epub:type`` on
``<section>``, an epigraph as ``<blockquote epub:type="epigraph">`` with a
``<cite>``, verse one line per ``<span>``, a scene break as a styled ``<hr>``,
notes in their own document with links both ways.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import assert_never

from .. import lazyre
from ..metadata import series_line, text_direction
from ..model import (
    Block,
    Book,
    Chapter,
    EndMatter,
    Epigraph,
    Field,
    GatheredNote,
    Heading,
    Note,
    NoteRef,
    Para,
    SceneBreak,
    Span,
    Text,
    Verse,
    text_of,
    word_count,
)

CSS_HREF = "css/style.css"
COVER_HREF = "images/cover.png"
NOTES_FILE = "notes.xhtml"
TITLE_FILE = "title.xhtml"
COVER_FILE = "cover.xhtml"
NAV_FILE = "nav.xhtml"

LINE_BREAKS = lazyre.compile("[\n\u2028\u2029]")


def esc(text: str) -> str:
    """Escape source text for element content; the only way text enters markup.

    Three ``replace`` calls, ``&`` first: over a whole novel they take a tenth of
    the time of ``str.translate`` with a table, which is slow on non-ASCII text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr(text: str) -> str:
    """Escape source text for a double-quoted attribute value."""
    return LINE_BREAKS.sub(" ", esc(text).replace('"', "&quot;"))


@dataclass(frozen=True)
class Document:
    """One XHTML file of the book."""

    file_name: str
    id: str
    title: str
    xhtml: str
    properties: tuple[str, ...] = ()


def href(file_name: str, fragment: str = "", *, one_file: bool = False) -> str:
    """A link to ``file_name#fragment``; in one-file output (the PDF) just ``#fragment``.

    Every cross-document link is built here, so the PDF's single document
    keeps the EPUB's links working.
    """
    if one_file:
        return f"#{fragment or file_name.removesuffix('.xhtml')}"
    return f"{file_name}#{fragment}" if fragment else file_name


# ---------------------------------------------------------------- inline


def inline(content: Text) -> str:
    """Spans → phrasing markup; a newline inside a span is a line break."""
    parts: list[str] = []
    for span in content:
        text = span.text
        if "\n" in text or "\u2028" in text or "\u2029" in text:
            html = "<br/>".join(esc(piece) for piece in LINE_BREAKS.split(text))
        else:  # nearly every span: no regex split
            html = esc(text)
        if span.style == "em":
            html = f"<em>{html}</em>"
        elif span.style == "strong":
            html = f"<strong>{html}</strong>"
        parts.append(html)
    return "".join(parts)


def _strong_direction(content: Text) -> str | None:
    """The direction of the first letter that has one (the rule of HTML's ``dir="auto"``)."""
    for span in content:
        for ch in span.text:
            kind = unicodedata.bidirectional(ch)
            if kind == "L":
                return "ltr"
            if kind in ("R", "AL"):
                return "rtl"
    return None


def para(content: Text, book: Book, css_class: str = "", *, one_file: bool = False) -> str:
    """A ``<p>``; one whose text runs the other way from the book's gets its own ``dir``.

    A Hebrew line in an English story (or an English one in an Arabic story)
    then keeps its punctuation and alignment on the right side. In one-file
    output (the PDF) a very long paragraph is set as pieces that run on
    (:func:`run_on_pieces`).
    """
    direction = _strong_direction(content)
    own_dir = f' dir="{direction}"' if direction is not None and direction != text_direction(book.metadata.language) else ""
    if not (one_file and sum(len(span.text) for span in content) > RUN_ON_CHARS):
        return f"<p{_class(css_class)}{own_dir}>{inline(content)}</p>"
    pieces = run_on_pieces(content)
    last = len(pieces) - 1
    return "".join(
        f"<p{_class(css_class, 'run-on' if k else '', 'runs-on' if k < last else '')}{own_dir}>{inline(piece)}</p>"
        for k, piece in enumerate(pieces)
    )


def _class(*names: str) -> str:
    joined = " ".join(name for name in names if name)
    return f' class="{joined}"' if joined else ""


RUN_ON_CHARS = 8000
"""Longer paragraphs are set in the PDF as pieces of about this size.

WeasyPrint lays out each line against the rest of its paragraph, so one
paragraph of 5 MB (a story saved as a single line) would take hours; in
pieces it takes minutes. The pieces' last lines are justified and their
indents dropped (``.runs-on``/``.run-on`` in ``print.css``), so they read as one.
"""


def run_on_pieces(content: Text, size: int = RUN_ON_CHARS) -> list[Text]:
    """``content`` cut after a sentence (else a space, else anywhere) near every ``size`` characters, spans and styles kept."""
    pieces: list[list[Span]] = [[]]
    filled = 0
    for span in content:
        text = span.text
        while filled + len(text) > size:
            room = size - filled
            start = max(0, room - size // 4)
            window = text[start:room]
            ends = [window.rfind(mark) for mark in (". ", "? ", "! ", "。", "！", "？")]
            cut = max(ends)
            if cut < 0:
                cut = window.rfind(" ")
            # after the mark (or the space); with neither near, a text without spaces (Chinese, a 5,000-letter word) is cut where it is full
            cut = start + cut + 1 if cut >= 0 else max(room, 1)
            pieces[-1].append(Span(text[:cut], span.style))
            pieces.append([])
            filled, text = 0, text[cut:].lstrip(" ")
        if text:
            pieces[-1].append(Span(text, span.style))
            filled += len(text)
    return [tuple(piece) for piece in pieces if piece]


def _lines(lines: Iterable[Text]) -> str:
    return "<br/>".join(f'<span class="line">{inline(line)}</span>' for line in lines)


def chapter_label(book: Book, chapter: Chapter) -> str:
    """The chapter's name in tables of contents: its heading, else the book's title."""
    title = text_of(chapter.title).replace("\n", " ").strip()
    if title:
        return title
    if len(book.chapters) == 1:
        return book.metadata.title
    return f"Chapter {book.chapters.index(chapter) + 1}"


def note_label(note: GatheredNote) -> str:
    return "Story notes" if note.kind == "front_matter" else "Author’s note"


# ---------------------------------------------------------------- blocks


def block_html(block: Block, book: Book, *, one_file: bool = False) -> str:
    """One model block as XHTML; every block kind has a case here."""
    match block:
        case Para():
            return para(block.content, book, one_file=one_file)
        case Verse():
            return f'<div class="verse" epub:type="z3998:verse"><p>{_lines(block.lines)}</p></div>'
        case Epigraph():
            cite = f"<cite>{inline(block.attribution)}</cite>" if block.attribution else ""
            return (
                f'<blockquote class="epigraph" epub:type="epigraph">'
                f"<p>{_lines(block.lines)}</p>{cite}</blockquote>"
            )
        case Heading():
            level = min(max(block.level, 2), 6)
            return f"<h{level}>{inline(block.content)}</h{level}>"
        case SceneBreak():
            if any(ch.isalnum() for ch in block.marker):
                # "~*~ Later ~*~", "xXx": the author's own ornament, words and all
                return f'<p class="scene-break" role="separator">{esc(block.marker)}</p>'
            return '<hr class="scene-break"/>'
        case EndMatter():
            return para(block.content, book, "end-matter")
        case NoteRef():
            note = next(n for n in book.notes if n.id == block.note_id)
            number = block.note_id.rsplit("-", 1)[1]
            return (
                f'<p class="note-marker"><a id="ref-{attr(block.note_id)}"'
                f' href="{attr(href(NOTES_FILE, block.note_id, one_file=one_file))}"'
                f' epub:type="noteref" role="doc-noteref">{esc(note_label(note))} {esc(number)}</a></p>'
            )
        case Note():
            # Notes are gathered before rendering; one left in place still loses nothing.
            return "".join(para(p.content, book, "note") for p in block.blocks)
        case _:
            assert_never(block)


# ---------------------------------------------------------------- documents


def page(book: Book, title: str, body: str, *, body_type: str = "", body_class: str = "") -> str:
    """A complete XHTML document around ``body`` markup."""
    lang = attr(book.metadata.language)
    direction = ' dir="rtl"' if text_direction(book.metadata.language) == "rtl" else ""
    body_attrs = ""
    if body_type:
        body_attrs += f' epub:type="{body_type}"'
    if body_class:
        body_attrs += f' class="{body_class}"'
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        "<!DOCTYPE html>\n"
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
        f' epub:prefix="z3998: http://www.daisy.org/z3998/2012/vocab/structure/#"'
        f' lang="{lang}" xml:lang="{lang}"{direction}>\n'
        "<head>\n"
        '<meta charset="utf-8"/>\n'
        f"<title>{esc(title)}</title>\n"
        f'<link rel="stylesheet" type="text/css" href="{CSS_HREF}"/>\n'
        "</head>\n"
        f"<body{body_attrs}>\n{body}\n</body>\n</html>\n"
    )


def cover_href(book: Book) -> str:
    """Where the cover image sits in the EPUB: the reader's JPEG or PNG, or the generated PNG."""
    if book.cover is not None and book.cover.media_type == "image/jpeg":
        return "images/cover.jpg"
    return COVER_HREF


def cover_document(book: Book, size: tuple[int, int]) -> Document:
    width, height = size
    meta = book.metadata
    label = f"Cover: {meta.title} by {', '.join(meta.authors)}"
    body = (
        '<section class="cover" epub:type="cover">\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1"'
        f' width="100%" height="100%" viewBox="0 0 {width} {height}" preserveAspectRatio="xMidYMid meet"'
        f' role="img" aria-label="{attr(label)}">\n'
        f'<image width="{width}" height="{height}" xlink:href="{cover_href(book)}"/>\n'
        "</svg>\n</section>"
    )
    return Document(COVER_FILE, "cover", "Cover", page(book, "Cover", body, body_class="cover"), ("svg",))


INFO_ORDER = (
    "Fandom", "Rating", "Warnings", "Category", "Relationships", "Pairing", "Characters", "Tags", "Genre", "Series",
    "Timeline", "Setting", "Language",
)  # fmt: skip
"""The order of the title page's first list, after AO3's preface; labels it does not name come after them."""
STATS_ORDER = ("Status", "Published", "Updated", "Completed", "Word count", "Chapters")
"""The order of the list under the summary; the word and chapter counts fic2book counts come with them."""


def _rank(order: tuple[str, ...], label: str) -> int:
    return order.index(label) if label in order else len(order)


def _entry(label: str, value_html: str) -> str:
    return f"<dt>{esc(label)}</dt><dd>{value_html}</dd>"


def title_body(book: Book) -> str:
    """The title page, like AO3's preface: title and author, then what is known about the story —
    fandom, rating, warnings, relationships, characters, tags, series, the summary, then status,
    dates, words, chapters and the source — each shown only when known, header fields under the
    labels their author wrote."""
    meta = book.metadata
    parts = [
        '<section class="titlepage" epub:type="titlepage">',
        f'<h1 class="title">{esc(meta.title)}</h1>',
        f'<p class="author">by {esc(" & ".join(meta.authors))}</p>',
    ]
    fields = [f for f in meta.fields if f.label not in ("Summary", "Source")]
    info = sorted((f for f in fields if f.label not in STATS_ORDER), key=lambda f: _rank(INFO_ORDER, f.label))
    if meta.series and not any(f.label == "Series" for f in fields):
        info.append(Field("Series", series_line(meta.series), "Series"))
    if info:
        parts.append('<dl class="story-info">')
        parts.extend(_entry(f.written or f.label, inline((Span(f.value),))) for f in info)
        parts.append("</dl>")
    for field_ in (f for f in meta.fields if f.label == "Summary"):
        parts.append(f'<div class="summary"><h2>{esc(field_.written or field_.label)}</h2>')
        parts.extend(f"<p>{esc(line)}</p>" for line in field_.value.split("\n") if line.strip())
        parts.append("</div>")
    stats = sorted((f for f in fields if f.label in STATS_ORDER), key=lambda f: _rank(STATS_ORDER, f.label))
    entries = [_entry(f.written or f.label, inline((Span(f.value),))) for f in stats]
    labels = {f.label for f in stats}
    if "Word count" not in labels:
        entries.append(_entry("Words", esc(f"{word_count(book):,}")))
    if "Chapters" not in labels:
        entries.append(_entry("Chapters", esc(str(len(book.chapters)))))
    for field_ in (f for f in meta.fields if f.label == "Source"):
        url = field_.value.strip()
        shown = esc(url)
        if re.match(r"https?://[^\s<>\"]+$", url):
            shown = f'<a href="{attr(url)}">{shown}</a>'
        entries.append(_entry(field_.written or field_.label, shown))
    parts.append('<dl class="story-info stats">')
    parts.extend(entries)
    parts.append("</dl>")
    parts.append("</section>")
    return "\n".join(parts)


def title_document(book: Book) -> Document:
    return Document(TITLE_FILE, "titlepage", "Title Page", page(book, book.metadata.title, title_body(book), body_type="frontmatter"))


def chapter_body(book: Book, chapter: Chapter, *, one_file: bool = False) -> str:
    """One chapter as a ``<section>``; untitled chapters carry their label for screen readers."""
    label = chapter_label(book, chapter)
    head = ""
    # the PDF's running head and outline entry read the label from the section
    data = f' data-label="{attr(label)}"' if one_file else ""
    if chapter.title:
        head = f'<h1 class="chapter-title">{inline(chapter.title)}</h1>\n'
        section_open = f'<section id="{chapter.id}" class="chapter" epub:type="chapter" role="doc-chapter"{data}>'
    else:
        section_open = (
            f'<section id="{chapter.id}" class="chapter untitled" epub:type="chapter" role="doc-chapter"'
            f' aria-label="{attr(label)}"{data}>'
        )
    body = "\n".join(block_html(block, book, one_file=one_file) for block in chapter.blocks)
    return f"{section_open}\n{head}{body}\n</section>"


def chapter_document(book: Book, chapter: Chapter) -> Document:
    label = chapter_label(book, chapter)
    return Document(
        f"{chapter.id}.xhtml", chapter.id, label, page(book, label, chapter_body(book, chapter), body_type="bodymatter")
    )


def notes_body(book: Book, *, one_file: bool = False) -> str:
    """The Notes section: every gathered note, each linking back; in a book of several chapters,
    grouped under the chapter's name and where they stood ("Chapter 3 — before", "— after")."""
    grouped = len({n.chapter_id for n in book.notes}) > 1 or len(book.chapters) > 1
    data = ' data-label="Notes"' if one_file else ""
    parts = [f'<section id="notes" class="notes" epub:type="endnotes" role="doc-endnotes"{data}>', "<h1>Notes</h1>"]
    current: tuple[str, str] | None = None
    open_list = False
    for note in book.notes:
        if grouped and (note.chapter_id, note.place) != current:
            if open_list:
                parts.append("</ol>")
            chapter = next(c for c in book.chapters if c.id == note.chapter_id)
            where = {"before": " — before", "after": " — after"}.get(note.place, "")
            parts.append(f"<h2>{esc(chapter_label(book, chapter) + where)}</h2>")
            current = (note.chapter_id, note.place)
            open_list = False
        if not open_list:
            parts.append('<ol class="notes-list">')
            open_list = True
        back = (
            f' <a class="backlink" href="{attr(href(f"{note.chapter_id}.xhtml", f"ref-{note.id}", one_file=one_file))}"'
            f' role="doc-backlink"'
            f' title="Back to the story">↑</a>'
        )
        paras = [para(p.content, book) for p in note.blocks]
        paras[-1] = paras[-1][: -len("</p>")] + back + "</p>"
        parts.append(
            f'<li id="{attr(note.id)}" class="note {note.kind.replace("_", "-")}" epub:type="endnote"'
            f'>{"".join(paras)}</li>'
        )
    if open_list:
        parts.append("</ol>")
    parts.append("</section>")
    return "\n".join(parts)


def notes_document(book: Book) -> Document:
    return Document(NOTES_FILE, "notes", "Notes", page(book, "Notes", notes_body(book), body_type="backmatter"))


def nav_document(book: Book, spine: list[Document]) -> Document:
    """The EPUB 3 navigation document: table of contents and landmarks in spine order."""
    toc = [d for d in spine if d.id not in ("cover",)]
    items = "\n".join(f'<li><a href="{d.file_name}">{esc(d.title)}</a></li>' for d in toc)
    first_chapter = next(d for d in spine if d.id.startswith("ch"))
    landmarks = [
        (COVER_FILE, "cover", "Cover"),
        (TITLE_FILE, "titlepage", "Title Page"),
        (first_chapter.file_name, "bodymatter", "Start of the story"),
    ]
    if any(d.id == "notes" for d in spine):
        landmarks.append((NOTES_FILE, "endnotes", "Notes"))
    marks = "\n".join(f'<li><a epub:type="{kind}" href="{href}">{esc(label)}</a></li>' for href, kind, label in landmarks)
    body = (
        '<nav epub:type="toc" id="toc" role="doc-toc">\n<h1>Contents</h1>\n'
        f"<ol>\n{items}\n</ol>\n</nav>\n"
        '<nav epub:type="landmarks" id="landmarks" hidden="hidden">\n<h2>Landmarks</h2>\n'
        f"<ol>\n{marks}\n</ol>\n</nav>"
    )
    return Document(NAV_FILE, "nav", "Contents", page(book, "Contents", body), ("nav",))


def documents(book: Book, cover_size: tuple[int, int]) -> tuple[list[Document], Document]:
    """The spine documents in reading order, and the navigation document."""
    spine = [cover_document(book, cover_size), title_document(book)]
    spine.extend(chapter_document(book, chapter) for chapter in book.chapters)
    if book.notes:
        spine.append(notes_document(book))
    return spine, nav_document(book, spine)
