"""Stories written in every encoding readers' files come in, made at test time, read back exactly.

Each case first proves the fixture is what it claims (a cp1252 file is not valid UTF-8, a
UTF-16 file has its BOM or none), then that decoding gives back exactly the text written.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fic2book.encoding import decode

ENGLISH = (
    "“Don’t,” she said — and then, after a pause… “Please don’t go.”\n\n"
    "He didn’t answer. The café was closing; the naïve waiter’s résumé lay on the bar.\n"
)
FRENCH = "Élodie était déjà là, près de la fenêtre. « Où est François ? » demanda-t-elle.\n\nÇa m’étonne.\n"


def _not_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


CASES = [
    # name, text, how to make the bytes, proof the bytes are what they claim, expected codec
    ("windows-1252 curly quotes", ENGLISH, lambda t: t.encode("cp1252"), _not_utf8, "cp1252"),
    ("iso-8859-1 accents", FRENCH.replace("’", "'").replace("« ", '"').replace(" »", '"'),
     lambda t: t.encode("latin-1"), _not_utf8, ("cp1252", "latin-1", "iso8859-1")),
    ("mac roman with CR", ENGLISH, lambda t: t.replace("\n", "\r").encode("mac-roman"), _not_utf8, "mac-roman"),
    ("utf-16 le with BOM", FRENCH, lambda t: b"\xff\xfe" + t.encode("utf-16-le"), lambda b: b[:2] == b"\xff\xfe", "utf-16-le"),
    ("utf-16 be with BOM", FRENCH, lambda t: b"\xfe\xff" + t.encode("utf-16-be"), lambda b: b[:2] == b"\xfe\xff", "utf-16-be"),
    ("utf-16 le without BOM", ENGLISH, lambda t: t.encode("utf-16-le"), lambda b: b[:2] not in (b"\xff\xfe", b"\xfe\xff") and b.count(0) > len(b) // 3, "utf-16-le"),
    ("utf-8 with BOM", FRENCH, lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), lambda b: b[:3] == b"\xef\xbb\xbf", "utf-8-sig"),
    ("utf-8 with CRLF", ENGLISH, lambda t: t.replace("\n", "\r\n").encode("utf-8"), lambda b: b"\r\n" in b, "utf-8"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "text", "make", "proof", "codec"), CASES, ids=[c[0] for c in CASES])
def test_made_fixture_decodes_to_exactly_the_original(name, text, make, proof, codec):
    data = make(text)
    assert proof(data), f"the {name} fixture is not what it claims"
    decoded = decode(data)
    assert decoded.text == text
    assert decoded.encoding in ((codec,) if isinstance(codec, str) else codec)
    assert decoded.replacement_count == 0


def test_mixed_utf8_with_a_windows_1252_line():
    good = "Café au lait, s’il vous plaît.\n".encode()
    stray = "He said “no” — twice.\n".encode("cp1252")
    decoded = decode(good + stray + good)
    assert decoded.text == "Café au lait, s’il vous plaît.\nHe said “no” — twice.\nCafé au lait, s’il vous plaît.\n"
    assert any("cp1252" in r for r in decoded.repairs)


text_strategy = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn", "Zl", "Zp"), blacklist_characters="\ufeff\u200b\u2060\ufffd"),
    min_size=1,
    max_size=200,
)
WORDS = ["the", "rain", "café", "naïve", "don’t", "“Hello,”", "she", "said", "—", "résumé", "Zoë", "wait…",
         "Crème", "brûlée", "façade", "it’s", "‘fine’", "déjà", "vu", "Ångström", "señor", "über", "cost", "€5"]
CP1252_TEXT = st.lists(st.sampled_from(WORDS), min_size=8, max_size=60).map(" ".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_strategy)
def test_any_text_round_trips_through_utf16_with_bom(text):
    import unicodedata

    expected = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    assert decode(text.encode("utf-16"), fix_text=False).text == expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CP1252_TEXT)
def test_windows_1252_text_round_trips(text):
    data = text.encode("cp1252")
    decoded = decode(data)
    assert decoded.text == text, (decoded.encoding, decoded.reason)
