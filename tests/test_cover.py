"""The cover generator: a valid, deterministic PNG whose text fits and has real glyphs."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest
from PIL import Image

from fic2book.errors import FicError
from fic2book.render import cover
from fic2book.render.cover import _caps, _has_glyph, _layout, make_cover

LONG_TITLE = (
    "When the Stars Fall Over Hogsmeade and Nobody Remembers the Words to the Old Songs, "
    "Harry Finds That Some Promises Are Kept Only in the Dark Between Midnight and the "
    "Last Train Home to Godric's Hollow"
)
LONG_WORD = "Supercalifragilisticexpialidocious" + "Antidisestablishmentarian" + "ism"


def _open(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()  # decodes every row: a bad CRC or zlib stream fails here
    return img


def _chunks(data: bytes) -> list[bytes]:
    kinds, at = [], 8
    while at < len(data):
        (length,) = struct.unpack_from(">I", data, at)
        kinds.append(data[at + 4 : at + 8])
        at += 12 + length
    return kinds


def _inside(box, frame) -> bool:
    return frame[0] <= box[0] and box[2] <= frame[2] and frame[1] <= box[1] and box[3] <= frame[3]


def test_valid_png_of_the_default_size():
    data = make_cover("So Close", "jane_doe", fandom="Harry Potter", series="Book 2 of Closer")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    img = _open(data)
    assert img.format == "PNG"
    assert img.size == (1600, 2560)
    assert img.mode == "RGB"
    assert len(img.getcolors(1 << 20) or []) > 50  # antialiased text, not a flat placeholder


def test_other_sizes():
    img = _open(make_cover("So Close", "jane_doe", size=(600, 960)))
    assert img.size == (600, 960)


def test_same_input_same_bytes_and_no_metadata():
    args = ("Crème Brûlée à la Mode", "Zoë Ångström")
    make_cover("Another Story Before It", "Someone", fandom="Elsewhere")  # leaves its pixels on the shared canvas
    first = make_cover(*args, series="Book 2 of Sweet Things", fandom="Bake Off")
    for cache in (cover._font, cover._cmap, cover._advance, cover._ink, cover._coverage, cover._bands, cover._canvas):
        cache.cache_clear()
    second = make_cover(*args, series="Book 2 of Sweet Things", fandom="Bake Off")
    assert first == second
    assert _chunks(first) == [b"IHDR", b"IDAT", b"IEND"]  # no tIME, tEXt, pHYs…


def test_cached_glyphs_paint_the_pixels_pillow_draws():
    from PIL import ImageChops, ImageDraw

    lay = _layout("Crème Brûlée — Part 2", "Zoë Ångström", fandom="Bake Off", series="Book 2 of Sweet Things")
    runs = [*lay.runs, cover.Run("Q", lay.runs[0].font, 1000, 412.37, 1500.61, (0, 0, 0, 0), "faint")]
    for run in runs:
        expected = Image.new("RGB", lay.size, (20, 30, 40))
        font = cover._font(run.font, run.size)
        feats = cover._feats(run.font, run.size, run.features)
        ImageDraw.Draw(expected).text((run.x, run.baseline), run.text, font=font, fill=(250, 240, 230), anchor="ls", features=feats)
        for _ in range(2):  # drawn afresh, then from the cache
            got = Image.new("RGB", lay.size, (20, 30, 40))
            cover._paint(ImageDraw.Draw(got), run, (250, 240, 230))
            assert ImageChops.difference(expected, got).getbbox() is None, run.text


def test_different_titles_get_different_colours():
    titles = ["So Close", "Война и мир", "Ἰλιάς", "Wild Hearts", "Embers", "Paper Moon", "After the Rain", "Nightfall"]
    # A pixel between the frame and the edge, half-way down: pure background.
    grounds = {_open(make_cover(t, "A")).getpixel((20, 1280)) for t in titles}
    assert len(grounds) >= 4
    # The palette is curated, not raw random RGB.
    assert {_layout(t, "A").palette for t in titles} <= set(cover._PALETTES)


def test_same_title_same_colour_whoever_wrote_it():
    assert _layout("So Close", "jane").palette == _layout("So Close", "someone else").palette


@pytest.mark.parametrize("title", [LONG_TITLE, LONG_WORD, "x" * 200, "Word " * 40])
def test_long_titles_fit_inside_the_frame(title):
    assert len(title) >= 60
    lay = _layout(title, "An Author With Quite a Long Pen Name", fandom="Harry Potter", series="Book 2 of Something")
    boxes = {k: b for k, b in lay.boxes.items() if b}
    assert set(boxes) == {"title", "author", "fandom", "series"}
    for name, box in boxes.items():
        assert _inside(box, lay.frame), (name, box, lay.frame)
    for run in lay.runs:
        assert _inside(run.bbox, lay.frame), run
    # Elements stack from top to bottom without touching.
    order = [boxes[k] for k in ("fandom", "title", "series", "author")]
    for upper, lower in zip(order, order[1:]):
        assert upper[3] < lower[1]
    # Nothing is lost: the title is all there, at a readable size.
    assert lay.title_size >= 40
    assert "".join(lay.title_lines).replace(" ", "") == " ".join(title.split()).replace(" ", "")


def test_200_character_title_wraps_in_balanced_lines():
    assert len(LONG_TITLE) >= 200
    lay = _layout(LONG_TITLE, "A")
    assert len(lay.title_lines) > 3
    assert lay.title_size >= 60
    widths = [len(line) for line in lay.title_lines]
    assert max(widths) - min(widths) <= 12  # balanced, no one-word last line


def test_single_long_word_stays_one_line():
    lay = _layout(LONG_WORD, "A")
    assert lay.title_lines == [LONG_WORD]
    assert _inside(lay.boxes["title"], lay.frame)


def test_short_title_is_big():
    lay = _layout("So Close", "jane_doe")
    assert lay.title_lines == ["So Close"]
    assert lay.title_size >= 180


@pytest.mark.parametrize(
    "title,author",
    [("Война и мир", "Лев Толстой"), ("Ἰλιάς", "Ὅμηρος"), ("Crème Brûlée à la Mode", "Zoë Ångström"), ("Łódź Ğ Ș ő", "Dvořák")],
)
def test_every_character_is_drawn_with_a_font_that_has_it(title, author):
    lay = _layout(title, author, series=f"Book 1 of {title}", fandom=title)
    drawn = "".join(r.text for r in lay.runs)
    for ch in title.replace(" ", ""):
        assert ch in drawn or ch.upper() in drawn
    for run in lay.runs:
        for ch in run.text:
            if not ch.isspace():
                assert _has_glyph(run.font, ch), (ch, run.font)
    assert all(Path(r.font).parent == Path(cover.fonts_dir()) for r in lay.runs)


def test_fallback_font_takes_what_the_serif_lacks():
    serif, fallback = cover._shipped_paths()["italic"]
    lacking = next(chr(c) for c in range(0x400, 0x530) if _has_glyph(fallback, chr(c)) and not _has_glyph(serif, chr(c)))
    lay = _layout("Title", "A", series=f"Book 1 of {lacking}ора")
    fonts = {ch: r.font for r in lay.runs for ch in r.text}
    assert fonts[lacking] == fallback
    assert fonts["о"] == serif


def test_glyph_check_agrees_with_the_font():
    serif = cover._shipped_paths()["regular"][0]
    assert _has_glyph(serif, "ж") and _has_glyph(serif, "ά") and _has_glyph(serif, "é")
    assert not _has_glyph(serif, "中")
    assert not _has_glyph(serif, "\U0001f494")


def test_cmap_reader_matches_fonttools():
    ttlib = pytest.importorskip("fontTools.ttLib")
    for path in sorted(Path(cover.fonts_dir()).glob("*.ttf")):
        expected = frozenset(ttlib.TTFont(str(path), lazy=True).getBestCmap())
        assert cover._cmap(str(path)) == expected, path.name


def test_characters_no_font_has_are_left_out(monkeypatch):
    monkeypatch.setattr(cover, "_system_candidates", lambda: ())
    monkeypatch.setattr(cover, "_fc_sorted", lambda chars: ())
    lay = _layout("Broken \U0001f494 Hearts", "A")
    assert lay.title_lines == ["Broken Hearts"]
    assert all("\U0001f494" not in r.text for r in lay.runs)


@pytest.mark.parametrize("author", ["", "   ", None])
def test_empty_author(author):
    lay = _layout("So Close", author)
    assert lay.boxes["author"] is None
    assert lay.author_rule_y is None
    assert _open(make_cover("So Close", author)).size == (1600, 2560)


def test_empty_title_reads_untitled():
    assert _layout("  ", "jane").title_lines == ["Untitled"]


def test_author_in_capitals_greek_without_accents():
    assert _caps("Ὅμηρος") == "ΟΜΗΡΟΣ"
    assert _caps("Zoë Ångström") == "ZOË ÅNGSTRÖM"
    assert _caps("Лев Толстой") == "ЛЕВ ТОЛСТОЙ"


@pytest.mark.parametrize("size", [(100, 100), (1600,), ("wide", 2560), (20000, 2560)])
def test_bad_size_is_a_user_error(size):
    with pytest.raises(FicError):
        make_cover("T", "A", size=size)


def test_missing_fonts_is_a_user_error(monkeypatch, tmp_path):
    cover._shipped_paths.cache_clear()
    monkeypatch.setattr(cover, "fonts_dir", lambda: tmp_path)
    try:
        with pytest.raises(FicError, match="reinstall"):
            make_cover("T", "A")
    finally:
        cover._shipped_paths.cache_clear()


# ---------------------------------------------------------------- issue #6: the cover a book gets

FORTY_WORDS = (
    "In Which Hermione Granger Accidentally Adopts Three Kneazles, a Runaway Portrait, and Most of the Slytherin "
    "Quidditch Team, While Draco Malfoy Pretends Not to Notice That He Has Been Living in Her Flat Since the "
    "First Week of Christmas Holidays"
)


def test_a_forty_word_title_fits_with_every_word_and_no_ink_outside():
    assert len(FORTY_WORDS.split()) == 40
    lay = _layout(FORTY_WORDS, "An Author With Quite a Long Pen Name", fandom="Harry Potter - J. K. Rowling",
                  series="Book 12 of The Very Long Series Name That Goes On")  # fmt: skip
    assert " ".join(lay.title_lines).split() == FORTY_WORDS.split()  # no word cut or dropped
    assert lay.title_size >= 40
    width, height = lay.size
    for run in lay.runs:
        assert _inside(run.bbox, lay.frame), run  # inside the frame, so inside the canvas
        assert 0 <= run.bbox[0] and run.bbox[2] <= width and 0 <= run.bbox[1] and run.bbox[3] <= height
    boxes = [lay.boxes[k] for k in ("fandom", "title", "series", "author")]
    for upper, lower in zip(boxes, boxes[1:]):
        assert upper[3] < lower[1]  # nothing overlaps


def _cjk_font_available() -> bool:
    return not cover.undrawable(["東京の夜"])


def _ink_mask(font_path: str, ch: str) -> bytes:
    font = cover._font(font_path, 96)
    return bytes(font.getmask(ch))


def test_a_cjk_title_is_drawn_with_real_glyphs_not_missing_glyph_boxes():
    if not _cjk_font_available():
        pytest.fail("no font with CJK characters is installed: run the README's test command (it installs one)", pytrace=False)
    title = "東京の夜に咲く花"
    lay = _layout(title, "山田花子", fandom="呪術廻戦", series="夜の庭")
    drawn = "".join(r.text for r in lay.runs)
    assert all(ch in drawn for ch in title)
    notdef = "\U0010fffd"
    for run in lay.runs:
        for ch in run.text:
            if ch.isspace():
                continue
            assert _has_glyph(run.font, ch), (ch, run.font)  # the font's cmap maps it
            mask = _ink_mask(run.font, ch)
            assert mask != _ink_mask(run.font, notdef), (ch, run.font)  # not drawn as .notdef
            assert any(mask), ch  # and it leaves ink
    # the pixels: the title's box holds ink in the ink colour, not an empty rectangle
    img = _open(make_cover(title, "山田花子", fandom="呪術廻戦"))
    box = tuple(round(v) for v in _layout(title, "山田花子", fandom="呪術廻戦").boxes["title"])
    ink = _layout(title, "山田花子").palette[2]
    raw = img.crop(box).tobytes()
    pixels = [raw[i : i + 3] for i in range(0, len(raw), 3)]
    near_ink = sum(1 for p in pixels if sum(abs(a - b) for a, b in zip(p, ink)) < 40)
    assert near_ink > 0.05 * len(pixels)


def test_each_shipped_theme_draws_in_its_own_type():
    from fic2book.styles import available_styles

    for theme in available_styles():
        lay = _layout("Crème Brûlée", "Zoë", theme=theme)
        expected = cover.THEME_FONTS[theme]["regular"][0]
        assert Path(next(r for r in lay.runs if "C" in r.text).font).name == expected
    assert make_cover("T", "A", theme="modern") != make_cover("T", "A", theme="classic")
    assert make_cover("T", "A", theme="my-own") == make_cover("T", "A", theme="classic")


def test_a_books_cover_shows_its_series_and_fandom_and_not_an_unknown_author():
    from fic2book.model import Book, Chapter, Field, Metadata, Series

    meta = Metadata("So Close", fields=(Field("Fandom", "Law & Order: SVU", "Fandom"),), series=Series("Closer", 2.0))
    book = Book(meta, (Chapter("ch001", (), (), 1),))
    data, media_type, size = cover.book_cover(book, (1600, 2560))
    assert (media_type, size) == ("image/png", (1600, 2560))
    assert data == make_cover("So Close", "", series="Book 2 of Closer", fandom="Law & Order: SVU")
    assert data == cover.book_cover(book, (1600, 2560))[0]  # deterministic


def test_undrawable_names_only_what_no_font_has(monkeypatch):
    monkeypatch.setattr(cover, "_system_candidates", lambda: ())
    monkeypatch.setattr(cover, "_fc_sorted", lambda chars: ())
    assert cover.undrawable(["Crème Ἰλιάς Война", "\u200d"]) == []
    assert cover.undrawable(["Broken \U0001f494 東"]) == ["東", "\U0001f494"]
