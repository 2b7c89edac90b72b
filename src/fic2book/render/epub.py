"""Book → EPUB 3 (with an NCX for older readers), packaged by ebooklib.

ebooklib writes the package document, the NCX and the container; every XHTML
document is ours (:mod:`.xhtml`), handed over as a plain item so ebooklib's
HTML re-parsing cannot drop attributes or empty a chapter. Traps handled here:

- ``set_cover`` leaves the cover page out of the spine (Kobo then shows it
  small; EPUBCheck 5 rejects the unlinked page), so the cover page is ours,
  first in the spine, with a ``cover`` landmark.
- Zip entries carry clock times: entries are written with a fixed time
  (``SOURCE_DATE_EPOCH`` when set), ``mimetype`` first and stored, in a fixed
  order, so the same book gives the same bytes.
- The package element gets ``xml:lang``; ``dcterms:modified`` uses the same
  fixed time.
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from ebooklib import epub

from .. import __version__
from ..errors import FicError
from ..metadata import format_index, text_direction
from ..model import Book, Series
from ..output import write_atomically
from ..styles import load_style
from . import cover as cover_art
from .xhtml import Document, cover_href, documents

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
COVER_SIZE = (1200, 1920)
"""The generated cover: as wide as a 6-7" reader's screen (1072-1264 px) at 5:8, and a third of
the pixels of 1600x2560, which is about a fifth of a short story's whole conversion time.
A reader's own cover keeps its size up to 1600x2560 (:mod:`fic2book.coverimage`)."""
ZIP_EPOCH = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry can hold
ZIP_LEVEL = 6
"""zlib level for the text entries: level 9 takes 50% longer for 0.1% less."""
STORED_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")


def build_time() -> datetime:
    """The time stamped into the book: ``SOURCE_DATE_EPOCH`` or a fixed date."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    try:
        seconds = max(int(raw), ZIP_EPOCH) if raw else ZIP_EPOCH
    except ValueError:
        raise FicError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not '{raw}'") from None
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


class _FixedTimeZip:
    """The slice of ``ZipFile`` ebooklib uses, writing every entry the same way each time."""

    def __init__(self, target: zipfile.ZipFile, when: datetime) -> None:
        self._zip = target
        self._date_time = time.gmtime(when.timestamp())[:6]

    def writestr(self, name: str, data: bytes | str, compress_type: int | None = None) -> None:
        info = zipfile.ZipInfo(name, date_time=self._date_time)
        if compress_type is None:
            # Images are compressed already: deflating the cover again costs ~4 ms a book.
            compress_type = zipfile.ZIP_STORED if name.lower().endswith(STORED_SUFFIXES) else zipfile.ZIP_DEFLATED
        info.compress_type = compress_type
        info.create_system = 3
        info.external_attr = 0o100644 << 16
        level = ZIP_LEVEL if compress_type == zipfile.ZIP_DEFLATED else None
        self._zip.writestr(info, data, compresslevel=level)

    def close(self) -> None:
        self._zip.close()


class _Writer(epub.EpubWriter):
    """ebooklib's writer with a deterministic zip and ``xml:lang`` on the package."""

    def __init__(self, buffer: io.BytesIO, book: epub.EpubBook, lang: str, when: datetime) -> None:
        super().__init__("book.epub", book, {"mtime": when.replace(tzinfo=None), "play_order": {"enabled": True, "start_from": 1}})
        self._buffer = buffer
        self._lang = lang
        self._when = when

    def _write_opf_file(self, root):  # type: ignore[no-untyped-def]
        root.set(XML_LANG, self._lang)
        super()._write_opf_file(root)

    def write(self) -> None:
        self.out = _FixedTimeZip(zipfile.ZipFile(self._buffer, "w"), self._when)
        self.out.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        self._write_container()
        self._write_opf()
        self._write_items()
        self.out.close()


def _item(doc: Document) -> epub.EpubItem:
    item = epub.EpubItem(uid=doc.id, file_name=doc.file_name, media_type="application/xhtml+xml", content=doc.xhtml.encode("utf-8"))
    item.properties = list(doc.properties)
    return item


