"""A typeset cover image for a story: title, author, fandom and series on a designed ground.

The cover is drawn with Pillow from the fonts shipped in ``styles/fonts``:
EB Garamond for the type, Gentium Plus for the characters Garamond lacks
(some Latin Extended, Cyrillic italics), and, for scripts neither covers
(Chinese, Japanese, Korean…), whatever system font has them (known paths of
Noto CJK, Droid Sans Fallback, WenQuanYi…, then ``fc-match``). Which font has
a glyph is read from each font's ``cmap`` table. A character no font has (an
emoji, say) is left out rather than drawn as a missing-glyph box.

Everything is derived from the input alone: the palette and the ornament come
from a hash of the title, so the same story always gets the same cover and the
same input always gives the same PNG bytes (no timestamps, no metadata).

:func:`_layout` does all the measuring and placing and returns the boxes it
computed; :func:`_draw` only paints them. Tests use the layout to check that
text stays inside the frame and that every character is drawn with a font
that has it.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import shutil
import struct
import subprocess
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from PIL import Image, ImageDraw, ImageFile, ImageFont

from ..errors import FicError
from ..metadata import series_line
from ..model import Book
from ..styles import fonts_dir
from .png import encode_rgb

__all__ = ["THEME_FONTS", "book_cover", "make_cover", "undrawable"]

DEFAULT_SIZE = (1600, 2560)
PNG_COMPRESS_LEVEL = 1
"""zlib level for the rows of the PNG that differ from the row above. Level 1
gives ~190 kB covers; level 3 saves ~3% for 20% more time, level 4 saves
~12% for twice the time."""

# Shipped fonts of each theme's cover, in the order a character is looked for: the
# theme's own face, then Gentium Plus for what it lacks (some Latin Extended, Greek, Cyrillic).
THEME_FONTS = {
    "classic": {
        "regular": ("EBGaramond12-Regular.ttf", "GentiumPlus-Regular.ttf"),
        "italic": ("EBGaramond12-Italic.ttf", "GentiumPlus-Italic.ttf"),
    },
    "modern": {
        "regular": ("NotoSans-Regular.ttf", "GentiumPlus-Regular.ttf"),
        "italic": ("NotoSans-Italic.ttf", "GentiumPlus-Italic.ttf"),
    },
    "eink": {
        "regular": ("GentiumPlus-Regular.ttf", "EBGaramond12-Regular.ttf"),
        "italic": ("GentiumPlus-Italic.ttf", "EBGaramond12-Italic.ttf"),
    },
}
DEFAULT_THEME = "classic"
_SHIPPED = THEME_FONTS[DEFAULT_THEME]

# System fonts tried, in order, for characters the shipped fonts lack (mostly CJK).
_SYSTEM_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/google-droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "/System/Library/Fonts/ヒラギノ明朝 ProN.ttc",
    "/System/Library/Fonts/AppleSDGothicNeo.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/msgothic.ttc",
    "C:/Windows/Fonts/malgun.ttf",
)

Color = tuple[int, int, int]
Rect = tuple[float, float, float, float]


def _rgb(code: str) -> Color:
    return (int(code[1:3], 16), int(code[3:5], 16), int(code[5:7], 16))


# Background, accent, ink: deep grounds with a metal or warm accent and an off-white ink.
_PALETTES: tuple[tuple[Color, Color, Color], ...] = tuple(
    (_rgb(bg), _rgb(accent), _rgb(ink))
    for bg, accent, ink in (
        ("#14213d", "#d4a64a", "#f3ead7"),  # midnight navy, gold
        ("#5a1a1f", "#e0b872", "#f6ecdf"),  # oxblood, pale gold
        ("#1f3b2d", "#c9a45c", "#efe9d8"),  # forest, brass
        ("#3b1f3f", "#e3a5a0", "#f6e9ec"),  # plum, rose
        ("#0f3b43", "#ec8f6a", "#eef3ef"),  # deep teal, coral
        ("#26282c", "#e3a53c", "#f1ede4"),  # charcoal, amber
        ("#222a5c", "#f0b48c", "#f4efe8"),  # indigo, peach
        ("#4a2a17", "#e0a94a", "#f5ead8"),  # umber, ochre
        ("#2b3a55", "#c8d3df", "#f2f4f7"),  # slate blue, silver
        ("#2e1a2b", "#a9c2a0", "#f1ede6"),  # aubergine, sage
        ("#12332f", "#9fd6c0", "#eef6f1"),  # pine, mint
        ("#4b1430", "#e9cfa0", "#f8efe2"),  # wine, champagne
        ("#101820", "#e4572e", "#f2ede3"),  # ink, vermilion
        ("#113047", "#e2b33c", "#f1ece0"),  # prussian, mustard
    )
)
_MOTIFS = ("arch", "rings", "initial")

_CAPS_FEATURES = ("lnum", "case")
_REF = 200  # size at which text is measured before scaling
_ELLIPSIS = "…"
_BREAK_AFTER = frozenset("-‐–—/")


# ---------------------------------------------------------------- fonts ----


@functools.lru_cache(maxsize=512)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=0)


def _feats(path: str, size: int, wanted: tuple[str, ...]) -> list[str] | None:
    """OpenType features to ask for; only the raqm layout engine can apply them."""
    if wanted and _font(path, size).layout_engine == ImageFont.Layout.RAQM:
        return list(wanted)
    return None


# Measuring text with raqm costs ~50–100 µs a call, and fitting a title measures the
# same words at many sizes; a batch of books measures the same letters again and again.
@functools.lru_cache(maxsize=16384)
def _advance(path: str, size: int, text: str, features: tuple[str, ...] = ()) -> float:
    return _font(path, size).getlength(text, features=_feats(path, size, features))


@functools.lru_cache(maxsize=4096)
def _ink(path: str, size: int, text: str, features: tuple[str, ...] = ()) -> Rect:
    """The ink box of ``text`` drawn with its baseline's left end at the origin."""
    return _font(path, size).getbbox(text, anchor="ls", features=_feats(path, size, features))


