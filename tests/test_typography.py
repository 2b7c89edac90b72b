"""Tests for fic2book.typography: smart quotes, dashes, ellipses, primes.

The table cases pin the exact output for each rule, including the traps
other converters get wrong ('cause, 'em, 'tis, rock 'n' roll, and ``---``
as an em dash rather than an en dash). The hypothesis properties check the
invariants over arbitrary text: idempotence, letters and digits untouched,
no exceptions, and segment-wise smartening agreeing with the whole.
"""

from __future__ import annotations


import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fic2book.typography import ELISIONS, smarten, smarten_segments

CASES: list[tuple[str, str]] = [
    # --- double quotes ------------------------------------------------------
    ('"Hello," he said.', "“Hello,” he said."),
    ('He said, "Hello."', "He said, “Hello.”"),
    ('"Hi," she said, "how are you?"', "“Hi,” she said, “how are you?”"),
    ('"NO!" he yelled.', "“NO!” he yelled."),
    ('"Wait--" she began.', "“Wait—” she began."),
    ('"I was going to--" she said.', "“I was going to—” she said."),
    ('"Stop!"--she cried.', "“Stop!”—she cried."),
    ('"..."', "“…”"),
    ('""', "“”"),
    ('He said"hello"to me.', "He said“hello”to me."),
    # a lone quote between spaces closes the open quotation
    ('"Hello, " she said.', "“Hello, ” she said."),
    ("'Hello, ' she said.", "‘Hello, ’ she said."),
    ('"Café au lait?"', "“Café au lait?”"),
    # --- a quote at the start of a paragraph opens, even if never closed ----
    ('"And that was the first night.', "“And that was the first night."),
    ('"...and then nothing.', "“…and then nothing."),
    # --- after dashes, brackets, slashes and opening punctuation: open ------
    ('("...")', "(“…”)"),
    ('--"Wait"', "—“Wait”"),
    ('he said--"Wait!"', "he said—“Wait!”"),
    ("['x']", "[‘x’]"),
    ('either/"or"', "either/“or”"),
    ("('Tis true.)", "(’Tis true.)"),
    # --- nested quotes ------------------------------------------------------
    ("\"She said 'no' to me.\"", "“She said ‘no’ to me.”"),
    ("\"'Hi,' she said.\"", "“‘Hi,’ she said.”"),
    ("\"He told me, 'Go away.'\"", "“He told me, ‘Go away.’”"),
    ("'He said \"yes\",' she said.", "‘He said “yes”,’ she said."),
    # the second quote sees the first as the “ it becomes, so it opens too
    ("\"'...and then,' she said.\"", "“‘…and then,’ she said.”"),
    # --- single quotes and apostrophes --------------------------------------
    ("'Hello,' she said. 'Yes.'", "‘Hello,’ she said. ‘Yes.’"),
    ("'DON'T'", "‘DON’T’"),
    ("don't, I'm, y'all, o'clock", "don’t, I’m, y’all, o’clock"),
    ("Liv's book", "Liv’s book"),
    ("the Smiths' house", "the Smiths’ house"),
    ("the boys' 'game'", "the boys’ ‘game’"),
    ("goin' home", "goin’ home"),
    ('"Nothin\'," he said.', "“Nothin’,” he said."),
    ("O'Brien and ma'am", "O’Brien and ma’am"),
    ("the 1990's", "the 1990’s"),
    ("rock'n'roll", "rock’n’roll"),
    # --- word-initial elisions: ’ never ‘ -----------------------------------
    ("'cause I said so", "’cause I said so"),
    ("'Cause I said so", "’Cause I said so"),
    ('"\'Cause I said so," he said.', "“’Cause I said so,” he said."),
    ("Give 'em hell.", "Give ’em hell."),
    ("'Tis the season.", "’Tis the season."),
    ("'twas brillig", "’twas brillig"),
    ("wait 'til dawn", "wait ’til dawn"),
    ("talk 'bout it", "talk ’bout it"),
    ("'kay, fine", "’kay, fine"),
    ("rock 'n' roll", "rock ’n’ roll"),
    ("Rock 'N' Roll", "Rock ’N’ Roll"),
    ("come 'round", "come ’round"),
    ("'nuff said", "’nuff said"),
    ("tell 'im and 'er", "tell ’im and ’er"),
    ("'ello 'ello, what's all this 'ere?", "’ello ’ello, what’s all this ’ere?"),
    ("'s'pose so", "’s’pose so"),
    ("the '90s and the '20s", "the ’90s and the ’20s"),
    ("summer of '69.", "summer of ’69."),
    ("'Em?", "’Em?"),
    # words that only start like an elision still open a quote
    ("'Emma,' he said.", "‘Emma,’ he said."),
    ("'Nothing,' she said.", "‘Nothing,’ she said."),
    ("'Error!'", "‘Error!’"),
    # --- primes for measurements --------------------------------------------
    ("He is 6'2\".", "He is 6′2″."),
    ("She's 5'11\" tall.", "She’s 5′11″ tall."),
    ("a 12\" ruler", "a 12″ ruler"),
    ("6' 2\" in socks", "6′ 2″ in socks"),
    ('"He is 6\'2" tall," she said.', "“He is 6′2″ tall,” she said."),
    ('"Back at 5"', "“Back at 5”"),
    ('"Room 101," he said.', "“Room 101,” he said."),
    # --- already curly: left alone and used as context ----------------------
    ("“Hello,” he said.", "“Hello,” he said."),
    ("‘Tis ’90s rock ’n’ roll", "‘Tis ’90s rock ’n’ roll"),
    ('“Curly” and "straight"', "“Curly” and “straight”"),
    ("“Hello,\" he said.", "“Hello,” he said."),
    # --- dashes -------------------------------------------------------------
    ("word--word", "word—word"),
    ("word -- word", "word — word"),
    ("word---word", "word—word"),
    ("word --- word", "word — word"),
    ("-- Author Name", "— Author Name"),
    ("--Author Name", "—Author Name"),
    ("yes - no", "yes – no"),
    ("10 - 12 people", "10 – 12 people"),
    ("a well-known x-ray", "a well-known x-ray"),
    ("b-but I-I can't", "b-but I-I can’t"),
    ("- first item\n- second item", "- first item\n- second item"),
    ("- - - -", "- - - -"),
    ("word - ", "word - "),
    ("a-- - b", "a— - b"),
    ("a -b", "a -b"),
    ("It was -5 outside.", "It was -5 outside."),
    ("Mr. B----", "Mr. B----"),
    ("— already — and – too", "— already — and – too"),
    # --- ellipses -----------------------------------------------------------
    ("Wait... what?", "Wait… what?"),
    ("Wait. . . what?", "Wait… what?"),
    ("...and so", "…and so"),
    ("It ended.... Then", "It ended.… Then"),
    ("It ended. . . . Then", "It ended. … Then"),
    ("Um......", "Um......"),
    ("Hm.. okay", "Hm.. okay"),
    ("What?...", "What?…"),
    ("'...'", "‘…’"),
    ('"…"', "“…”"),
    ("Wait… what?", "Wait… what?"),
    (". . .--", ". . .--"),
    # --- left exactly as written --------------------------------------------
    ("see http://example.com/a--b...", "see http://example.com/a--b…"),
    ('"Go to https://x.org/it\'s--here"', "“Go to https://x.org/it's--here”"),
    ("visit www.some--site.com/...x today", "visit www.some--site.com/...x today"),
    ("mail john--doe@example.com, 'ok'", "mail john--doe@example.com, ‘ok’"),
    ("smile :) wink ;-) tongue :-P", "smile :) wink ;-) tongue :-P"),
    ("<3 ^_^ o_O >.<", "<3 ^_^ o_O >.<"),
    ("so sad :'( really", "so sad :'( really"),
    ('"I miss you :\'(" she wrote', "“I miss you :'(” she wrote"),
    ("happy tears :') and D':", "happy tears :') and D':"),
    ("'_' and -_- and ^^'", "'_' and -_- and ^^'"),
    ("--------", "--------"),
    ("-=-=-=-", "-=-=-=-"),
    ("~*~*~", "~*~*~"),
    ("...---...", "...---..."),
    ("<-- back -->", "<-- back -->"),
    ('(")_(")', '(")_(")'),
    # --- verse: every line starts like a paragraph --------------------------
    (
        '"Roses are red,\n"Violets are blue,"\nshe sang--badly.',
        "“Roses are red,\n“Violets are blue,”\nshe sang—badly.",
    ),
    ("'Twas night\n'Tis day", "’Twas night\n’Tis day"),
    # an unclosed quote on one line does not make the next line's 2" a quote
    ('"Roses are red,\nI\'m 6\'2" tall', "“Roses are red,\nI’m 6′2″ tall"),
    ('"Roses are red,\nI am 6\'2" tall"', "“Roses are red,\nI am 6′2″ tall”"),
    # --- nothing to do ------------------------------------------------------
    ("", ""),
    ("Plain words, no marks at all.", "Plain words, no marks at all."),
]