def _accessibility(book: epub.EpubBook, model: Book) -> None:
    meta = [
        ("schema:accessMode", "textual"),
        ("schema:accessMode", "visual"),
        ("schema:accessModeSufficient", "textual"),
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityFeature", "readingOrder"),
        ("schema:accessibilityFeature", "alternativeText"),
        ("schema:accessibilityHazard", "none"),
        (
            "schema:accessibilitySummary",
            "A text-only story with a cover image described in text, a table of contents, "
            "headings for every chapter and author's notes linked both ways.",
        ),
    ]
    for prop, value in meta:
        book.add_metadata(None, "meta", value, {"property": prop})


def _series(book: epub.EpubBook, series: Series) -> None:
    """The series as calibre reads it and as EPUB 3 says it (``belongs-to-collection``); devices read one or the other."""
    book.add_metadata(None, "meta", "", {"name": "calibre:series", "content": series.name})
    if series.index is not None:
        book.add_metadata(None, "meta", "", {"name": "calibre:series_index", "content": format_index(series.index)})
    book.add_metadata(None, "meta", series.name, {"property": "belongs-to-collection", "id": "series"})
    book.add_metadata(None, "meta", "series", {"refines": "#series", "property": "collection-type"})
    if series.index is not None:
        book.add_metadata(None, "meta", format_index(series.index), {"refines": "#series", "property": "group-position"})


def epub_bytes(model: Book, *, identifier: str, style: str | None = None) -> bytes:
    """The finished EPUB file as bytes."""
    meta = model.metadata
    style_name, css = load_style(style)
    cover_data, cover_type, cover_size = cover_art.book_cover(model, COVER_SIZE, style_name)

    book = epub.EpubBook()
    book.set_identifier(identifier)
    book.set_title(meta.title)
    book.set_language(meta.language)
    if text_direction(meta.language) == "rtl":
        book.set_direction("rtl")  # the spine's page-progression-direction: pages turn right to left
    book.metadata[epub.NAMESPACES["OPF"]]["generator"] = [("", {"name": "generator", "content": f"fic2book {__version__}"})]
    for number, author in enumerate(meta.authors, 1):
        book.add_author(author, role="aut", uid=f"creator{number}")
    if meta.summary:
        book.add_metadata("DC", "description", meta.summary)
    for subject in meta.subjects:
        book.add_metadata("DC", "subject", subject)
    if meta.published:
        book.add_metadata("DC", "date", meta.published)
    if meta.source_url:
        book.add_metadata("DC", "source", meta.source_url)
    if meta.series:
        _series(book, meta.series)
    _accessibility(book, model)

    cover_image = epub.EpubCover(uid="cover-image", file_name=cover_href(model))
    cover_image.media_type = cover_type
    cover_image.content = cover_data
    book.add_item(cover_image)
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
    book.add_item(epub.EpubItem(uid="style", file_name="css/style.css", media_type="text/css", content=css.encode("utf-8")))

    spine_docs, nav_doc = documents(model, cover_size)
    items = [_item(doc) for doc in spine_docs]
    for item in items:
        book.add_item(item)
    book.add_item(_item(nav_doc))
    book.add_item(epub.EpubNcx())
    book.spine = items
    book.toc = [epub.Link(doc.file_name, doc.title, f"nav-{doc.id}") for doc in spine_docs if doc.id != "cover"]
    book.guide = [
        {"type": "cover", "href": spine_docs[0].file_name, "title": "Cover"},
        {"type": "title-page", "href": spine_docs[1].file_name, "title": "Title Page"},
        {"type": "text", "href": spine_docs[2].file_name, "title": "Start"},
    ]

    buffer = io.BytesIO()
    _Writer(buffer, book, meta.language, build_time()).write()
    return buffer.getvalue()


def write_epub(model: Book, target: Path, *, identifier: str, style: str | None = None) -> None:
    """Render ``model`` and write it to ``target`` atomically."""
    write_atomically(epub_bytes(model, identifier=identifier, style=style), target)
