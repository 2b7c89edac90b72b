"""Book → PDF through WeasyPrint (arrives with #5)."""

from __future__ import annotations

from pathlib import Path

from ..errors import FicError
from ..model import Book


def write_pdf(book: Book, target: Path, *, style: str | None, page_size: str, variant: str | None) -> None:
    raise FicError("PDF output is not available yet (it arrives with issue #5); use --format epub")
