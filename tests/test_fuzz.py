"""Fuzzing the whole build: random bytes and randomly assembled stories.

For any input, ``build`` either writes a well-formed EPUB that holds every word
of the decoded text, or raises :class:`FicError` — never any other exception.

CI runs a fast subset. A long session (the figures in the closing note) is
``scripts/fuzz``, which sets ``FIC2BOOK_FUZZ_EXAMPLES`` and reports hypothesis's
statistics.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from tempfile import TemporaryDirectory

from helpers import Epub, missing_words, structural_problems
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from fic2book.encoding import decode
from fic2book.errors import FicError
from fic2book.pipeline import Options, build

EXAMPLES = int(os.environ.get("FIC2BOOK_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)


def build_or_ficerror(data: bytes, options: Options = Options()) -> None:
    """The property itself: a FicError, or a well-formed book holding every word."""
    with TemporaryDirectory() as folder:
        source = Path(folder) / "story.txt"
        source.write_bytes(data)
        try:
            (book,) = build(source, Path(folder) / "out", options)
        except FicError as error:
            event(f"refused: {str(error).split(': ', 1)[-1][:40]}")
            assert str(error).strip() and "\n" not in str(error).strip()
            assert not (Path(folder) / "out").exists() or not any((Path(folder) / "out").iterdir())
            return
        event("a book")
        epub = Epub.open(book)
        assert structural_problems(epub) == []
        decoded = decode(data, encoding=options.encoding, fix_text=options.fix_text)
        missing = missing_words(decoded.text, epub.text())
        assert not missing, f"words dropped: {dict(missing.most_common(10))}"
        assert source.read_bytes() == data


# ---------------------------------------------------------------- random bytes

BYTE_PIECES = [
    b"\x00", b"\r", b"\n", b"\r\n", b"\x1a", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xe2\x80", b"\x93",
    b"\x92", b"\xc3", b"\xa9", b"\xe2\x80\x99", b"\xd5", b"\x81", b"<", b"&", b"]]>", b"\x1b[1m", b"\x0c",
    b"Chapter 1\n", b"***\n", b"A/N: ", b"Title: ", b"tbc\n", b"\n\n", b"PK\x03\x04", b"%PDF-", b"\xed\xa0\x80",
    b"She ran. ", b"\xd0\x9f\xd1\x80", b"\x83\x41", b"\t", b"   ",
]  # fmt: skip


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data):
    build_or_ficerror(data)


@FUZZ
@given(st.lists(st.sampled_from(BYTE_PIECES) | st.binary(max_size=8), max_size=80).map(b"".join))
def test_byte_soup_of_text_shapes(data):
    build_or_ficerror(data)


# ---------------------------------------------------------------- random stories

WORDS = st.sampled_from(
    "the rain fell on Harry and Draco she said it was over again café naïve Zoë "
    "смерть любовь 雨 愛してる ♥ 😂 don't won't O'Brien 1999 3:00 e-mail x@y.z snake_case "
    "<b> & ]]> *bold* _under_ -- ... ~ # % chapter Chapter part".split()
)
SENTENCE = st.lists(WORDS, min_size=1, max_size=25).map(lambda ws: " ".join(ws).capitalize() + ".")
PARAGRAPH = st.lists(SENTENCE, min_size=1, max_size=5).map(" ".join)
HEADER = st.tuples(
    st.sampled_from(["Title", "Author", "Rating", "Fandom", "Pairing", "Summary", "Disclaimer", "Warnings",
                     "Feedback", "Archive", "Spoilers", "Word count", "Status", "Series", "Beta", "E-MAIL"]),
    st.lists(WORDS, min_size=0, max_size=8).map(" ".join),
).map(lambda kv: f"{kv[0]}: {kv[1]}")  # fmt: skip
NOTE = st.sampled_from(["A/N: ", "AN: ", "Author's Note: ", "(A/N: ", "Notes: ", ""]).flatmap(
    lambda label: PARAGRAPH.map(lambda p: f"{label}{p}" + (")" if label.startswith("(") else ""))
) | st.sampled_from(["Please review!", "Let me know what you think!", "Thanks to my beta, Sam!", "R&R!!!"])
LYRICS = st.tuples(
    st.lists(st.lists(WORDS, min_size=2, max_size=7).map(" ".join), min_size=1, max_size=6),
    st.sampled_from(["— Shakespeare", "~Song, Artist~", "'Rain' by The Band", "Jon McLaughlin", "--Chaucer.", ""]),
).map(lambda la: "\n".join([*la[0], *([la[1]] if la[1] else [])]))
BREAK = st.sampled_from(["***", "* * *", "~~~", "---", "___", "===", "###", "#", "xXx", "oOo", "-o0o-", "~*~*~", "[line break]", "- - - - -"])
HEADING = st.sampled_from(["Chapter 1", "Chapter Two: The Rain", "CHAPTER XII", "Part II", "Prologue", "Epilogue", "1.", "IV.", "# One"])
END = st.sampled_from(["tbc", "TBC", "To be continued…", "The End", "Fin", "End of chapter", "~fin~"])

STORY = st.tuples(
    st.lists(HEADER, max_size=8),
    st.lists(NOTE, max_size=3),
    st.one_of(st.none(), LYRICS),
    st.lists(st.one_of(PARAGRAPH, PARAGRAPH, PARAGRAPH, BREAK, HEADING, NOTE), min_size=1, max_size=30),
    st.one_of(st.none(), END),
    st.lists(NOTE, max_size=2),
)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1", "mac_roman", "koi8-r", "shift_jis", "cp437"]


def assemble(parts, shape: str, newline: str) -> str:
    headers, notes, lyrics, body, end, closing = parts
    blocks = [*(["\n".join(headers)] if headers else []), *notes, *([lyrics] if lyrics else []), *body]
    blocks += [*([end] if end else []), *closing]
    if shape == "no-blank-lines":
        text = "\n".join(blocks)
    elif shape == "indented":
        text = "\n".join("    " + b for b in blocks)
    elif shape == "hard-wrapped":
        import textwrap

        text = "\n\n".join("\n".join(textwrap.wrap(b, 70)) or b for b in blocks)
    else:
        text = "\n\n".join(blocks)
    return text.replace("\n", newline) + newline


@FUZZ
@given(
    STORY,
    st.sampled_from(["blank-lines", "no-blank-lines", "indented", "hard-wrapped"]),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from(ENCODINGS),
    st.booleans(),
)
def test_random_stories(parts, shape, newline, encoding, smart):
    text = assemble(parts, shape, newline)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = unicodedata.normalize("NFC", text).encode("utf-8")
    build_or_ficerror(data, Options(smart=smart))
