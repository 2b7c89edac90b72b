"""Where themes and fonts live, in a wheel and in a source checkout alike.

A wheel carries ``styles/`` inside the package (see ``pyproject.toml``); an
editable install or a plain checkout has it at the repository root.
"""

from __future__ import annotations

from pathlib import Path

from .errors import FicError

DEFAULT_STYLE = "default"


def styles_root() -> Path:
    """The folder holding every theme and ``fonts/``."""
    here = Path(__file__).resolve().parent
    packaged = here / "styles"
    if packaged.is_dir():
        return packaged
    return here.parents[1] / "styles"


def fonts_dir() -> Path:
    return styles_root() / "fonts"


def available_styles() -> list[str]:
    """Names of the themes shipped with fic2book, sorted."""
    root = styles_root()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "style.css").is_file())


def load_style(name_or_path: str | None) -> tuple[str, str]:
    """Return ``(name, css)`` for a theme name or a path to a CSS file or theme folder."""
    spec = name_or_path or DEFAULT_STYLE
    candidate = Path(spec)
    if candidate.suffix == ".css" or candidate.is_file():
        css_file = candidate
        name = candidate.stem
    elif candidate.is_dir() and (candidate / "style.css").is_file():
        css_file = candidate / "style.css"
        name = candidate.name
    else:
        css_file = styles_root() / spec / "style.css"
        name = spec
        if not css_file.is_file():
            known = ", ".join(available_styles()) or "none installed"
            raise FicError(f"unknown style '{spec}' (available: {known}; or give a path to a .css file)")
    try:
        return name, css_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FicError(f"cannot read style {css_file}: {exc.strerror if isinstance(exc, OSError) else 'not UTF-8'}") from None


def describe_style(name: str) -> str:
    """The theme's one-line description: the first line of its ``style.css`` comment."""
    css = (styles_root() / name / "style.css").read_text(encoding="utf-8")
    first = css.lstrip().removeprefix("/*").strip().splitlines()[0] if css.lstrip().startswith("/*") else ""
    return first.removeprefix("fic2book —").strip().rstrip("*/").strip() or name
