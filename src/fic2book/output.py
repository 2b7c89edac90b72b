"""Writing books: the output folder and atomic writes, shared by every writer and the batch runner."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import FicError


def ensure_output_folder(folder: Path) -> None:
    """Create ``folder`` if needed; a clear error when it is a file or cannot be made."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise FicError(f"the output folder {folder} is a file") from None
    except OSError as exc:
        raise FicError(f"cannot create the output folder {folder}: {exc.strerror or exc}") from None
    if not folder.is_dir():
        raise FicError(f"the output folder {folder} is not a folder")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(data: bytes, target: Path) -> None:
    """Write ``data`` to ``target`` through a temporary file and a rename: never half a book."""
    folder = target.parent
    ensure_output_folder(folder)
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o666 & ~_umask())
        os.replace(tmp_name, target)
        tmp_name = None
    except OSError as exc:
        raise FicError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass
