"""Page sizes for the PDF, parsed without importing WeasyPrint (the CLI checks them early)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import lazyre
from ..errors import FicError

PDF_VARIANTS = ("pdf/ua-1",)

_UNITS_IN_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72, "pc": 25.4 / 6, "px": 25.4 / 96}


@dataclass(frozen=True)
class PageSize:
    """A page in millimetres, with the margins and type size that suit it."""

    name: str
    width_mm: float
    height_mm: float
    margin: str
    font_size: str

    @property
    def css_size(self) -> str:
        return f"{self.width_mm:g}mm {self.height_mm:g}mm"


PAGE_SIZES: dict[str, PageSize] = {
    # 6-inch e-ink screens are about 90 × 122 mm: small margins, larger type
    "ereader": PageSize("ereader", 90, 122, "7mm 5mm 8mm 5mm", "12pt"),
    "a5": PageSize("a5", 148, 210, "18mm 17mm 21mm 19mm", "11.5pt"),
    "a4": PageSize("a4", 210, 297, "25mm 30mm 28mm 30mm", "12.5pt"),
    "letter": PageSize("letter", 215.9, 279.4, "25mm 30mm 28mm 30mm", "12.5pt"),
    "trade": PageSize("trade", 152.4, 228.6, "19mm 18mm 22mm 20mm", "11.5pt"),
}

_CUSTOM = lazyre.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|pt|pc|px)?\s*[x×]\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|pt|pc|px)\s*$", re.I
)


def parse_page_size(spec: str) -> PageSize:
    """``a5`` → the A5 preset; ``5.5inx8.5in`` or ``120x180mm`` → a custom page.

    >>> parse_page_size("120x180mm").css_size
    '120mm 180mm'
    """
    key = spec.strip().lower()
    if key in PAGE_SIZES:
        return PAGE_SIZES[key]
    match = _CUSTOM.match(key)
    if not match:
        names = ", ".join(PAGE_SIZES)
        raise FicError(f"'{spec}' is not a page size (use {names}, or WxH with units such as 5.5inx8.5in)")
    w, w_unit, h, h_unit = match.groups()
    width = float(w) * _UNITS_IN_MM[(w_unit or h_unit).lower()]
    height = float(h) * _UNITS_IN_MM[h_unit.lower()]
    if not (50 <= width <= 1000 and 50 <= height <= 1000):
        raise FicError(f"'{spec}' is outside the pages fic2book can set (each side 50 mm to 1 m)")
    # margins and type scale with the shorter side, from an A5 baseline
    scale = min(width, height) / 148
    margin = max(5.0, 16 * scale)
    font = min(12.0, max(9.0, 10.5 * scale ** 0.3))
    return PageSize(
        f"{width:g}x{height:g}mm", round(width, 2), round(height, 2),
        f"{margin * 1.1:.1f}mm {margin:.1f}mm {margin * 1.25:.1f}mm {margin * 1.1:.1f}mm", f"{font:.1f}pt",
    )
