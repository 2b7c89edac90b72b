"""The one exception type users see.

Anything raised as :class:`FicError` is a problem with the reader's input or
environment, explained in words a reader understands; the CLI prints its
message on one line and exits 1. Any other exception is a bug in fic2book.
"""

from __future__ import annotations


class FicError(Exception):
    """A user-facing failure: bad input, unreadable file, unwritable output."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message
