"""Input paths → the source files to read, and the guards around reading them.

Reading is where hostile input first touches us, so every refusal here is a
:class:`~fic2book.errors.FicError` with a reason a reader understands.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import FicError

TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")
"""What a story file in a folder may end in."""


def natural_key(name: str) -> list[object]:
    """Sort key that puts ``ch2`` before ``ch10``."""
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", name)]


def story_files(folder: Path) -> list[Path]:
    """The text files of a folder in natural order, hidden files and backups skipped."""
    try:
        entries = list(folder.iterdir())
    except OSError as exc:
        raise FicError(f"cannot list the folder: {exc.strerror or exc}", path=str(folder)) from None
    files = [
        p
        for p in entries
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith("~") and p.suffix.lower() in TEXT_SUFFIXES
    ]
    if not files:
        raise FicError("the folder has no story files (.txt or .md)", path=str(folder))
    return sorted(files, key=lambda p: natural_key(p.name))


def resolve(path: Path) -> Path:
    """The one file to read for ``path``, or a clear refusal."""
    if not path.exists():
        raise FicError("no such file", path=str(path))
    if path.is_dir():
        raise FicError("is a folder; building a book from a folder of chapters is not supported yet", path=str(path))
    if not path.is_file():
        raise FicError("is not a regular file", path=str(path))
    return path


def read_bytes(path: Path, *, max_size: int) -> bytes:
    """The file's bytes, refusing one larger than ``max_size`` before reading it whole."""
    try:
        size = path.stat().st_size
        if size > max_size:
            raise FicError(
                f"is {size / 2**20:.1f} MB, larger than the {max_size / 2**20:.0f} MB limit (raise it with --max-size)",
                path=str(path),
            )
        with path.open("rb") as handle:
            data = handle.read(max_size + 1)
    except PermissionError:
        raise FicError("cannot be read: permission denied", path=str(path)) from None
    except IsADirectoryError:
        raise FicError("is a folder", path=str(path)) from None
    except OSError as exc:
        raise FicError(f"cannot be read: {exc.strerror or exc}", path=str(path)) from None
    if len(data) > max_size:
        raise FicError(f"grew past the {max_size / 2**20:.0f} MB limit while being read", path=str(path))
    return data


def refuse_overwriting_input(target: Path, source: Path) -> None:
    """Never write a book over the file it was made from."""
    try:
        if target.exists() and os.path.samefile(target, source):
            raise FicError(f"the output {target} would overwrite the input", path=str(source))
    except OSError:
        return


def sidecar_kinds(source: Path) -> list[str]:
    """Structure overrides from ``<story>.toml`` next to the story: ``kind = ["1-3=note"]``."""
    sidecar = source.with_suffix(".toml")
    if not sidecar.is_file():
        return []
    import tomllib

    try:
        data = tomllib.loads(sidecar.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise FicError(f"is not valid TOML: {exc}", path=str(sidecar)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FicError(f"cannot be read: {exc}", path=str(sidecar)) from None
    kinds = data.get("kind", [])
    if isinstance(kinds, str):
        kinds = [kinds]
    if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
        raise FicError('"kind" must be a list of strings such as ["1-3=note"]', path=str(sidecar))
    return kinds
