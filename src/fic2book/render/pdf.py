"""Book → PDF: the EPUB's XHTML set by WeasyPrint with the theme's print layer.

The PDF holds the full-page cover, the title page, a contents page with page
numbers (when there is more than one chapter), the chapters and the Notes, built
from the same block markup as the EPUB (:mod:`.xhtml`, with links rewritten to
stay inside the one PDF). Stylesheets come in cascade order: the page size, the
common print layer, the theme, the theme's print layer
(:meth:`fic2book.styles.Theme.layers`).

A shipped theme's book is set in parts (:func:`render_in_parts`): the front
matter, the contents, then runs of chapters, each its own WeasyPrint document
whose first page carries on the book's folio, side and running head; the pages
are joined into one PDF, the same PDF to the byte as the book set whole. Each
part's style tables are freed once it is laid out instead of living until the
whole book is (a fifth less peak memory for a novel), and the contents page gets
its numbers written in. Any other theme is set as one document
(:func:`render_whole`), where CSS that spans the book — counters, ``:first``,
``counter(pages)``, ``target-text()`` — means what it says.

WeasyPrint is imported here only, so EPUB-only runs and ``--help`` never pay for it.
Its fetcher is replaced by an allow-list: the theme's own files and the cover, nothing
else — no network, no ``file://`` the text could smuggle in.
"""

from __future__ import annotations

import base64
import ctypes.util
import gc
import logging
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from .. import __version__
from ..errors import FicError
from ..metadata import format_index, text_direction
from ..model import Book
from ..output import write_atomically
from ..styles import Layer, Theme, available_styles, load_theme, styles_root
from . import cover as cover_art
from .pagesize import PDF_VARIANTS, PageSize, parse_page_size
from .xhtml import attr, chapter_body, chapter_label, esc, notes_body, title_body

if TYPE_CHECKING:
    from weasyprint import CSS, Document
    from weasyprint.text.fonts import FontConfiguration

COVER_WIDTH = 1600
KEYWORD_FIELDS = ("Fandom", "Relationships", "Pairing", "Characters", "Tags", "Genre", "Category", "Rating")
PART_MARKUP = 60_000
"""Markup per part when a book is set in parts, about 25 A5 pages: big enough that a
part's own cost (parsing, the cascade: ~10 ms) stays small beside its layout, small
enough that its style tables are freed long before the book is done."""
PLACEHOLDER_PAGE = "000"
"""The page number the contents is sketched with: three digits, as wide as most
books' numbers. Should a real number make the contents longer or shorter than the
sketch, the book is set whole instead (:func:`render_in_parts`)."""


# ---------------------------------------------------------------- the document


def _metadata_head(book: Book) -> str:
    """``<head>`` entries WeasyPrint turns into PDF metadata (title, author, subject, keywords, creator)."""
    meta = book.metadata
    parts = [f"<title>{esc(meta.title)}</title>"]
    parts += [f'<meta name="author" content="{attr(author)}"/>' for author in meta.authors]
    fields = {f.label: f.value for f in meta.fields}
    subject = meta.summary or fields.get("Fandom", "")
    if subject:
        parts.append(f'<meta name="description" content="{attr(subject)}"/>')
    keywords = [
        word.strip() for label in KEYWORD_FIELDS if label in fields for word in fields[label].split(",") if word.strip()
    ]
    if keywords:
        parts.append(f'<meta name="keywords" content="{attr(", ".join(dict.fromkeys(keywords)))}"/>')
    parts.append(f'<meta name="generator" content="fic2book {attr(__version__)}"/>')
    if meta.published:
        parts.append(f'<meta name="dcterms.created" content="{attr(meta.published)}"/>')
    if meta.series:  # custom entries of the document information: /series and /seriesindex
        parts.append(f'<meta name="series" content="{attr(meta.series.name)}"/>')
        if meta.series.index is not None:
            parts.append(f'<meta name="series-index" content="{attr(format_index(meta.series.index))}"/>')
    return "\n".join(parts)


@dataclass(frozen=True)
class Cover:
    """The cover image as the PDF shows it: the reader's own, or one drawn to the page's proportions."""

    data: bytes
    media_type: str
    own: bool = False
    """The reader's image: fitted whole inside the page rather than filling it."""


