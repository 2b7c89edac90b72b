"""Tests for fic2book.encoding: detection, clean-up, repairs, never silent loss."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fic2book.encoding import Decoded, decode, looks_binary
from fic2book.errors import FicError

FIXTURES = Path(__file__).parent / "fixtures" / "encoding"
_spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)

# XML 1.0 Char minus the C1 controls, which we never leave in either.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_fixture_files_match_generator():
    built = mf.build()
    on_disk = {p.name for p in FIXTURES.iterdir() if p.suffix != ".py" and p.is_file()}
    assert on_disk >= set(built)
    for name, data in built.items():
        assert fixture(name) == data, f"{name} is stale: run make_fixtures.py"


# --------------------------------------------------------------------------
# Encodings, table driven
# --------------------------------------------------------------------------

DETECTION = [
    # fixture, encoding, exact text, newline, reason contains
    ("bom_utf8.txt", "utf-8-sig", mf.STORY, "LF", "UTF-8 BOM"),
    ("bom_utf16le.txt", "utf-16-le", mf.STORY, "CRLF", "UTF-16 LE BOM"),
    ("bom_utf16be.txt", "utf-16-be", mf.STORY, "CRLF", "UTF-16 BE BOM"),
    ("bom_utf32le.txt", "utf-32-le", mf.STORY, "LF", "UTF-32 LE BOM"),
    ("bom_utf32be.txt", "utf-32-be", mf.STORY, "LF", "UTF-32 BE BOM"),
    ("utf16le_nobom.txt", "utf-16-le", mf.STORY, "CRLF", "without BOM"),
    ("utf16be_nobom.txt", "utf-16-be", mf.STORY, "CRLF", "without BOM"),
    ("utf8_accents_emoji.txt", "utf-8", mf.ACCENTS_EMOJI, "LF", "valid UTF-8 throughout"),
    ("cp1252_quotes.txt", "cp1252", mf.ENGLISH_CP1252.replace("\r\n", "\n"), "CRLF",
     "all non-ASCII bytes are cp1252 letters/punctuation"),
    ("macroman_quotes.txt", "mac-roman", mf.ENGLISH_MACROMAN.replace("\r", "\n"), "CR", "Mac Roman"),
    ("cp437_bbs.txt", "cp437", mf.BBS_TEXT.replace("\r\n", "\n"), "CRLF", "box-drawing"),
    ("cp1251_russian.txt", "cp1251", mf.RUSSIAN, "LF", "Windows-1251"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "encoding", "text", "newline", "why"), DETECTION)
def test_detects_encoding_and_decodes_exactly(name, encoding, text, newline, why):
    d = decode(fixture(name))
    assert d.encoding == encoding
    assert d.text == text
    assert d.newline == newline
    assert why in d.reason
    assert d.warnings == ()
    assert d.replacement_count == 0
    assert "\ufffd" not in d.text
    assert 0.0 < d.confidence <= 1.0


@pytest.mark.parametrize("name", [n for n, *_ in DETECTION if n.startswith("bom_")])
def test_bom_is_stripped_and_reported(name):
    d = decode(fixture(name))
    assert "\ufeff" not in d.text
    assert d.repairs[0] == "removed BOM"
    assert d.confidence == 1.0


def test_cp1252_is_chosen_over_latin1_and_decodes_typography():
    d = decode(fixture("cp1252_quotes.txt"))
    assert d.encoding == "cp1252"  # not iso8859-1: 0x93/0x94/0x97 are quotes/dash
    for ch in "“”’‘—–…é":
        assert ch in d.text
    assert not any("\x80" <= c <= "\x9f" for c in d.text)
    assert d.reason.startswith("chardet: ")


def test_mac_roman_curly_quotes_beat_cp1252_capitals():
    d = decode(fixture("macroman_quotes.txt"))
    assert "It’s" in d.text and "“Where" in d.text
    assert "Õ" not in d.text and "Ò" not in d.text


def test_cp437_box_drawing_and_dos_eof():
    d = decode(fixture("cp437_bbs.txt"))
    assert d.text.startswith("╔═══")
    assert "░░░▒▒▒▓▓▓███" in d.text
    assert "café" in d.text  # 0x82 is é in cp437
    assert "removed DOS end-of-file byte" in d.repairs
    assert "\x1a" not in d.text


def test_short_cp1252_text_still_cp1252():
    d = decode("It’s “fine” — really.\n".encode("cp1252"))
    assert (d.encoding, d.text) == ("cp1252", "It’s “fine” — really.\n")


@pytest.mark.parametrize("text", ["I’m don’t\n", "it’s\n"])
def test_cp1252_prior_wins_a_tie_with_mac_roman(text):
    # Mac Roman reads 0x92 as "í" ("Iím donít"), as plausible to the scorer as
    # an apostrophe, and chardet even ranks MacRoman first: the prior decides.
    d = decode(text.encode("cp1252"))
    assert (d.encoding, d.text) == ("cp1252", text)


@pytest.mark.parametrize("ascii_bytes", [210_000, 600_000])
def test_legacy_text_far_into_the_file_is_detected(ascii_bytes):
    # chardet alone reads only the first 200 KB (and scores 256 KB at most):
    # it would see pure ASCII here.
    head = "Plain ASCII story text goes here.\n" * (ascii_bytes // 34)
    data = head.encode() + mf.RUSSIAN.encode("cp1251")
    d = decode(data)
    assert d.encoding == "cp1251"
    assert d.text == head + mf.RUSSIAN


def test_shift_jis_far_into_the_file_is_detected():
    head = "Plain ASCII story text goes here.\n" * (600_000 // 34)
    jp = "これは日本語のテキストです。文字コードを確認します。\n" * 20
    d = decode(head.encode() + jp.encode("shift_jis"))
    assert d.encoding in ("cp932", "shift_jis", "shift_jis_2004")
    assert d.text == head + jp


def test_short_cyrillic_texts():
    assert decode("Привет, мир.\n".encode("cp1251")).text == "Привет, мир.\n"
    assert decode("Привет, мир.\n".encode("koi8-r")).text == "Привет, мир.\n"


@pytest.mark.parametrize(
    ("text", "codec"), [("Cześć, świecie.\n", "cp1250"), ("Labas, pasauli. Ačiū.\n", "cp1257")]
)
def test_too_short_to_tell_gives_a_warning(text, codec):
    # "Czeœæ" is as plausible as "Cześć" to a letter-level scorer; the prior
    # picks cp1252 but the reader is told it is a guess.
    d = decode(text.encode(codec))
    assert d.warnings == (
        f"the encoding is a guess (cp1252 or {codec}); if accented letters or "
        "quotes look wrong, give the encoding explicitly",
    )
    assert d.confidence <= 0.6


def test_koi8r_russian():
    text = mf.RUSSIAN.replace("«", '"').replace("»", '"').replace("—", "-")  # not in KOI8-R
    d = decode(text.encode("koi8-r"))
    assert d.encoding == "koi8-r"
    assert d.text == text


def test_shift_jis_japanese():
    text = "これは日本語のテキストです。文字コードを確認します。\n" * 3
    d = decode(text.encode("shift_jis"))
    assert d.encoding in ("cp932", "shift_jis", "shift_jis_2004")
    assert d.text == text


def test_empty_input():
    d = decode(b"")
    assert d == Decoded("", "utf-8", 1.0, "empty file", "none", (), (), 0)


def test_pure_ascii():
    d = decode(b"Just ASCII.\n")
    assert (d.encoding, d.text, d.repairs, d.warnings) == ("utf-8", "Just ASCII.\n", (), ())


# --------------------------------------------------------------------------
# Mixed UTF-8 + stray cp1252
# --------------------------------------------------------------------------


def test_bom_file_with_stray_cp1252_line():
    data = b"\xef\xbb\xbf" + "naïve\n".encode() + "It’s\n".encode("cp1252")
    d = decode(data)
    assert d.encoding == "utf-8-sig+cp1252"
    assert d.text == "naïve\nIt’s\n"
    assert d.repairs[0] == "removed BOM"
    assert d.confidence == 0.9


def test_mixed_utf8_with_two_cp1252_lines():
    d = decode(fixture("mixed_utf8_cp1252.txt"))
    lines = d.text.split("\n")
    assert d.encoding == "utf-8+cp1252"
    assert lines[4] == mf.MIXED_CP1252_LINES[5]
    assert lines[11] == mf.MIXED_CP1252_LINES[12]
    assert lines[0] == mf.MIXED_UTF8_LINES[0]
    assert "decoded 2 lines as cp1252 in a UTF-8 file (lines 5, 12)" in d.repairs
    assert d.replacement_count == 0


def test_stray_byte_inside_a_utf8_line_keeps_the_utf8_part():
    data = ("naïve “ok”\n" * 30).encode() + "café ".encode() + b"\x92s end\n"
    d = decode(data)
    assert d.encoding == "utf-8+cp1252"
    assert d.text.endswith("café ’s end\n")
    assert "(line 31)" in d.repairs[0]


def test_mostly_utf8_small_file_with_one_bad_line_is_mixed():
    data = "café naïve “ok”\n".encode() * 3 + "It’s\n".encode("cp1252")
    d = decode(data)
    assert d.encoding == "utf-8+cp1252"
    assert d.text == "café naïve “ok”\n" * 3 + "It’s\n"


def test_stray_mac_roman_lines_in_utf8_file():
    mac = "“Hello,” she said. It’s a café.\n"
    data = "naïve “ok” — fine\n".encode() * 10 + mac.encode("mac_roman") * 4
    d = decode(data)
    assert d.encoding == "utf-8+mac-roman"
    assert d.text == "naïve “ok” — fine\n" * 10 + mac * 4
    assert "decoded 4 lines as mac-roman in a UTF-8 file (lines 11, 12, 13, 14)" in d.repairs


def test_utf8_cut_short_at_the_end():
    data = "café “ok”\n".encode() * 2 + "é".encode()[:1]
    d = decode(data)
    assert d.encoding == "utf-8"
    assert d.text == "café “ok”\n" * 2 + "\ufffd"
    assert d.replacement_count == 1
    assert d.warnings == (
        "1 character could not be decoded and was replaced with U+FFFD on line 3",
        "the file ends in the middle of a character; it may have been cut short",
    )


def test_mostly_cp1252_file_is_not_called_mixed():
    data = "héllo\n".encode() + ("naïve “ok” — fine\n" * 5).encode("cp1252")
    d = decode(data)
    assert d.encoding == "cp1252"
    # the single UTF-8 line was mojibake under cp1252 and is repaired
    assert d.text.startswith("héllo\n")
    assert any(r.startswith("repaired mojibake on 1 line") for r in d.repairs)


# --------------------------------------------------------------------------
# Mojibake
# --------------------------------------------------------------------------


def test_mojibake_repaired_and_reported():
    d = decode(fixture("mojibake.txt"))
    assert d.text == mf.MOJIBAKE_FIXED
    assert d.repairs == ("repaired mojibake on 3 lines (e.g. line 2: didnâ€™t → didn’t)",)


def test_mojibake_left_alone_without_fix_text():
    d = decode(fixture("mojibake.txt"), fix_text=False)
    assert d.text == mf.MOJIBAKE_SOURCE
    assert d.repairs == ()


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("donâ€™t", "don’t"),
        ("â€¦", "…"),
        ("cafÃ©", "café"),
        ("â€œHiâ€\x9d", "“Hi”"),
        ("Ã¢â‚¬â„¢", "’"),  # mojibake twice over
    ],
)
def test_mojibake_cases(broken, fixed):
    assert decode((broken + "\n").encode()).text == fixed + "\n"


def test_mojibake_repair_never_swallows_a_replacement_character():
    # Found by hypothesis: ftfy's sloppy cp1252 encodes U+FFFD as 0x1A, so
    # "repairing" this cp1252 line turned our U+FFFD into a control character.
    data = "\x8d\U00031bae".encode("utf-16-be", "surrogatepass")
    d = decode(data)
    assert d.replacement_count == 1
    assert d.text.count("\ufffd") == 1
    assert not any(r.startswith("repaired mojibake") for r in d.repairs)


def test_correct_text_is_untouched():
    para = (
        "Zoë’s café — “curly quotes”, ‘single’, señor, Müller, naïve; "
        "Ελληνικά, Русский текст, 日本語のテキスト, 한국어, emoji 😀👍🏽 and "
        "SÃO PAULO, Â la carte? No: à la carte. Ça va. « Bonjour » — l’été.\n"
    )
    d = decode(para.encode())
    assert d.text == para
    assert d.repairs == ()
    assert d.warnings == ()


def test_ftfy_and_chardet_not_imported_for_clean_utf8():
    code = (
        "import sys; from fic2book.encoding import decode; "
        "d = decode('café — “ok” 😀\\n'.encode()); "
        "print('ftfy' in sys.modules, 'chardet' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True, text=True, check=True,
        env={"PYTHONPATH": str(Path(__file__).parents[1] / "src")},
    ).stdout.split()  # fmt: skip
    assert out == ["False", "False"]


# --------------------------------------------------------------------------
# Newlines and clean-up
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "style"),
    [("newlines_crlf.txt", "CRLF"), ("newlines_cr.txt", "CR"), ("newlines_mixed.txt", "mixed (CRLF+LF)")],
)
def test_newlines(name, style):
    d = decode(fixture(name))
    assert d.text == "one\ntwo\nthree\n"
    assert d.newline == style


def test_newline_none_and_mixed_with_cr():
    assert decode(b"no newline").newline == "none"
    assert decode(b"a\nb\rc\r\n").newline == "mixed (CRLF+LF+CR)"


def test_dos_eof_removed():
    d = decode(fixture("dos_eof.txt"))
    assert d.text == "The end.\n"
    assert d.repairs == ("removed DOS end-of-file byte",)


def test_xmodem_eof_padding_removed():
    d = decode(b"The end.\n" + b"\x1a" * 37)
    assert d.text == "The end.\n"
    assert d.repairs == ("removed 37 DOS end-of-file bytes (^Z)",)


def test_zero_width_and_controls_removed_and_counted():
    d = decode(fixture("controls.txt"))
    assert d.text == mf.CONTROLS_CLEAN
    assert "removed 3 zero-width characters" in d.repairs
    assert "removed 3 control characters (U+0007, U+0001, U+007F)" in d.repairs
    assert "\u200d" in d.text and "\u200c" in d.text  # ZWJ / ZWNJ kept


def test_only_cr_and_lf_break_lines_so_line_numbers_match_a_plain_split():
    d = decode("a\u2028b\u2029c\fd\x0be\n".encode())
    assert d.text == "a\u2028b\u2029c d e\n"
    assert "replaced 1 form feed (page break) with a space" in d.repairs
    assert "replaced 1 vertical tab (manual line break) with a space" in d.repairs


def test_c1_controls_get_cp1252_meaning_or_are_removed():
    data = "It\u0092s \u0093ok\u0094\u0081\n".encode()
    d = decode(data)
    assert d.text == "It’s “ok”\n"
    assert d.repairs == (
        "replaced 3 C1 control characters with the Windows-1252 character meant (e.g. U+0092 → ’)",
        "removed 1 control character (U+0081)",
    )
    d = decode(data, fix_text=False)
    assert d.text == "Its ok\n"
    assert "removed 4 control characters (U+0092, U+0093, U+0094, U+0081)" in d.repairs


def test_ansi_escapes_removed():
    d = decode(b"\x1b[1;31mRED\x1b[0m text\n")
    assert d.text == "RED text\n"
    assert d.repairs == ("removed 2 ANSI terminal escape sequences",)


def test_stray_feff_inside_text():
    d = decode("\ufeffChapter 1\n\ufeffChapter 2\n".encode())
    assert d.text == "Chapter 1\nChapter 2\n"
    assert d.repairs == ("removed BOM", "removed 1 zero-width character")


def test_nfc():
    d = decode(fixture("nfd.txt"))
    assert d.text == mf.NFD_CLEAN
    assert d.repairs == ("normalized 1 line to Unicode NFC (composed accents)",)
    assert decode("e\u0301".encode()).text == "é"


def test_lone_surrogate_from_explicit_codec_is_removed():
    d = decode(b"a\\ud800b", encoding="unicode_escape")
    assert d.text == "ab"
    assert "removed 1 lone surrogate" in d.repairs


# --------------------------------------------------------------------------
# --encoding, U+FFFD accounting
# --------------------------------------------------------------------------


def test_encoding_override():
    d = decode(fixture("cp1252_quotes.txt"), encoding="latin-1")
    assert d.encoding == "iso8859-1"
    assert d.reason == "--encoding given"
    assert d.confidence == 1.0
    # latin-1 turns 0x93 into U+0093; fix_text gives it its cp1252 meaning
    assert "“I don’t know,”" in d.text
    d = decode("It’s\n".encode("cp1252"), encoding="latin-1", fix_text=False)
    assert d.text == "Its\n"


def test_encoding_override_wins_over_detection():
    d = decode(fixture("macroman_quotes.txt"), encoding="cp1252")
    assert d.encoding == "cp1252"
    assert "ÒWhere" in d.text


def test_undecodable_bytes_with_given_encoding_are_counted_and_located():
    data = b"ok\nbad \x92 here\nok\n\xff\xfe\nfine \xe9\n"
    d = decode(data, encoding="utf-8")
    assert d.replacement_count == 4
    assert d.text == "ok\nbad \ufffd here\nok\n\ufffd\ufffd\nfine \ufffd\n"
    assert d.warnings == (
        "4 characters could not be decoded and were replaced with U+FFFD on lines 2, 4, 5",
    )


def test_preexisting_replacement_characters_not_counted():
    d = decode("already \ufffd here\n".encode() + b"\xff", encoding="utf-8")
    assert d.replacement_count == 1
    assert d.text.count("\ufffd") == 2
    assert d.warnings[0].endswith("on line 2")


def test_warning_lists_ten_lines_then_and_more():
    data = b"".join(b"line \xff\n" for _ in range(13))
    d = decode(data, encoding="ascii")
    assert d.warnings[0] == (
        "13 characters could not be decoded and were replaced with U+FFFD "
        "on lines 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 3 more"
    )


def test_undefined_cp1252_bytes_become_counted_replacements():
    d = decode("It’s “fine” — ok.\n".encode("cp1252") + b"x\x81y\n", encoding="cp1252")
    assert d.replacement_count == 1
    assert "on line 2" in d.warnings[0]


def test_odd_length_utf16_tail_is_counted():
    d = decode(b"\xff\xfe" + "Hello\n".encode("utf-16-le") + b"!")
    assert d.text == "Hello\n\ufffd"
    assert d.replacement_count == 1


@pytest.mark.parametrize("name", ["xyz", "no-such-codec", "base64", "rot13"])
def test_unknown_encoding_is_a_ficerror(name):
    with pytest.raises(FicError) as err:
        decode(b"text", encoding=name)
    assert str(err.value).startswith(f"unknown encoding '{name}'")


def test_unknown_encoding_even_for_empty_input():
    with pytest.raises(FicError):
        decode(b"", encoding="xyz")


# --------------------------------------------------------------------------
# Binary files and NUL bytes
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("png_header.bin", "a PNG image"),
        ("zip_archive.bin", "a ZIP archive (or EPUB/DOCX)"),
        ("epub_header.bin", "an EPUB e-book"),
        ("pdf_header.bin", "a PDF document"),
        ("gzip_archive.bin", "a GZIP archive"),
        ("nul_binary.bin", "binary data (NUL bytes)"),
    ],
)
def test_binary_files_are_refused(name, what):
    data = fixture(name)
    assert looks_binary(data) == what
    with pytest.raises(FicError) as err:
        decode(data)
    assert str(err.value) == f"this looks like {what}, not a text file"


def test_binary_refused_even_with_encoding_given():
    with pytest.raises(FicError, match="PNG image"):
        decode(fixture("png_header.bin"), encoding="latin-1")


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"GIF89a\x01\x00", "a GIF image"),
        (b"\x7fELF\x02\x01\x01", "a Linux program (ELF)"),
        (b"{\\rtf1\\ansi hello}", "an RTF document (save it as plain text first)"),
        (b"\x00" * 100, "binary data (NUL bytes only)"),
        (bytes(range(1, 32)) * 4, "binary data (control bytes)"),
    ],
)
def test_looks_binary_descriptions(data, what):
    assert looks_binary(data) == what


@pytest.mark.parametrize(
    "name",
    ["bom_utf16le.txt", "utf16le_nobom.txt", "utf16be_nobom.txt", "bom_utf32be.txt",
     "cp1252_quotes.txt", "nul_padding.txt", "nul_stray.txt"],
)  # fmt: skip
def test_text_is_not_binary(name):
    assert looks_binary(fixture(name)) is None


def test_nul_padding_is_removed_with_warning():
    d = decode(fixture("nul_padding.txt"))
    assert d.text == "A short story that was saved badly.\n"
    assert "removed 600 NUL bytes" in d.repairs
    assert any("NUL" in w for w in d.warnings)


def test_stray_nuls_removed_with_warning():
    d = decode(fixture("nul_stray.txt"))
    assert "\x00" not in d.text
    assert d.text.count("\n") == 10
    assert "Paragraph 3 of a story that is otherwise fine text.\n" in d.text
    assert "removed 2 NUL bytes" in d.repairs
    assert d.warnings == ("the file contains 2 NUL bytes; it may be damaged",)


def test_ascii_with_one_nul_is_not_utf16():
    d = decode(b"Hello\x00 world")
    assert d.text == "Hello world"


def test_utf32_without_bom():
    text = "Plain story text, no BOM.\n"
    for codec in ("utf-32-le", "utf-32-be"):
        d = decode(text.encode(codec))
        assert (d.encoding, d.text) == (codec, text)


def test_utf16_cyrillic_without_bom():
    d = decode(mf.RUSSIAN.encode("utf-16-le"))
    assert (d.encoding, d.text) == ("utf-16-le", mf.RUSSIAN)


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------


def _check_clean(d: Decoded) -> None:
    assert not XML_ILLEGAL.search(d.text)
    assert unicodedata.is_normalized("NFC", d.text)
    assert "\r" not in d.text
    assert d.text.count("\ufffd") >= d.replacement_count
    if d.replacement_count:
        assert "U+FFFD" in d.warnings[0]
    assert 0.0 <= d.confidence <= 1.0


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_any_bytes_give_ficerror_or_clean_text(data):
    try:
        d = decode(data)
    except FicError:
        return
    _check_clean(d)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from([b"\x00", b"\r", b"\n", b"\x1a", b"\xef\xbb\xbf", b"\xff\xfe", b"\xe2\x80",
                         b"\x93", b"\x92", b"\xc3", b"\xa9", b"abc ", b"\xe2\x80\x99", b"\xd5"]),
        max_size=60,
    ).map(b"".join)
)  # fmt: skip
def test_nasty_byte_soup_gives_ficerror_or_clean_text(data):
    for kwargs in ({}, {"fix_text": False}, {"encoding": "utf-16"}, {"encoding": "cp1252"}):
        try:
            d = decode(data, **kwargs)
        except FicError:
            continue
        _check_clean(d)


printable_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")) | st.sampled_from("\n\t"),
    max_size=200,
)


@settings(max_examples=400, deadline=None)
@given(printable_text)
def test_utf8_round_trip_is_nfc(text):
    data = text.encode("utf-8")
    assume(looks_binary(data) is None)  # e.g. a text starting "%PDF-" or "GIF89a"
    d = decode(data, fix_text=False)
    assert d.text == unicodedata.normalize("NFC", text)
    assert d.replacement_count == 0
    assert d.encoding == "utf-8"


@settings(max_examples=400, deadline=None)
@given(printable_text)
def test_utf8_with_fix_text_changes_only_what_it_reports(text):
    data = text.encode("utf-8")
    assume(looks_binary(data) is None)
    d = decode(data)
    if d.text != unicodedata.normalize("NFC", text):
        assert any(r.startswith("repaired mojibake") for r in d.repairs)
    else:
        assert not any(r.startswith("repaired mojibake") for r in d.repairs)
