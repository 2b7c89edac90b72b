"""fic2book: plain-text stories in, beautiful valid ebooks out."""

__version__ = "0.1.0"
