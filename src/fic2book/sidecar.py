"""The sidecar: a story's metadata in a TOML file beside it.

``fic2book.toml`` in a folder of chapters, or ``<story>.toml`` next to a single
``<story>.txt``. It says what the text cannot (or says wrongly): title,
authors, series, tags, a cover, a theme, structure corrections. Its values
rank below command-line flags and above the text's own header fields
(:mod:`fic2book.pipeline` resolves them). Reading it is strict about what
would silently go wrong: malformed TOML and values of the wrong type are
errors with a line number; a key fic2book does not know is a warning that
names it, since a typo (``athor``) would otherwise just be ignored.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import FicError

LIST_KEYS = ("authors", "tags", "fandom", "warnings", "relationships", "characters")
"""Keys that take a string or a list of strings; a string is one item."""
TEXT_KEYS = ("title", "language", "series", "summary", "rating", "status", "source", "cover", "style")
DATE_KEYS = ("published", "updated")
KEYS = (
    "title", "author", "authors", "language", "series", "series_index", "summary", "tags", "fandom", "rating",
    "warnings", "relationships", "characters", "status", "published", "updated", "source", "cover", "style", "kind",
)  # fmt: skip
"""Every key a sidecar may hold, in the order the README lists them."""
MAX_SIDECAR_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Sidecar:
    """A sidecar's values, checked and normalised: strings stripped, lists as tuples, dates as ISO text.

    ``values`` holds only the keys that were given; ``author`` is folded into
    ``authors``. ``cover`` is a path resolved against the sidecar's folder.
    ``kind`` is a tuple of overrides (one story) or a dict of file name → tuple
    (a folder). ``warnings`` are for the reader: unknown keys, named.
    """

    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key``, or ``default`` when the sidecar does not give it."""
        return self.values.get(key, default)


def _line_of(text: str, key: str) -> int | None:
    """The line a top-level key (or table) is set on, for messages; tomllib does not say."""
    escaped = re.escape(key)
    pattern = re.compile(rf"^[ \t]*(?:\[[ \t]*)?(?:{escaped}|\"{escaped}\"|'{escaped}')[ \t]*(?:=|\])", re.M)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _where(text: str, key: str) -> str:
    line = _line_of(text, key)
    return f"line {line}: " if line else ""


def _error(sidecar: Path, text: str, key: str, message: str) -> FicError:
    return FicError(f"{_where(text, key)}{message}", path=str(sidecar))


def _strings(sidecar: Path, text: str, key: str, value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise _error(sidecar, text, key, f'"{key}" must be a string or a list of strings, e.g. {key} = ["one", "two"]')
    return tuple(dict.fromkeys(item.strip() for item in items if item.strip()))


def _date(sidecar: Path, text: str, key: str, value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise _error(sidecar, text, key, f'"{key}" must be a date, e.g. {key} = 2024-03-15')


def _kinds(sidecar: Path, text: str, value: Any, *, folder: bool) -> tuple[str, ...] | dict[str, tuple[str, ...]]:
    example = '{ "03.txt" = ["1-3=note"] }' if folder else '["1-3=note", "40=heading"]'
    if isinstance(value, dict):
        if not folder:
            raise _error(sidecar, text, "kind", f'"kind" must be a list of overrides such as {example}')
        return {str(name): _kinds(sidecar, text, specs, folder=False) for name, specs in value.items()}  # type: ignore[misc]
    if isinstance(value, str):
        value = [value]
    if folder or not isinstance(value, list) or not all(isinstance(k, str) for k in value):
        what = "a table of file name → overrides" if folder else "a list of overrides"
        raise _error(sidecar, text, "kind", f'"kind" must be {what}, e.g. kind = {example}')
    return tuple(value)


def parse_sidecar(text: str, sidecar: Path, *, folder: bool = False) -> Sidecar:
    """Check and normalise a sidecar's text; raise :class:`FicError` with a line number when it is malformed."""
    try:
        data = tomllib.loads(text.lstrip("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        at = re.search(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$", message)
        reason = message[: at.start()] if at else message
        reason = reason[:1].lower() + reason[1:]
        if at and at.group(1):
            where = f"line {at.group(1)}, column {at.group(2)}: "
        else:
            where = f"line {text.count(chr(10)) + (0 if text.endswith(chr(10)) else 1)}: "
        raise FicError(f"is not valid TOML: {where}{reason}", path=str(sidecar)) from None
    values: dict[str, Any] = {}
    warnings: list[str] = []
    for key, value in data.items():
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            warnings.append(f"{sidecar.name}: {_where(text, key)}unknown key '{key}' is ignored{hint}")
            continue
        if key in ("author", "authors"):
            values["authors"] = values.get("authors", ()) + _strings(sidecar, text, key, value)
        elif key in LIST_KEYS:
            values[key] = _strings(sidecar, text, key, value)
        elif key in DATE_KEYS:
            values[key] = _date(sidecar, text, key, value)
        elif key == "series_index":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise _error(sidecar, text, key, '"series_index" must be a number, e.g. series_index = 2')
            values[key] = float(value)
        elif key == "kind":
            values[key] = _kinds(sidecar, text, value, folder=folder)
        elif key in TEXT_KEYS:
            if not isinstance(value, str):
                raise _error(sidecar, text, key, f'"{key}" must be a string, e.g. {key} = "…"')
            if value.strip():
                values[key] = value.strip() if key != "summary" else value.strip("\n")
    if "cover" in values:
        values["cover"] = (sidecar.parent / values["cover"]).resolve()
    if "style" in values:  # a theme of one's own, next to the sidecar; else a shipped theme's name
        own = sidecar.parent / values["style"]
        if own.exists() or "/" in values["style"] or values["style"].endswith(".css"):
            values["style"] = str(own.resolve())
    return Sidecar(sidecar, values, tuple(warnings))


def read_sidecar(sidecar: Path | None, *, folder: bool = False) -> Sidecar:
    """The sidecar at ``sidecar`` (an empty one when None or missing)."""
    if sidecar is None or not sidecar.is_file():
        return Sidecar()
    try:
        data = sidecar.read_bytes()[: MAX_SIDECAR_BYTES + 1]
    except OSError as exc:
        raise FicError(f"cannot be read: {exc.strerror or exc}", path=str(sidecar)) from None
    if len(data) > MAX_SIDECAR_BYTES:
        raise FicError("is larger than 1 MB; a sidecar holds a few lines of metadata", path=str(sidecar))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FicError(f"line {line}: is not UTF-8 text (TOML files are UTF-8)", path=str(sidecar)) from None
    return parse_sidecar(text, sidecar, folder=folder)


def story_sidecar(source: Path) -> Path:
    """Where a single story's sidecar is: ``story.txt`` → ``story.toml``."""
    return source.with_suffix(".toml")
