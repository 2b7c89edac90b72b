"""Where themes and fonts live, in a wheel and in a source checkout alike.

A wheel carries ``styles/`` inside the package (see ``pyproject.toml``); an
editable install or a plain checkout has it at the repository root.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import FicError

DEFAULT_STYLE = "classic"


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


@dataclass(frozen=True)
class Layer:
    """One stylesheet; its relative ``url()``s resolve against ``folder``."""

    css: str
    folder: Path


@dataclass(frozen=True)
class Theme:
    """A theme: rules shared by EPUB and PDF, and optional layers for each medium."""

    name: str
    folder: Path
    shared: Layer
    epub: Layer | None = None
    print: Layer | None = None

    def layers(self, medium: str) -> list[Layer]:
        """Stylesheets in cascade order: the common layer, the theme, the theme's layer for ``medium``."""
        if medium not in MEDIA:
            raise ValueError(f"unknown medium {medium!r}")
        root = styles_root()
        common = Layer(_read(root / f"{medium}.css"), root)
        own = self.epub if medium == "epub" else self.print
        return [common, self.shared, *([own] if own else [])]


MEDIA = ("epub", "print")


def _read(css_file: Path) -> str:
    try:
        return css_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
        raise FicError(f"cannot read style {css_file}: {reason}") from None


def load_theme(name_or_path: str | None) -> Theme:
    """A shipped theme by name, a theme folder (``style.css`` plus optional layers), or one ``.css`` file."""
    spec = name_or_path or DEFAULT_STYLE
    candidate = Path(spec)
    if candidate.suffix == ".css" or candidate.is_file():
        folder = candidate.resolve().parent
        return Theme(candidate.stem, folder, Layer(_read(candidate), folder))
    if candidate.is_dir() and (candidate / "style.css").is_file():
        folder = candidate.resolve()
    else:
        folder = styles_root() / spec
        if "/" in spec or "\\" in spec or not (folder / "style.css").is_file():
            known = ", ".join(available_styles()) or "none installed"
            raise FicError(f"unknown style '{spec}' (available: {known}; or give a path to a .css file)")
    layers = {
        medium: Layer(_read(folder / f"{medium}.css"), folder) if (folder / f"{medium}.css").is_file() else None
        for medium in MEDIA
    }
    return Theme(folder.name, folder, Layer(_read(folder / "style.css"), folder), layers["epub"], layers["print"])


def load_style(name_or_path: str | None) -> tuple[str, str]:
    """``(name, css)`` for the EPUB: the theme's layers joined into one stylesheet."""
    theme = load_theme(name_or_path)
    return theme.name, "\n".join(layer.css for layer in theme.layers("epub"))


def describe_style(name: str) -> str:
    """The theme's one-line description: the first line of its ``style.css`` comment."""
    css = (styles_root() / name / "style.css").read_text(encoding="utf-8")
    first = css.lstrip().removeprefix("/*").strip().splitlines()[0] if css.lstrip().startswith("/*") else ""
    first = first.removeprefix("fic2book —").strip().rstrip("*/").strip()
    return first.removeprefix(f"{name}:").strip() or name