@functools.lru_cache(maxsize=None)
def _cmap(path: str) -> frozenset[int] | None:
    """Code points the font (the first face of a collection) maps to a glyph.

    Read straight from the OpenType ``cmap`` table — formats 4 and 12, which
    every TrueType/OpenType font carries — so no font library is needed and
    the first cover is not slowed by importing one. None if the file cannot
    be read that way (then :func:`_has_glyph` asks Pillow instead).
    """
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        return _parse_cmap(data)
    except (OSError, struct.error, ValueError, IndexError):
        return None


def _parse_cmap(data: bytes) -> frozenset[int] | None:
    u16 = lambda o: struct.unpack_from(">H", data, o)[0]  # noqa: E731
    u32 = lambda o: struct.unpack_from(">I", data, o)[0]  # noqa: E731
    base = u32(12) if data[:4] == b"ttcf" else 0  # first face of a collection
    cmap = next((u32(base + 12 + 16 * i + 8) for i in range(u16(base + 4)) if data[base + 12 + 16 * i : base + 16 + 16 * i] == b"cmap"), None)
    if cmap is None:
        return None
    subtables = {}
    for i in range(u16(cmap + 2)):
        rec = cmap + 4 + 8 * i
        sub = cmap + u32(rec + 4)
        subtables.setdefault((u16(rec), u16(rec + 2), u16(sub)), sub)
    order = ((3, 10, 12), (0, 6, 12), (0, 4, 12), (3, 1, 4), (0, 3, 4), (0, 2, 4), (0, 1, 4), (0, 0, 4))
    key = next((k for k in order if k in subtables), None)
    if key is None:
        return None
    sub = subtables[key]
    out: set[int] = set()
    if key[2] == 12:
        for g in range(u32(sub + 12)):
            start, end, glyph = struct.unpack_from(">III", data, sub + 16 + 12 * g)
            out.update(range(start if glyph else start + 1, end + 1))
        return frozenset(out)
    segs = u16(sub + 6) // 2
    ends, starts = sub + 14, sub + 16 + 2 * segs
    deltas, ranges = starts + 2 * segs, starts + 4 * segs
    for i in range(segs):
        start, end = u16(starts + 2 * i), u16(ends + 2 * i)
        delta, roff = u16(deltas + 2 * i), u16(ranges + 2 * i)
        if end == 0xFFFF:
            end -= 1
        if roff == 0:
            out.update(c for c in range(start, end + 1) if (c + delta) & 0xFFFF)
        else:
            at = ranges + 2 * i + roff
            out.update(c for c in range(start, end + 1) if u16(at + 2 * (c - start)))
    return frozenset(out)


@functools.lru_cache(maxsize=8192)
def _pillow_has_glyph(path: str, ch: str) -> bool:
    """Without fontTools: a glyph is missing if it draws exactly like .notdef."""
    font = _font(path, 48)
    notdef = "\U0010fffd"
    return (font.getbbox(ch), font.getlength(ch)) != (font.getbbox(notdef), font.getlength(notdef))


def _has_glyph(path: str, ch: str) -> bool:
    """Whether the font at ``path`` (first face of a collection) has a glyph for ``ch``."""
    cmap = _cmap(path)
    if cmap is not None:
        return ord(ch) in cmap
    return _pillow_has_glyph(path, ch)


@functools.lru_cache(maxsize=None)
def _loadable(path: str) -> bool:
    """A scalable font Pillow can draw at any size (colour-bitmap emoji fonts are not)."""
    try:
        _font(path, 37)
        _font(path, 64)
    except OSError:
        return False
    return True


@functools.lru_cache(maxsize=4)
def _shipped_paths(theme: str = DEFAULT_THEME) -> dict[str, tuple[str, ...]]:
    folder = fonts_dir()
    out: dict[str, tuple[str, ...]] = {}
    for style, names in THEME_FONTS.get(theme, _SHIPPED).items():
        paths = tuple(str(folder / name) for name in names)
        missing = [p for p in paths if not os.path.isfile(p)]
        if missing:
            raise FicError(f"cover fonts are missing from {folder} ({', '.join(Path(p).name for p in missing)}); reinstall fic2book")
        out[style] = paths
    return out


@functools.lru_cache(maxsize=1)
def _system_candidates() -> tuple[str, ...]:
    return tuple(p for p in _SYSTEM_CANDIDATES if os.path.isfile(p) and _loadable(p))