def _cover(book: Book, cover: Cover, size: PageSize) -> str:
    meta = book.metadata
    label = f"Cover: {meta.title} by {', '.join(meta.authors)}"
    cover_src = f"data:{cover.media_type};base64," + base64.b64encode(cover.data).decode("ascii")
    fit = "; object-fit: contain" if cover.own else ""
    return (
        f'<section class="cover-page"><img src="{cover_src}" alt="{attr(label)}"'
        f' style="width: {size.width_mm:g}mm; height: {size.height_mm:g}mm{fit}"/></section>'
    )


def _has_contents(book: Book) -> bool:
    return len(book.chapters) > 1


def _contents(book: Book, pages: dict[str, str] | None = None) -> str:
    """The contents page: each chapter and the Notes, with its page number.

    Without ``pages`` the numbers come from CSS (``target-counter()``); with them,
    each entry carries its number in ``data-page``, for a contents set apart from
    the chapters it lists.
    """
    entries = [(chapter.id, chapter_label(book, chapter)) for chapter in book.chapters]
    if book.notes:
        entries.append(("notes", "Notes"))
    items = []
    for target, label in entries:
        page = f' data-page="{attr(pages[target])}"' if pages else ""
        items.append(f'<li><a href="#{target}"{page}>{esc(label)}</a></li>')
    return '<nav class="contents" role="doc-toc">\n<h1>Contents</h1>\n<ol>\n' + "\n".join(items) + "\n</ol>\n</nav>"


def _story(book: Book) -> list[tuple[str, str]]:
    """``(id, markup)`` of each chapter, then of the Notes."""
    sections = [(chapter.id, chapter_body(book, chapter, one_file=True)) for chapter in book.chapters]
    if book.notes:
        sections.append(("notes", notes_body(book, one_file=True)))
    return sections


def html_document(book: Book, body: Iterable[str]) -> str:
    """An HTML document for WeasyPrint: the book's ``<head>`` around ``body`` markup."""
    lang = attr(book.metadata.language)
    direction = ' dir="rtl"' if text_direction(book.metadata.language) == "rtl" else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}"{direction}>\n'
        f'<head>\n<meta charset="utf-8"/>\n{_metadata_head(book)}\n</head>\n'
        "<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def pdf_html(book: Book, cover: Cover, size: PageSize) -> str:
    """The whole book as one HTML document for WeasyPrint."""
    body = [_cover(book, cover, size), title_body(book)]
    if _has_contents(book):
        body.append(_contents(book))
    body.extend(markup for _id, markup in _story(book))
    return html_document(book, body)


def page_css(size: PageSize) -> str:
    """The page box for ``size``: dimensions, margins and the base type size."""
    return f"@page {{ size: {size.css_size}; margin: {size.margin}; }}\nhtml {{ font-size: {size.font_size}; }}\n"


def _css_string(text: str) -> str:
    """``text`` as a CSS string, its white space collapsed as the title page sets it."""
    text = " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\{ord(m.group()):x} ", text) + '"'


def part_css(book: Book, first_page: int) -> str:
    """What a part that starts on ``first_page`` carries over from the pages before it:
    its folio, its side (odd pages are right-hand pages, as in the whole book) and
    the book title that the title page sets for the running heads."""
    side = "right" if first_page % 2 else "left"
    return (
        f"@page :first {{ counter-reset: page {first_page}; }}\n"
        f"html {{ break-before: {side}; string-set: book {_css_string(book.metadata.title)}; }}\n"
    )


def cover_size(size: PageSize) -> tuple[int, int]:
    """Cover pixels with the page's proportions, so the image fills the page exactly."""
    return COVER_WIDTH, round(COVER_WIDTH * size.height_mm / size.width_mm)


# ---------------------------------------------------------------- WeasyPrint


@contextmanager
def quick_library_lookup() -> Iterator[None]:
    """Answer ``ctypes.util.find_library`` from one ``ldconfig -p`` listing, on Linux.

    WeasyPrint asks cffi for each native library under several names, the exact
    soname last; for every name the loader does not know, ``find_library`` runs
    ldconfig, gcc and ld — about 17 misses, an eighth of a short book's run. A name
    the listing lacks gets ``None`` and WeasyPrint moves on to the next one, as it
    does when the full search finds nothing.
    """
    ldconfig = shutil.which("ldconfig") or shutil.which("ldconfig", path="/sbin:/usr/sbin")
    if not sys.platform.startswith("linux") or ldconfig is None:
        yield
        return
    try:
        listing = subprocess.run(
            [ldconfig, "-p"], capture_output=True, text=True, check=True, timeout=30, env={"LC_ALL": "C"}
        ).stdout
    except (OSError, subprocess.SubprocessError):
        yield
        return

    def find_library(name: str) -> str | None:
        match = re.search(rf"\s(lib{re.escape(name)}\.\S+)\s", listing)
        return match.group(1) if match else None

    saved = ctypes.util.find_library
    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = saved


