"""Regular expressions compiled the first time they are used, not when their module is imported.

Compiling a pattern is pure Python in CPython (``re._compiler``), and fic2book's
modules hold about a hundred long ones: compiled at import they cost ~60 ms of
every run, and a short story uses half of them. :func:`compile` returns a
stand-in that compiles on first use and then puts the compiled pattern's methods
on itself, so later calls cost what a compiled pattern's do. Every module-level
pattern of fic2book is made here.
"""

from __future__ import annotations

import re
from typing import Any, AnyStr, cast

_METHODS = ("match", "search", "fullmatch", "sub", "subn", "split", "finditer", "findall", "pattern", "flags", "groups",
            "groupindex")  # fmt: skip


class _LazyPattern:
    def __init__(self, pattern: str | bytes, flags: int) -> None:
        self._args = (pattern, flags)

    def __getattr__(self, name: str) -> Any:  # only for attributes not set yet: the first use
        if name.startswith("__"):
            raise AttributeError(name)
        compiled = re.compile(*self._args)
        for method in _METHODS:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazyre.compile({self._args[0]!r}, {self._args[1]!r})"


def compile(pattern: AnyStr, flags: int = 0) -> re.Pattern[AnyStr]:  # noqa: A001 - it stands in for re.compile
    """``re.compile(pattern, flags)``, done when the pattern is first used."""
    return cast("re.Pattern[AnyStr]", _LazyPattern(pattern, flags))
