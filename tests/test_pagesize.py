"""Page sizes: the named presets and WxH with units, checked before WeasyPrint is loaded."""

from __future__ import annotations

import pytest

from fic2book.errors import FicError
from fic2book.render.pagesize import PAGE_SIZES, parse_page_size


@pytest.mark.parametrize("name", sorted(PAGE_SIZES))
def test_named_sizes(name):
    assert parse_page_size(name.upper()) == PAGE_SIZES[name]


@pytest.mark.parametrize(
    ("spec", "width", "height"),
    [("120x180mm", 120, 180), ("5.5inx8.5in", 139.7, 215.9), ("12cm x 18cm", 120, 180), ("6in×9in", 152.4, 228.6),
     ("400x600pt", 141.11, 211.67)],
)
def test_custom_sizes(spec, width, height):
    size = parse_page_size(spec)
    assert (size.width_mm, size.height_mm) == pytest.approx((width, height), abs=0.01)
    assert size.css_size.endswith("mm")


def test_custom_size_scales_margins_and_type():
    small, large = parse_page_size("90x120mm"), parse_page_size("210x297mm")
    assert float(small.margin.split("mm")[0]) < float(large.margin.split("mm")[0])
    assert float(small.font_size.removesuffix("pt")) <= float(large.font_size.removesuffix("pt"))


@pytest.mark.parametrize("spec", ["", "a6", "120x180", "x180mm", "10x10mm", "5000x5000mm", "12 by 18 cm"])
def test_bad_sizes_are_clear_errors(spec):
    with pytest.raises(FicError, match="page size|outside"):
        parse_page_size(spec)