def import_weasyprint() -> Any:
    """The ``weasyprint`` module, imported on first use (:func:`quick_library_lookup`)."""
    if "weasyprint" not in sys.modules:
        with quick_library_lookup():
            import weasyprint  # noqa: F401
    return sys.modules["weasyprint"]


def _allowed_file(url: str, folders: tuple[Path, ...]) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(unquote(parts.path)).resolve()
    if any(path.is_relative_to(folder) for folder in folders) and path.is_file():
        return path
    return None


def make_fetcher(folders: tuple[Path, ...]) -> Any:
    """A WeasyPrint URL fetcher that serves only files inside ``folders`` and ``data:`` URLs."""
    import_weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AllowListFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = _allowed_file(url, folders)
            if path is None:
                raise ValueError(f"fic2book does not fetch {url!r}: only the theme's own files are allowed")
            return URLFetcherResponse(path.as_uri(), path.read_bytes())

    return AllowListFetcher(allowed_protocols=("file", "data"))


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def weasyprint_warnings() -> Iterator[list[str]]:
    """Collect WeasyPrint's warnings (ignored CSS, failed fetches) instead of printing them."""
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    saved = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = saved


@contextmanager
def collector_spares_pages() -> Iterator[Callable[[], None]]:
    """Keep Python's cycle collector from walking, again and again, the pages laid out so far.

    A novel's laid-out pages are millions of objects that live until the PDF is
    written, and every full pass of the collector walked them all: a twelfth of the
    run. The ``keep()`` this yields, called once a document is laid out, collects
    its garbage (the layout's style tables) and freezes what is left, so later
    passes skip it; all is unfrozen at the end. Only when nothing else in the
    process has frozen objects: unfreezing cannot tell theirs from ours.
    """
    if gc.get_freeze_count():
        yield lambda: None
        return

    def keep() -> None:
        gc.collect()
        gc.freeze()

    try:
        yield keep
    finally:
        gc.unfreeze()


@dataclass
class Press:
    """WeasyPrint set up for one book: its stylesheets, fonts, fetcher and options."""

    sheets: list[CSS]
    fonts: FontConfiguration
    fetcher: Any
    options: dict[str, Any]
    keep: Callable[[], None] = lambda: None
    """Called after each document is laid out (:func:`collector_spares_pages`)."""

    def render(self, html: str, extra_css: str = "") -> Document:
        """``html`` laid out in pages, with ``extra_css`` after the theme's stylesheets."""
        weasyprint = import_weasyprint()
        sheets = self.sheets
        if extra_css:
            sheets = [*sheets, weasyprint.CSS(string=extra_css, url_fetcher=self.fetcher, font_config=self.fonts)]
        source = weasyprint.HTML(string=html, base_url=styles_root().resolve().as_uri() + "/", url_fetcher=self.fetcher)
        document = source.render(font_config=self.fonts, **{**self.options, "stylesheets": sheets})
        self.keep()
        return document

    def part(self, book: Book, body: Iterable[str], first_page: int) -> Document:
        """``body`` markup set as the part of ``book`` that starts on page ``first_page``."""
        return self.render(html_document(book, body), part_css(book, first_page))


def render_whole(press: Press, book: Book, cover: Cover, size: PageSize) -> Document:
    """The book set as one WeasyPrint document."""
    return press.render(pdf_html(book, cover, size))


