"""Book → PDF: the EPUB's XHTML in one document, set by WeasyPrint with the theme's print layer.

The PDF is one HTML document: the full-page cover, the title page, a contents
page with page numbers (when there is more than one chapter), the chapters and
the Notes, built from the same block markup as the EPUB (:mod:`.xhtml`, with
links rewritten to stay inside the one document). Stylesheets come in cascade
order: the page size, the common print layer, the theme, the theme's print
layer (:meth:`fic2book.styles.Theme.layers`).

WeasyPrint is imported here only, so EPUB-only runs and ``--help`` never pay for it.
Its fetcher is replaced by an allow-list: the theme's own files and the cover, nothing
else — no network, no ``file://`` the text could smuggle in.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .. import __version__
from ..errors import FicError
from ..model import Book
from ..styles import Layer, load_theme, styles_root
from . import cover as cover_art
from .epub import write_atomically
from .pagesize import PDF_VARIANTS, PageSize, parse_page_size
from .xhtml import attr, chapter_body, chapter_label, esc, notes_body, title_body

COVER_WIDTH = 1600
KEYWORD_FIELDS = ("Fandom", "Relationships", "Pairing", "Characters", "Tags", "Genre", "Category", "Rating")


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
    return "\n".join(parts)


def _contents(book: Book) -> str:
    """The contents page: each chapter and the Notes, with page numbers filled in by CSS."""
    items = [f'<li><a href="#{chapter.id}">{esc(chapter_label(book, chapter))}</a></li>' for chapter in book.chapters]
    if book.notes:
        items.append('<li><a href="#notes">Notes</a></li>')
    return '<nav class="contents" role="doc-toc">\n<h1>Contents</h1>\n<ol>\n' + "\n".join(items) + "\n</ol>\n</nav>"


def pdf_html(book: Book, cover_png: bytes, size: PageSize) -> str:
    """The whole book as one HTML document for WeasyPrint."""
    meta = book.metadata
    lang = attr(meta.language)
    label = f"Cover: {meta.title} by {', '.join(meta.authors)}"
    cover_src = "data:image/png;base64," + base64.b64encode(cover_png).decode("ascii")
    body = [
        f'<section class="cover-page"><img src="{cover_src}" alt="{attr(label)}"'
        f' style="width: {size.width_mm:g}mm; height: {size.height_mm:g}mm"/></section>',
        title_body(book),
    ]
    if len(book.chapters) > 1:
        body.append(_contents(book))
    body.extend(chapter_body(book, chapter, one_file=True) for chapter in book.chapters)
    if book.notes:
        body.append(notes_body(book, one_file=True))
    return (
        "<!DOCTYPE html>\n"
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}">\n'
        f'<head>\n<meta charset="utf-8"/>\n{_metadata_head(book)}\n</head>\n'
        "<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def page_css(size: PageSize) -> str:
    """The page box for ``size``: dimensions, margins and the base type size."""
    return f"@page {{ size: {size.css_size}; margin: {size.margin}; }}\nhtml {{ font-size: {size.font_size}; }}\n"


def cover_size(size: PageSize) -> tuple[int, int]:
    """Cover pixels with the page's proportions, so the image fills the page exactly."""
    return COVER_WIDTH, round(COVER_WIDTH * size.height_mm / size.width_mm)


# ---------------------------------------------------------------- WeasyPrint


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


def render_pdf(
    book: Book, *, style: str | None = None, page_size: str = "a5", variant: str | None = None
) -> tuple[bytes, list[str]]:
    """The PDF as bytes, and every warning WeasyPrint gave while making it."""
    if variant is not None and variant not in PDF_VARIANTS:
        raise FicError(f"unknown PDF variant '{variant}' (choose from {', '.join(PDF_VARIANTS)})")
    size = parse_page_size(page_size)
    theme = load_theme(style)
    layers = [Layer(page_css(size), styles_root()), *theme.layers("print")]
    meta = book.metadata
    cover_png = cover_art.make_cover(meta.title, ", ".join(meta.authors), size=cover_size(size))
    html = pdf_html(book, cover_png, size)

    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fetcher = make_fetcher(tuple(dict.fromkeys((styles_root().resolve(), theme.folder.resolve()))))
    fonts = FontConfiguration()  # @font-face rules only take effect through one shared configuration
    with weasyprint_warnings() as warnings:
        sheets = [
            weasyprint.CSS(
                string=layer.css, base_url=layer.folder.resolve().as_uri() + "/", url_fetcher=fetcher, font_config=fonts
            )
            for layer in layers
        ]
        document = weasyprint.HTML(string=html, base_url=styles_root().resolve().as_uri() + "/", url_fetcher=fetcher)
        options: dict[str, Any] = {"stylesheets": sheets, "font_config": fonts}
        if variant:
            options["pdf_variant"] = variant
        data = document.write_pdf(**options)
    return data, list(warnings)


def write_pdf(book: Book, target: Path, *, style: str | None, page_size: str, variant: str | None) -> None:
    """Render ``book`` and write it to ``target`` atomically."""
    data, _warnings = render_pdf(book, style=style, page_size=page_size, variant=variant)
    write_atomically(data, target)