@pytest.mark.parametrize(("raw", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_smarten(raw: str, expected: str) -> None:
    assert smarten(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_smarten_is_stable_on_its_output(raw: str, expected: str) -> None:
    assert smarten(expected) == expected


def test_elision_table_is_all_apostrophes() -> None:
    for word in ELISIONS:
        assert smarten(f"say '{word} now") == f"say ’{word.replace(chr(39), '’')} now", word


SEGMENT_CASES: list[tuple[list[str], list[str]]] = [
    (['He said "', "hello", '" to me'], ["He said “", "hello", "” to me"]),
    (['"', "Really?", '" she asked.'], ["“", "Really?", "” she asked."]),
    (["Liv", "'s book"], ["Liv", "’s book"]),
    (["I said '", "no", "' to him"], ["I said ‘", "no", "’ to him"]),
    (["Give ", "'em", " hell"], ["Give ", "’em", " hell"]),
    (["wait", "--", "what"], ["wait", "—", "what"]),
    (["It was ", "so", "... strange"], ["It was ", "so", "… strange"]),
    (["word-", "-word"], ["word—", "word"]),
    (["a ", "", "'b'"], ["a ", "", "‘b’"]),
    (["one segment's enough"], ["one segment’s enough"]),
    ([], []),
]


@pytest.mark.parametrize(("segments", "expected"), SEGMENT_CASES)
def test_smarten_segments(segments: list[str], expected: list[str]) -> None:
    assert smarten_segments(segments) == expected


def test_smarten_segments_accepts_any_sequence() -> None:
    assert smarten_segments(('"a', 'b"')) == ["“a", "b”"]


# --- properties ---------------------------------------------------------------

# Text built from the pieces the rules care about (quotes, dash and dot runs,
# elisions, primes, emoticons, art, URLs) glued with nothing, a space or a
# line break, so hypothesis spends its time where the rules interact.
PIECES = [
    "a", "Ab", "NO", "9", "12", "'", '"', "''", "-", "--", "---", "----",
    ".", "...", "....", ". . .", " - ", "-- ", "'em", "'90s", "6'2\"", "(", ")", "[", "!",
    "?", ",", ":", "/", "_", "—", "–", "…", "“", "”", "‘", "’", ":'(", ":)",
    "D':", "~*~", "http://x.io/a--b", "a@b.co", "www.x.y",
]
PROSE = st.lists(
    st.tuples(st.sampled_from(PIECES), st.sampled_from(["", "", " ", " ", "\n"])),
    max_size=25,
).map(lambda parts: "".join(piece + sep for piece, sep in parts))
PUNCT_TEXT = st.text(alphabet=st.sampled_from(list("abXY09 '\"-.")), max_size=60)
RICH_TEXT = st.text(
    alphabet=st.sampled_from(list("aZé9 \n'\"-.,!?:;()[]/_~*=<>@“”‘’—–…")), max_size=60
)
ANY_TEXT = st.one_of(PROSE, PUNCT_TEXT, RICH_TEXT, st.text(max_size=80))
PROPS = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _alnum(s: str) -> list[str]:
    return [c for c in s if c.isalnum()]


@PROPS
@given(ANY_TEXT)
def test_idempotent(text: str) -> None:
    once = smarten(text)
    assert smarten(once) == once


@PROPS
@given(ANY_TEXT)
def test_letters_and_digits_are_kept_in_order(text: str) -> None:
    assert _alnum(smarten(text)) == _alnum(text)


@PROPS
@given(ANY_TEXT)
def test_never_raises_and_returns_str(text: str) -> None:
    assert isinstance(smarten(text), str)
    assert isinstance(smarten_segments([text, text]), list)


@PROPS
@given(
    st.text(
        alphabet=st.one_of(
            st.sampled_from(list("“”‘’′″—–…`´«»<>~*_=:;()!? \n")),
            st.characters(blacklist_characters="'\"-."),
        ),
        max_size=80,
    )
)
def test_text_without_marks_is_unchanged(text: str) -> None:
    assert smarten(text) == text


@PROPS
@given(st.lists(st.one_of(PROSE, PUNCT_TEXT).map(lambda t: t[:12]), max_size=6))
def test_segments_keep_count_and_match_the_whole(segments: list[str]) -> None:
    # any split, which includes splits only at spaces
    out = smarten_segments(segments)
    assert len(out) == len(segments)
    assert "".join(out) == smarten("".join(segments))


# --- linear time: inputs that would blow up a backtracking or quadratic rule --

PATHOLOGICAL = {
    "quotes": '"' * 100_000,
    "apostrophes": "'" * 100_000,
    "inches inside quotes": ' "x 1"' * 50_000,
    "hyphens": "-" * 100_000,
    "spaced hyphens": "a - " * 25_000,
    "dots": ". " * 50_000,
    "no space before @": "a" * 100_000 + " @",
    "dotted local parts": "a." * 50_000 + "@",
    "url": "http://" + "a" * 100_000,
    "art tokens": "~' " * 33_000,
    "curly then straight": "’'" * 50_000,
    "emoticons": ":'(" * 33_000,
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_input_keeps_every_letter_and_digit(text: str) -> None:
    """Inputs that make backtracking regexes explode. Linear here (about 0.1 s each; a
    quadratic rule would take minutes and stall the suite); speed itself is measured by
    bench/, not asserted here."""
    out = smarten(text)
    assert [c for c in out if c.isalnum()] == [c for c in text if c.isalnum()]