def render_in_parts(press: Press, book: Book, cover: Cover, size: PageSize) -> Document | None:
    """The book set in parts and joined; ``None`` if the contents came out longer or
    shorter than its sketch, which would put every later page number off (or had
    no page to give a section).

    The contents is sketched with placeholder numbers first, to learn where the
    chapters start; the chapters and Notes are set in runs of about
    :data:`PART_MARKUP`; their anchors give the numbers the contents is then set with.
    """
    front = press.render(html_document(book, [_cover(book, cover, size), title_body(book)]))
    next_page = 1 + len(front.pages)
    contents_page = next_page
    sketch = None
    if _has_contents(book):
        placeholders = dict.fromkeys([*(chapter.id for chapter in book.chapters), "notes"], PLACEHOLDER_PAGE)
        sketch = press.part(book, [_contents(book, placeholders)], contents_page)
        next_page += len(sketch.pages)
    parts: list[Document] = []
    starts: dict[str, str] = {}
    for run in part_runs(book):
        part = press.part(book, [markup for _id, markup in run], next_page)
        ids = {section_id for section_id, _markup in run}
        for number, page in enumerate(part.pages, start=next_page):
            for anchor in ids.intersection(page.anchors):
                starts.setdefault(anchor, str(number))
        next_page += len(part.pages)
        parts.append(part)
    documents = [front]
    if sketch is not None:
        if len(starts) < len(book.chapters) + bool(book.notes):
            return None  # a section without its anchor: no number to write in
        contents = press.part(book, [_contents(book, starts)], contents_page)
        if len(contents.pages) != len(sketch.pages):
            return None
        documents.append(contents)
    documents.extend(parts)
    return front.copy([page for document in documents for page in document.pages])


def part_runs(book: Book) -> list[list[tuple[str, str]]]:
    """The chapters and Notes as ``(id, markup)``, in runs of at least :data:`PART_MARKUP`
    characters of markup (the last run may be shorter)."""
    runs: list[list[tuple[str, str]]] = [[]]
    size = 0
    for section in _story(book):
        if size >= PART_MARKUP:
            runs.append([])
            size = 0
        runs[-1].append(section)
        size += len(section[1])
    return [run for run in runs if run]


def sets_in_parts(theme: Theme) -> bool:
    """Whether ``theme`` is a shipped one, whose pages tests/test_pdf.py checks come out
    the same set in parts as set whole."""
    return theme.folder.resolve().parent == styles_root().resolve() and theme.folder.name in available_styles()


def render_pdf(
    book: Book,
    *,
    style: str | None = None,
    page_size: str = "a5",
    variant: str | None = None,
    in_parts: bool | None = None,
) -> tuple[bytes, list[str]]:
    """The PDF as bytes, and every warning WeasyPrint gave while making it.

    ``in_parts`` says how the book is set (:func:`render_in_parts`, :func:`render_whole`);
    by default in parts for a shipped theme and whole for any other.
    """
    if variant is not None and variant not in PDF_VARIANTS:
        raise FicError(f"unknown PDF variant '{variant}' (choose from {', '.join(PDF_VARIANTS)})")
    size = parse_page_size(page_size)
    theme = load_theme(style)
    layers = [Layer(page_css(size), styles_root()), *theme.layers("print")]
    data, media_type, _pixels = cover_art.book_cover(book, cover_size(size), theme.name)
    cover = Cover(data, media_type, book.cover is not None)

    weasyprint = import_weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    fetcher = make_fetcher(tuple(dict.fromkeys((styles_root().resolve(), theme.folder.resolve()))))
    fonts = FontConfiguration()  # @font-face rules only take effect through one shared configuration
    options: dict[str, Any] = {"pdf_variant": variant} if variant else {}
    options["custom_metadata"] = True  # the series, from <meta name="series">
    with weasyprint_warnings() as warnings, collector_spares_pages() as keep:
        sheets = [
            weasyprint.CSS(
                string=layer.css, base_url=layer.folder.resolve().as_uri() + "/", url_fetcher=fetcher, font_config=fonts
            )
            for layer in layers
        ]
        press = Press(sheets, fonts, fetcher, options, keep)
        document = None
        if sets_in_parts(theme) if in_parts is None else in_parts:
            document = render_in_parts(press, book, cover, size)
        if document is None:
            document = render_whole(press, book, cover, size)
        # keep() has freed the layout's style tables before the PDF's own objects are made
        data = document.write_pdf(**options)
    return data, list(warnings)


def write_pdf(book: Book, target: Path, *, style: str | None, page_size: str, variant: str | None) -> None:
    """Render ``book`` and write it to ``target`` atomically."""
    data, _warnings = render_pdf(book, style=style, page_size=page_size, variant=variant)
    write_atomically(data, target)