@functools.lru_cache(maxsize=64)
def _fc_sorted(chars: frozenset[str]) -> tuple[str, ...]:
    """Font files fontconfig ranks best for ``chars``, best first (empty without fc-match)."""
    exe = shutil.which("fc-match")
    if not exe:
        return ()
    charset = " ".join(f"{ord(c):x}" for c in sorted(chars))
    try:
        proc = subprocess.run(
            [exe, "-s", "-f", "%{file}\n", f":charset={charset}"],
            capture_output=True, text=True, timeout=5, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ()
    files = [line for line in proc.stdout.splitlines() if line][:40]
    return tuple(f for f in files if os.path.isfile(f))


class _Picker:
    """Chooses, per character, the font that draws it; one per cover, deterministic."""

    def __init__(self, texts: list[str], theme: str = DEFAULT_THEME) -> None:
        self.shipped = _shipped_paths(theme)
        every = {p for paths in self.shipped.values() for p in paths}
        lacking = {
            ch for text in texts for ch in text
            if not ch.isspace() and not any(_has_glyph(p, ch) for p in every)
        }
        self.system: dict[str, str | None] = {}
        if lacking:
            ranked = _system_candidates()
            still = {ch for ch in lacking if not any(_has_glyph(p, ch) for p in ranked)}
            if still:
                ranked += _fc_sorted(frozenset(still))
            for ch in sorted(lacking):
                self.system[ch] = next((p for p in ranked if _has_glyph(p, ch) and _loadable(p)), None)

    def pick(self, ch: str, style: str) -> str | None:
        """The style's serif, its fallback, then any shipped style (roman beats
        nothing in an italic line), then a system font; None if nothing has it."""
        others = [p for st, paths in self.shipped.items() if st != style for p in paths]
        for path in (*self.shipped[style], *others):
            if _has_glyph(path, ch):
                return path
        return self.system.get(ch)

    def segments(self, text: str, style: str) -> list[tuple[str, str]]:
        """``text`` cut into ``(run, font path)``; characters no font has are dropped."""
        out: list[tuple[str, str]] = []
        buf: list[str] = []
        current: str | None = None
        for ch in text:
            if ch.isspace():
                font = current or self.shipped[style][0]
            elif unicodedata.combining(ch) and current and _has_glyph(current, ch):
                font = current
            else:
                font = self.pick(ch, style)
                if font is None:
                    continue
            if font != current:
                if buf and current:
                    out.append(("".join(buf), current))
                buf, current = [], font
            buf.append(ch)
        if buf and current:
            out.append(("".join(buf), current))
        return out

    def drawable(self, text: str, style: str) -> str:
        """``text`` without the characters no font can draw, spaces tidied."""
        return " ".join("".join(run for run, _ in self.segments(text, style)).split())


# ----------------------------------------------------------------- text ----


def _clean(text: str | None) -> str:
    """NFC, no control characters, single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    return " ".join(text.split())


def _is_greek(ch: str) -> bool:
    return "\u0370" <= ch <= "\u03ff" or "\u1f00" <= ch <= "\u1fff"


def _caps(text: str) -> str:
    """Upper case; Greek capitals lose their accents and breathings, as Greek setting does."""
    out: list[str] = []
    base = ""
    for ch in unicodedata.normalize("NFD", text.upper()):
        if unicodedata.combining(ch):
            if _is_greek(base) and ch not in ("\u0308",):
                continue
        else:
            base = ch
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def is_cjk(ch: str) -> bool:
    """A Chinese, Japanese or Korean character (written without spaces between words)."""
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x2FFF or 0x3040 <= o <= 0x31FF or 0x3400 <= o <= 0x4DBF
        or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3FFFF
    )


def _is_closing(ch: str) -> bool:
    return unicodedata.category(ch) in ("Pe", "Pf", "Po")


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Unbreakable pieces of ``text`` and whether a space precedes each.

    Lines break at spaces, after hyphens, dashes and slashes, and between
    CJK characters (which are written without spaces).
    """
    out: list[tuple[str, bool]] = []
    for word in text.split(" "):
        if not word:
            continue
        space = bool(out)
        piece = ""
        for i, ch in enumerate(word):
            if piece and is_cjk(ch) and unicodedata.category(piece[-1]) not in ("Ps", "Pi"):
                out.append((piece, space))
                space, piece = False, ""
            piece += ch
            nxt = word[i + 1] if i + 1 < len(word) else ""
            if nxt and (
                (ch in _BREAK_AFTER and nxt not in _BREAK_AFTER and not _is_closing(nxt))
                or (is_cjk(ch) and not _is_closing(nxt))
            ):
                out.append((piece, space))
                space, piece = False, ""
        if piece:
            out.append((piece, space))
    return out


def _clusters(text: str) -> list[str]:
    """Base characters with their combining marks: what letter-spacing spaces out."""
    out: list[str] = []
    for ch in text:
        if out and unicodedata.combining(ch):
            out[-1] += ch
        else:
            out.append(ch)
    return out


@dataclass(frozen=True)
class Run:
    """A piece of text drawn with one font: pen at ``(x, baseline)``, ink in ``bbox``."""

    text: str
    font: str
    size: int
    x: float
    baseline: float
    bbox: Rect
    color: str  # palette role: "ink" or "accent"
    features: tuple[str, ...] = ()

    def moved(self, dx: float, dy: float) -> Run:
        x0, y0, x1, y1 = self.bbox
        return replace(self, x=self.x + dx, baseline=self.baseline + dy, bbox=(x0 + dx, y0 + dy, x1 + dx, y1 + dy))


def _union(boxes: list[Rect]) -> Rect | None:
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _spaceable(text: str) -> bool:
    """Whether letter-spacing keeps ``text`` readable: Latin, Greek, Cyrillic and CJK, not Arabic or Hebrew.

    Spacing draws each letter alone, which would break Arabic's joined forms and
    set right-to-left names backwards (سارة as ةراس).
    """
    return all(ord(ch) < 0x0590 or 0x1D00 <= ord(ch) < 0x2E80 or is_cjk(ch) for ch in text if not ch.isspace())


class _Setter:
    """Measures, breaks and places text for one element (title, author…)."""

    def __init__(
        self, picker: _Picker, style: str, *, tracking: float = 0.0, color: str = "ink", features: tuple[str, ...] = ()
    ) -> None:
        self.picker = picker
        self.style = style
        self.tracking = tracking  # extra space between letters, in em
        self.color = color
        self.features = features  # OpenType features, e.g. lining figures

    def _tracking(self, text: str) -> float:
        """Letter-spacing for ``text``: none for scripts whose letters join or run right to left."""
        return self.tracking if self.tracking and _spaceable(text) else 0.0

    def pieces(self, text: str, size: int) -> list[tuple[str, str, float]]:
        """``(text, font, advance)`` pieces: font runs, or single letters when tracked."""
        out: list[tuple[str, str, float]] = []
        tracked = self._tracking(text)
        for run, path in self.picker.segments(text, self.style):
            if tracked:
                out.extend((c, path, _advance(path, size, c, self.features)) for c in _clusters(run))
            else:
                out.append((run, path, _advance(path, size, run, self.features)))
        return out

    def width(self, text: str, size: int) -> float:
        pieces = self.pieces(text, size)
        total = sum(p[2] for p in pieces)
        if pieces:
            total += self._tracking(text) * size * (len(pieces) - 1)
        return total

    def place(self, text: str, size: int, cx: float, baseline: float) -> list[Run]:
        """One line centred on ``cx``."""
        pieces = self.pieces(text, size)
        gap = self._tracking(text) * size
        x = cx - (sum(p[2] for p in pieces) + gap * max(len(pieces) - 1, 0)) / 2
        runs: list[Run] = []
        for piece, path, advance in pieces:
            if not piece.isspace():
                l, t, r, b = _ink(path, size, piece, self.features)
                bbox = (x + l, baseline + t, x + r, baseline + b)
                runs.append(Run(piece, path, size, x, baseline, bbox, self.color, self.features))
            x += advance + gap
        return runs

    def fit(
        self,
        text: str,
        *,
        width: float,
        size_max: int,
        size_min: int,
        leading: float,
        height: float | None = None,
        max_lines: int | None = None,
    ) -> tuple[int, list[str]]:
        """The largest size (and its balanced lines) at which ``text`` fits the box.

        Sizes step down by ~4%. If even ``size_min`` is too big, over-long words
        are broken between letters and what still does not fit is cut with an
        ellipsis, so the result always fits.
        """
        toks = _tokens(text)
        if not toks:
            return size_max, []
        trk = self.tracking * _REF
        ws = [self.width(t, _REF) for t, _ in toks]
        space = self.width(" ", _REF) if not self.tracking else _advance(self.picker.shipped[self.style][0], _REF, " ")
        gaps = [(space + 2 * trk if sp else trk) if i else 0.0 for i, (_, sp) in enumerate(toks)]

        def lines_ok(n: int, size: int) -> bool:
            if max_lines is not None and n > max_lines:
                return False
            return height is None or _block_height(n, size, leading) <= height

        size = size_max
        while size >= size_min:
            k = size / _REF
            limit = width * 0.985 / k
            if max(ws) <= limit:
                spans = _balance(ws, gaps, limit)
                if lines_ok(len(spans), size):
                    lines = [_join(toks[a:b]) for a, b in spans]
                    if all(self.width(line, size) <= width for line in lines):
                        return size, lines
            size = min(size - 1, int(size * 0.96))

        # Last resort at the smallest size: break inside words, then truncate.
        size = size_min
        k = size / _REF
        limit = width * 0.985 / k
        toks2: list[tuple[str, bool]] = []
        for tok, sp in toks:
            if self.width(tok, _REF) <= limit:
                toks2.append((tok, sp))
                continue
            chunk = ""
            for c in _clusters(tok):
                if chunk and self.width(chunk + c, _REF) > limit:
                    toks2.append((chunk, sp))
                    chunk, sp = "", False
                chunk += c
            if chunk:
                toks2.append((chunk, sp))
        ws = [self.width(t, _REF) for t, _ in toks2]
        gaps = [(space + 2 * trk if sp else trk) if i else 0.0 for i, (_, sp) in enumerate(toks2)]
        spans = _balance(ws, gaps, limit)
        lines = [_join(toks2[a:b]) for a, b in spans]
        room = len(lines)
        while room > 1 and not lines_ok(room, size):
            room -= 1
        if room < len(lines):
            lines = lines[:room]
            lines[-1] = lines[-1] + _ELLIPSIS
        while self.width(lines[-1], size) > width and len(lines[-1]) > 1:
            lines[-1] = lines[-1][:-2].rstrip() + _ELLIPSIS
        return size, lines


def _join(toks: list[tuple[str, bool]]) -> str:
    return "".join((" " if sp and i else "") + t for i, (t, sp) in enumerate(toks))


def _block_height(n: int, size: int, leading: float) -> float:
    return (n - 1) * leading * size + 1.05 * size


def _greedy(ws: list[float], gaps: list[float], limit: float) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start, cur = 0, ws[0]
    for i in range(1, len(ws)):
        if cur + gaps[i] + ws[i] <= limit:
            cur += gaps[i] + ws[i]
        else:
            spans.append((start, i))
            start, cur = i, ws[i]
    spans.append((start, len(ws)))
    return spans


def _balance(ws: list[float], gaps: list[float], limit: float) -> list[tuple[int, int]]:
    """Break into as few lines as fit ``limit``, made as even in length as possible."""
    n = len(_greedy(ws, gaps, limit))
    if n == 1:
        return [(0, len(ws))]
    lo, hi = max(ws), limit
    for _ in range(24):
        mid = (lo + hi) / 2
        if len(_greedy(ws, gaps, mid)) <= n:
            hi = mid
        else:
            lo = mid
    return _greedy(ws, gaps, hi)


# --------------------------------------------------------------- layout ----


@dataclass
class Layout:
    """Everything :func:`_draw` paints, in pixels."""

    size: tuple[int, int]
    palette: tuple[Color, Color, Color]  # background, accent, ink
    motif: str
    frame: Rect  # inner edge of the frame: all text stays inside it
    outer: Rect  # outer rule of the frame
    unit: float  # 1 px at 1600 wide
    runs: list[Run] = field(default_factory=list)
    boxes: dict[str, Rect | None] = field(default_factory=dict)  # ink box of each element
    arch: Rect | None = None  # the arched window of the "arch" motif
    title_size: int = 0
    title_lines: list[str] = field(default_factory=list)
    divider_y: float = 0.0
    author_rule_y: float | None = None
    fandom_rule_y: float | None = None
    initial: Run | None = None
    motif_center: tuple[float, float] = (0.0, 0.0)


def _digest(title: str) -> bytes:
    return hashlib.sha256(title.casefold().encode("utf-8")).digest()


def _lines_runs(setter: _Setter, lines: list[str], size: int, cx: float, leading: float) -> list[Run]:
    runs: list[Run] = []
    for i, line in enumerate(lines):
        runs.extend(setter.place(line, size, cx, i * leading * size))
    return runs


def _layout(
    title: str,
    author: str,
    *,
    series: str | None = None,
    fandom: str | None = None,
    size: tuple[int, int] = DEFAULT_SIZE,
    theme: str = DEFAULT_THEME,
) -> Layout:
    """Measure and place every element of the cover, in ``theme``'s fonts (:data:`THEME_FONTS`)."""
    try:
        W, H = (int(v) for v in size)
    except (TypeError, ValueError):
        raise FicError(f"cover size must be two whole numbers of pixels, not {size!r}") from None
    if W < 300 or H < 300 or W > 10000 or H > 10000:
        raise FicError(f"cover size {W}×{H} is out of range (300 to 10000 pixels a side)")

    title = _clean(title) or "Untitled"
    author, series, fandom = _clean(author), _clean(series), _clean(fandom)
    digest = _digest(title)
    palette = _PALETTES[digest[0] % len(_PALETTES)]
    motif = _MOTIFS[digest[1] % len(_MOTIFS)]

    u = min(W / 1600, H / 2560)
    m = 72 * u
    outer = (m, m, W - m, H - m)
    inset = m + 22 * u + max(1.0, 2 * u)
    frame = (inset, inset, W - inset, H - inset)
    cx = W / 2
    col = (frame[2] - frame[0]) - 2 * 96 * u  # text column width

    author_caps = _caps(author)
    fandom_caps = _caps(fandom)
    picker = _Picker([title, author_caps, fandom_caps, series], theme)
    lay = Layout((W, H), palette, motif, frame, outer, u)

    # Fandom: a letter-spaced label at the top.
    fandom_text = picker.drawable(fandom_caps, "regular")
    top_limit = frame[1] + 0.05 * H
    if fandom_text:
        st = _Setter(picker, "regular", tracking=0.2, color="accent", features=_CAPS_FEATURES)
        fs, lines = st.fit(fandom_text, width=col, size_max=round(40 * u), size_min=round(26 * u), leading=1.5, max_lines=2)
        runs = _lines_runs(st, lines, fs, cx, 1.5)
        runs = [r.moved(0, frame[1] + 0.075 * H) for r in runs]
        lay.runs += runs
        box = _union([r.bbox for r in runs])
        lay.boxes["fandom"] = box
        if box:
            lay.fandom_rule_y = box[3] + 44 * u
            top_limit = lay.fandom_rule_y + 0.035 * H
    else:
        lay.boxes["fandom"] = None

    # Author: letter-spaced capitals near the foot.
    author_text = picker.drawable(author_caps, "regular")
    bottom_limit = frame[3] - 0.07 * H
    if author_text:
        st = _Setter(picker, "regular", tracking=0.18, color="ink", features=_CAPS_FEATURES)
        asz, lines = st.fit(author_text, width=col, size_max=round(50 * u), size_min=round(28 * u), leading=1.45, max_lines=2)
        runs = _lines_runs(st, lines, asz, cx, 1.45)
        last_baseline = frame[3] - 0.075 * H
        runs = [r.moved(0, last_baseline - (len(lines) - 1) * 1.45 * asz) for r in runs]
        lay.runs += runs
        box = _union([r.bbox for r in runs])
        lay.boxes["author"] = box
        if box:
            lay.author_rule_y = box[1] - 56 * u
            bottom_limit = lay.author_rule_y - 0.045 * H
    else:
        lay.boxes["author"] = None

    # Title group: title, divider ornament, series — centred between fandom and author.
    zone_top, zone_bottom = max(top_limit, 0.2 * H), min(bottom_limit, 0.72 * H)
    title_text = picker.drawable(title, "regular")
    title_setter = _Setter(picker, "regular", color="ink", features=("lnum",))
    if motif == "arch":
        # The group sits in the body of an arched window and keeps clear of its curve.
        a_top = zone_top + 0.005 * H
        a_bottom = min(bottom_limit + 0.02 * H, 0.78 * H)
        half = min(0.33 * W, (frame[2] - frame[0]) / 2 - 70 * u, (a_bottom - a_top) / 2.4)
        longest = max((title_setter.width(t, round(64 * u)) for t, _ in _tokens(title_text)), default=0.0)
        if longest > 1.6 * half or len(title_text) > 120:
            motif = lay.motif = "rings"  # the window would squeeze a long word or title
        else:
            lay.arch = (cx - half, a_top, cx + half, a_bottom)
            zone_top, zone_bottom = a_top + 0.55 * half, a_bottom - 0.05 * H
            col = 1.6 * half
    div_gap, div_h = 64 * u, 24 * u
    series_runs: list[Run] = []
    series_box: Rect | None = None
    series_text = picker.drawable(series, "italic")
    if series_text:
        st = _Setter(picker, "italic", color="accent")
        ss, lines = st.fit(series_text, width=col, size_max=round(50 * u), size_min=round(30 * u), leading=1.25, max_lines=2)
        series_runs = _lines_runs(st, lines, ss, cx, 1.25)
        series_box = _union([r.bbox for r in series_runs])
    series_h = (series_box[3] - series_box[1] + div_gap * 0.9) if series_box else 0.0
    budget = zone_bottom - zone_top - div_gap - div_h - series_h

    st = title_setter
    leading = 1.12
    ts, lines = st.fit(title_text, width=col, size_max=round(200 * u), size_min=round(40 * u), leading=leading, height=budget)
    title_runs = _lines_runs(st, lines, ts, cx, leading)
    # Ink boxes are the truth; if accents or descenders overflow the budget, go smaller.
    while title_runs and ts > round(24 * u):
        tb = _union([r.bbox for r in title_runs])
        assert tb is not None
        if tb[3] - tb[1] <= budget and tb[0] >= frame[0] and tb[2] <= frame[2]:
            break
        ts, lines = st.fit(title_text, width=col, size_max=max(ts - 2, 1), size_min=min(round(40 * u), ts - 2), leading=leading, height=budget)
        title_runs = _lines_runs(st, lines, ts, cx, leading)
    lay.title_size, lay.title_lines = ts, lines

    # Stack the group using ink heights, then centre it (slightly above centre).
    tb = _union([r.bbox for r in title_runs]) or (cx, 0.0, cx, ts * 0.7)
    title_h = tb[3] - tb[1]
    group_h = title_h + div_gap + div_h + series_h
    top = zone_top + (zone_bottom - zone_top - group_h) * 0.46
    title_runs = [r.moved(0, top - tb[1]) for r in title_runs]
    lay.runs += title_runs
    lay.boxes["title"] = _union([r.bbox for r in title_runs])
    lay.divider_y = top + title_h + div_gap + div_h / 2
    if series_box:
        dy = lay.divider_y + div_h / 2 + div_gap * 0.9 - series_box[1]
        series_runs = [r.moved(0, dy) for r in series_runs]
        lay.runs += series_runs
        lay.boxes["series"] = _union([r.bbox for r in series_runs])
    else:
        lay.boxes["series"] = None
    lay.motif_center = (cx, top + title_h / 2)

    # A large faint initial behind the title, for the "initial" motif; behind a
    # long title it would only get in the way, so long titles get rings instead.
    if motif == "initial" and len(lines) > 3:
        lay.motif = "rings"
    elif motif == "initial":
        first = next((c for c in title_text if c.isalnum()), "")
        path = picker.pick(first, "italic") if first else None
        if path:
            isz = round(1000 * u)
            l, t, r, b = _ink(path, isz, first)
            x = cx - (l + r) / 2
            base = lay.motif_center[1] - (t + b) / 2
            lay.initial = Run(first, path, isz, x, base, (x + l, base + t, x + r, base + b), "faint")
    return lay


# ----------------------------------------------------------------- draw ----


def _mix(a: Color, b: Color, t: float) -> Color:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


@functools.lru_cache(maxsize=64)
def _bands(height: int, top: Color, bottom: Color) -> tuple[tuple[int, int, Color], ...]:
    """The gradient from ``top`` to ``bottom`` as runs of rows of one colour: ``(first, end, colour)``.

    A ramp over 2560 rows has only a few dozen distinct colours, so painting it
    band by band is one pass over the pixels; cached because a batch of books
    meets the same fourteen palettes again and again.
    """
    last = max(height - 1, 1)
    # Per channel, the same arithmetic as _mix (same rounding), without a tuple per row.
    channels = [[round(a + (b - a) * (y / last)) for y in range(height)] for a, b in zip(top, bottom)]
    bands: list[tuple[int, int, Color]] = []
    start, current = 0, top
    for y, color in enumerate(zip(*channels)):
        if y and color != current:
            bands.append((start, y, current))
            start, current = y, color
    bands.append((start, height, current))
    return tuple(bands)


def _background(W: int, H: int, bg: Color, accent: Color, canvas: Image.Image | None = None) -> Image.Image:
    """A quiet vertical gradient: a touch of the accent at the top, deeper at the foot.

    Painted over every pixel of ``canvas`` (a new image if None).
    """
    top, bottom = _mix(bg, accent, 0.07), _mix(bg, (0, 0, 0), 0.38)
    img = canvas if canvas is not None and canvas.size == (W, H) else Image.new("RGB", (W, H), None)
    for start, end, color in _bands(H, top, bottom):
        img.paste(color, (0, start, W, end))
    return img


@functools.lru_cache(maxsize=1)
def _canvas(size: tuple[int, int]) -> Image.Image:
    """The one image this process paints covers on: a fresh 16 MB image costs ~1 ms of page faults.

    Safe because every cover paints all of it (:func:`_background`) and
    :func:`make_cover` hands out only the PNG bytes, never the image.
    """
    return Image.new("RGB", size, None)


@functools.lru_cache(maxsize=96)
def _coverage(path: str, size: int, text: str, features: tuple[str, ...], fx: float, fy: float) -> tuple[Image.Image, int, int]:
    """How much ink ``text`` puts on each pixel when its pen starts at ``(fx, fy)`` within a pixel.

    Returns an "L" mask and its corner relative to the pixel the pen is in.
    Cached: a batch of books draws the same author's letters and often the
    same large initial again and again, and rendering a glyph 1000 px high
    takes ~8 ms.
    """
    l, t, r, b = _ink(path, size, text, features)
    pad = 4
    x0, y0 = math.floor(l) - pad, math.floor(t) - pad
    mask = Image.new("L", (max(1, math.ceil(r) - x0 + pad), max(1, math.ceil(b) - y0 + pad)), 0)
    ImageDraw.Draw(mask).text(
        (fx - x0, fy - y0), text, font=_font(path, size), fill=255, anchor="ls", features=_feats(path, size, features)
    )
    return mask, x0, y0


def _paint(draw: ImageDraw.ImageDraw, run: Run, fill: Color) -> None:
    """Draw ``run`` in ``fill``: the same pixels as ``draw.text`` at the run's pen position."""
    fx, fy = run.x - math.floor(run.x), run.baseline - math.floor(run.baseline)
    mask, x0, y0 = _coverage(run.font, run.size, run.text, run.features, fx, fy)
    draw.bitmap((math.floor(run.x) + x0, math.floor(run.baseline) + y0), mask, fill=fill)


def _diamond(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, fill: Color) -> None:
    draw.polygon([(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)], fill=fill)


def _draw(lay: Layout, canvas: Image.Image | None = None) -> Image.Image:
    W, H = lay.size
    bg, accent, ink = lay.palette
    u = lay.unit
    img = _background(W, H, bg, accent, canvas)
    draw = ImageDraw.Draw(img)
    soft = _mix(bg, accent, 0.55)
    cx, cy = lay.motif_center
    lw = max(1, round(2 * u))

    # Motif behind everything.
    if lay.motif == "rings":
        for i, r in enumerate((0.24, 0.29, 0.34, 0.42)):
            rad = r * 1600 * u
            draw.ellipse((cx - rad, cy - rad, cx + rad, cy + rad), outline=_mix(bg, accent, 0.22 if i < 3 else 0.14), width=lw)
    elif lay.arch is not None:
        ax0, top, ax1, bottom = lay.arch
        half = (ax1 - ax0) / 2
        for off, col in ((0.0, _mix(bg, accent, 0.30)), (18 * u, _mix(bg, accent, 0.16))):
            h = half - off
            t = top + off
            draw.arc((cx - h, t, cx + h, t + 2 * h), 180, 360, fill=col, width=lw)
            draw.line((cx - h, t + h, cx - h, bottom - off), fill=col, width=lw)
            draw.line((cx + h, t + h, cx + h, bottom - off), fill=col, width=lw)
            draw.line((cx - h, bottom - off, cx + h, bottom - off), fill=col, width=lw)
    elif lay.initial is not None:
        r = lay.initial
        _paint(draw, r, _mix(bg, accent, 0.10))

    # Frame: a firm outer rule, a fine inner rule with notched corners.
    x0, y0, x1, y1 = lay.outer
    ow = max(1, round(4 * u))
    draw.rectangle((x0, y0, x1, y1), outline=accent, width=ow)
    fx0, fy0, fx1, fy1 = lay.frame
    iw = max(1, round(2 * u))
    ix0, iy0, ix1, iy1 = fx0 - iw, fy0 - iw, fx1 + iw, fy1 + iw
    n = 40 * u
    draw.line((ix0 + n, iy0, ix1 - n, iy0), fill=soft, width=iw)
    draw.line((ix0 + n, iy1, ix1 - n, iy1), fill=soft, width=iw)
    draw.line((ix0, iy0 + n, ix0, iy1 - n), fill=soft, width=iw)
    draw.line((ix1, iy0 + n, ix1, iy1 - n), fill=soft, width=iw)
    for (px, py), (a0, a1) in (
        ((ix0, iy0), (0, 90)), ((ix1, iy0), (90, 180)), ((ix1, iy1), (180, 270)), ((ix0, iy1), (270, 360)),
    ):
        draw.arc((px - n, py - n, px + n, py + n), a0, a1, fill=soft, width=iw)
        # A small diamond in the gap between the two rules, on the diagonal.
        gx = (px + (x0 + ow if px == ix0 else x1 - ow)) / 2
        gy = (py + (y0 + ow if py == iy0 else y1 - ow)) / 2
        _diamond(draw, gx, gy, 6 * u, accent)

    # Rules and the divider ornament.
    if lay.fandom_rule_y is not None:
        y = lay.fandom_rule_y
        draw.line((cx - 70 * u, y, cx - 14 * u, y), fill=soft, width=lw)
        draw.line((cx + 14 * u, y, cx + 70 * u, y), fill=soft, width=lw)
        _diamond(draw, cx, y, 6 * u, accent)
    y = lay.divider_y
    draw.line((cx - 190 * u, y, cx - 30 * u, y), fill=accent, width=lw)
    draw.line((cx + 30 * u, y, cx + 190 * u, y), fill=accent, width=lw)
    _diamond(draw, cx, y, 13 * u, accent)
    _diamond(draw, cx - 200 * u, y, 5 * u, accent)
    _diamond(draw, cx + 200 * u, y, 5 * u, accent)
    if lay.author_rule_y is not None:
        y = lay.author_rule_y
        draw.line((cx - 60 * u, y, cx + 60 * u, y), fill=soft, width=lw)
    else:  # no author: a small colophon of diamonds keeps the foot from looking empty
        y = lay.frame[3] - 0.075 * H - 18 * u
        for dx, r in ((-34, 5), (0, 9), (34, 5)):
            _diamond(draw, cx + dx * u, y, r * u, accent)

    colors = {"ink": ink, "accent": accent}
    for r in lay.runs:
        _paint(draw, r, colors[r.color])
    return img


def make_cover(
    title: str,
    author: str,
    *,
    series: str | None = None,
    fandom: str | None = None,
    size: tuple[int, int] = DEFAULT_SIZE,
    theme: str = DEFAULT_THEME,
) -> bytes:
    """A PNG cover for a story; the same input always gives the same bytes.

    ``title`` is set large in the middle (an empty title reads "Untitled");
    ``author`` in spaced capitals at the foot (may be empty); ``fandom`` as a
    small label at the top; ``series`` in italics under the title, drawn as
    given (pass the whole line, e.g. "Book 2 of The Marauders Saga").
    ``size`` is (width, height) in pixels. ``theme`` picks the type: a
    shipped theme's name (:data:`THEME_FONTS`), anything else the classic
    serif. Raises :class:`FicError` if the size is unusable or the shipped
    fonts are missing.
    """
    lay = _layout(title, author, series=series, fandom=fandom, size=size, theme=theme)
    return _encode_png(_draw(lay, _canvas(lay.size)))


def _encode_png(img: Image.Image, level: int = PNG_COMPRESS_LEVEL) -> bytes:
    """A minimal RGB PNG (IHDR, one IDAT, IEND; no metadata), so the bytes depend on pixels only.

    Pillow's encoder tries every row filter on every row (~80 ms for a
    1600×2560 cover); :func:`.png.encode_rgb` deflates only the rows that
    differ from the row above and copies the rest by reference (~15 ms).
    """
    return encode_rgb(_pixels(img), img.width, img.height, level=level)


def _pixels(img: Image.Image) -> bytes:
    """``img.tobytes()`` in one piece: Pillow packs 64 kB chunks and joins them, a second copy
    of all 12 MB (~2 ms a cover); with a buffer as big as the image there is one chunk and no copy."""
    saved = ImageFile.MAXBLOCK
    ImageFile.MAXBLOCK = max(saved, 3 * img.width * img.height + 1)
    try:
        return img.tobytes()
    finally:
        ImageFile.MAXBLOCK = saved


def undrawable(texts: list[str]) -> list[str]:
    """The characters of ``texts`` that no shipped or installed font can draw, which a cover leaves out.

    Letters, digits, punctuation and symbols only: joiners and variation selectors draw nothing anyway.
    """
    wanted = [_clean(t) for t in texts if t]
    wanted += [_caps(t) for t in wanted]
    picker = _Picker(wanted)
    missing = {
        ch for text in wanted for ch in text
        if unicodedata.category(ch)[0] in "LNPS" and picker.pick(ch, "regular") is None
    }
    return sorted(missing)


def book_cover(book: Book, size: tuple[int, int], theme: str = DEFAULT_THEME) -> tuple[bytes, str, tuple[int, int]]:
    """``(image bytes, media type, (width, height))`` of ``book``'s cover: the reader's own image, or one drawn
    at ``size`` from its title, author, series and fandom in ``theme``'s type (an unknown author is left off)."""
    if book.cover is not None:
        return book.cover.data, book.cover.media_type, (book.cover.width, book.cover.height)
    meta = book.metadata
    fandom = next((f.value for f in meta.fields if f.label == "Fandom"), None)
    png = make_cover(
        meta.title,
        " & ".join(meta.authors) if meta.author_source != "default" else "",
        series=series_line(meta.series) if meta.series else None,
        fandom=fandom,
        size=size,
        theme=theme,
    )
    return png, "image/png", size
