"""Typographic punctuation ("smart quotes") for plain-text stories.

Fanfiction is typed on keyboards, so it arrives with straight quotes, ``--``
for dashes and ``...`` for ellipses. A printed book uses “ ” ‘ ’ — … instead,
and getting them wrong is the first thing a reader notices: the classic
failures of other converters are an opening quote in ``'cause`` or
``rock 'n' roll`` and an en dash for ``---``. This module fixes the
punctuation of one paragraph at a time, using only the characters around
each mark and a little open/closed state. It is linear in the length of the
text: a few passes of precompiled regular expressions whose every branch
starts with a literal character (so the engine skips ahead), and a Python
loop over the few marks that need a decision.

Rules, in short:

* ``"`` and ``'`` become “ ” ‘ ’ by context; ``'`` inside or at the end of a
  word is an apostrophe ’ (don't, Liv's, the Smiths' house, goin'), and so
  is a word-initial elision from :data:`ELISIONS` ('cause, 'em, 'tis,
  rock 'n' roll) or a decade ('90s).
* Primes for measurements: ``6'2"`` -> 6′2″, ``12"`` -> 12″ (see
  :func:`smarten` for how a digit followed by ``"`` is told apart from a
  closing quote).
* ``--`` and ``---`` become an em dash — with the spacing left exactly as
  typed. Longer runs of hyphens are left alone (they are rules or art, not
  dashes). A single hyphen with one space on each side between two words
  (``yes - no``) becomes a spaced en dash ``yes – no``, the common British
  style. Hyphenated words, stutters, list bullets and ``- - -`` stay.
* ``...`` and ``. . .`` become …; four dots become a full stop followed by
  an ellipsis (``....`` -> ``.…``, ``. . . .`` -> ``. …``), the Chicago
  reading of "end of sentence, then omission", so no dot is lost. Two dots
  and runs of five or more are left as typed: they have no agreed meaning.
* URLs, e-mail addresses, emoticons and symbol-only "art" tokens
  (``--------``, ``-=-=-``, ``~*~*~``, ``...---...``) are left exactly as
  written.
* Curly quotes already in the text are kept and count for the context, so
  the function is idempotent: ``smarten(smarten(s)) == smarten(s)``.

Only punctuation is ever replaced: letters and digits are never added,
removed or moved, and whitespace changes only inside a spaced ellipsis.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from . import lazyre


__all__ = ["ELISIONS", "smarten", "smarten_segments"]

#: Words that lose their first letters and keep an apostrophe in front
#: ('cause, 'em, 'ere). A straight quote before one of these is ’, never ‘.
#: Matched case-insensitively, as whole words. ``n'`` is the ``'n'`` of
#: "rock 'n' roll"; ``s'pose`` is "suppose". Dropped-h words that are also
#: English words ('is, 'at, 'ad, 'e, 'arm) are left out: they would turn
#: real opening quotes into apostrophes.
ELISIONS: tuple[str, ...] = (
    "alf", "arf", "ave", "bout", "cause", "cept", "cos", "coz", "cuz", "ead",
    "ello", "em", "er", "ere", "erself", "fraid", "gainst", "im", "imself",
    "isself", "kay", "n'", "neath", "nother", "nuff", "ole", "ome", "prentice",
    "round", "s'pose", "scuse", "spose", "sup", "til", "tis", "twas", "twere",
    "twill", "twould", "ud", "un",
)

# --- patterns ---------------------------------------------------------------

# Everything that may need a change or that moves the quote state. Every
# branch starts with a literal character, so the regex engine can skip
# straight to the next candidate character instead of trying each position.
_MASTER = lazyre.compile(
    r"'"
    r"|\""
    r"|--+"
    # a single hyphen with one space either side, between non-dash text
    r"|-(?<=[^\s\-‐‑‒–—―] -)(?= [^\s\-‐‑‒–—―])"
    r"|\.\.\.+"
    r"|\.(?: \.){2,}"
)

# Quotes whose neighbours settle them without any state: ’ after a letter
# (apostrophe or closing quote), “ between a space and a word, ” after a
# letter, and ” or ’ after a word and its . , ; : ! ? at the end of a word.
# Most quotes in prose are one of these. They are rewritten in place (same
# length, so positions do not move) by fast passes before the main loop,
# which then reads them as curly quotes. Digits are left to the loop (6'2",
# 12"), and so is ' before : or ; (the emoticon D':).
_FAST_APOSTROPHE = lazyre.compile(
    r"'(?:(?<=[^\W\d_]')(?![:;])|(?<=\d')(?=[^\W\d_])|(?<=[^\W_][.,;:!?]')(?!\S))"
)
_FAST_OPEN = lazyre.compile(r'"(?<=\s")(?=[^\W_])')
_FAST_CLOSE = lazyre.compile(r'"(?:(?<=[^\W\d_]")(?![^\W_])|(?<=[^\W_][.,;:!?]")(?!\S))')

_ELISION = lazyre.compile(
    "'(?:"
    + "|".join(
        re.escape(w).replace("'", "['’]") for w in sorted(ELISIONS, key=len, reverse=True)
    )
    + r")(?![^\W_])",
    re.IGNORECASE,
)
# '90s, '20s, summer of '69 -- but not a quoted number such as '123'
_DECADE = lazyre.compile(r"'\d\d(?:s|(?![^\W_]))")
# the inches after feet written with a space: 6' 2"
_INCHES_AFTER = lazyre.compile(r" \d{1,2}(?:\.\d+)?[\"″]")
# the rest of :'( :'-) ;'D ='( after the quote
_EMOTICON_MOUTH = lazyre.compile(r"-?[()\[\]|/\\DPpOo3*@$<>{}](?![^\W_])")

_URL = lazyre.compile(r"\b(?:[A-Za-z][A-Za-z0-9+.\-]{1,15}://|www\.)[^\s\"“”″<>]+", re.IGNORECASE)
_EMAIL = lazyre.compile(r"(?<![\w.+\-])[\w.+\-]++@[\w\-]++(?:\.[\w\-]++)+")
# punctuation that ends a sentence rather than a URL (and its smart forms,
# so the protected span is the same before and after smartening)
_URL_TAIL = ".,;:!?'‘’′)]}…-‐‑‒–—―"

_NONSPACE = lazyre.compile(r"\S*")
_HAS_ALNUM = lazyre.compile(r"[^\W_]")
# In a token without letters or digits, any of these marks it as art rather
# than prose punctuation such as "...", "--" or (…).
_ART_SIGNAL = lazyre.compile(r"[^\s\"'“”‘’′″«»‹›¿¡\-‐‑‒–—―.…,;:!?()\[\]{}]|-{4}|\.-|-\.")
_ART_MAX = 256

# --- character classes for quote context -------------------------------------

_WS, _ALNUM, _OPEN, _DASH, _CLOSE, _OTHER = range(6)
_CAT: dict[str, int] = {"": _WS, '"': _OTHER, "'": _OTHER}
for _c in " \t\n\r\f\v\u00a0":
    _CAT[_c] = _WS
for _c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789":
    _CAT[_c] = _ALNUM
for _c in "([{<“‘«‹¿¡/\\‚„":
    _CAT[_c] = _OPEN
for _c in "-‐‑‒–—―":
    _CAT[_c] = _DASH
for _c in ".,;:!?…)]}>”’»›′″":
    _CAT[_c] = _CLOSE
del _c


def _cat(c: str) -> int:
    k = _CAT.get(c)
    if k is None:
        k = _WS if c.isspace() else _ALNUM if c.isalnum() else _OTHER
    return k


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """Sorted, merged ``(start, end)`` ranges of URLs and e-mail addresses."""
    spans = []
    for m in _URL.finditer(text):
        start, end = m.span()
        end = start + len(m.group().rstrip(_URL_TAIL))
        if end > start:
            spans.append((start, end))
    spans.extend(m.span() for m in _EMAIL.finditer(text))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _art_token(text: str, i: int) -> tuple[int, bool]:
    """End of the whitespace-delimited token around ``i`` and whether it is art.

    Art is a short token with no letters or digits that is more than prose
    punctuation: it has a symbol such as ``~ * = _ ^ < >``, four or more
    hyphens in a row, or a hyphen touching a dot.
    """
    hi = _NONSPACE.match(text, i).end()
    lo = i
    stop = max(0, i - _ART_MAX)
    while lo > stop and not text[lo - 1].isspace():
        lo -= 1
    if (lo > 0 and not text[lo - 1].isspace()) or hi - lo > _ART_MAX:
        return hi, False
    token = text[lo:hi]
    return hi, _HAS_ALNUM.search(token) is None and _ART_SIGNAL.search(token) is not None


def _count_double(text: str, lo: int, hi: int) -> int:
    """Double quote marks in ``text[lo:hi]``, straight or curly."""
    return text.count('"', lo, hi) + text.count("“", lo, hi) + text.count("”", lo, hi)


def _double_open_at(text: str, lo: int, hi: int, is_open: bool) -> bool:
    """Whether a double quotation is open at ``hi``, given that it was
    ``is_open`` at ``lo`` and only curly quotes lie in between. A line break
    starts afresh, like a new paragraph."""
    nl = text.rfind("\n", lo, hi)
    if nl >= 0:
        lo, is_open = nl + 1, False
    a = text.rfind("“", lo, hi)
    b = text.rfind("”", lo, hi)
    return is_open if a == b else a > b


def _single_open_at(text: str, lo: int, hi: int, is_open: bool) -> bool:
    """Like :func:`_double_open_at` for ‘ ’; a ’ followed by a letter is an
    apostrophe inside a word and closes nothing."""
    nl = text.rfind("\n", lo, hi)
    if nl >= 0:
        lo, is_open = nl + 1, False
    a = text.rfind("‘", lo, hi)
    lo = max(lo, a + 1)
    j = text.rfind("’", lo, hi)
    while j >= 0 and j + 1 < len(text) and text[j + 1].isalnum():
        j = text.rfind("’", lo, j)
    if j >= 0:
        return False
    return True if a >= 0 else is_open


def _edits(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """``text`` with the context-free quotes made curly (same length), and the
    ``(start, end, replacement)`` changes still to make to it, in order."""
    edits: list[tuple[int, int, str]] = []
    if "@" in text or "://" in text or "www." in text or "WWW." in text:
        spans = _protected_spans(text)
    else:
        spans = None
        if "'" in text:
            text = _FAST_APOSTROPHE.sub("’", text)
        if '"' in text:
            text = _FAST_CLOSE.sub("”", _FAST_OPEN.sub("“", text))
            if text[0] == '"' and text[1:2].isalnum():
                text = "“" + text[1:]
    k = 0
    n_spans = len(spans) if spans else 0
    size = len(text)
    # Is a double / single quotation open? Each flag is exact as of its
    # *_pos; curly quotes after that are read back only when a decision needs
    # the flag, because most quotes are decided by their neighbours alone.
    dq = sq = False
    dq_pos = sq_pos = 0
    last_end = -1  # end of the last edit and the character it put there,
    last_out = ""  # so a quote sees the smart form of its neighbour
    art_hi = -1  # memo of the last art test: positions below art_hi share it
    art = False
    rest_pos = rest_end = -1  # for the inch test: quote marks in text[rest_pos:rest_end]
    rest = 0
    cat_get = _CAT.get

    for m in _MASTER.finditer(text):
        s, e = m.span()
        if n_spans:
            while k < n_spans and spans[k][1] <= s:
                k += 1
            if k < n_spans and spans[k][0] < e:
                continue
        c = text[s]

        if c == "'" or c == '"':
            p = last_out if s == last_end else (text[s - 1] if s else "")
            n = text[e] if e < size else ""
            pc = cat_get(p)
            if pc is None:
                pc = _cat(p)
            if pc == _ALNUM and c == "'" and n.isalnum():
                # don't, Liv's, y'all -- or 6'2 (feet)
                rep = "′" if "0" <= p <= "9" and "0" <= n <= "9" else "’"
                edits.append((s, e, rep))
                last_end, last_out = e, rep
                continue
            nc = cat_get(n)
            if nc is None:
                nc = _cat(n)
            if pc != _ALNUM and nc != _ALNUM:
                if s >= art_hi:
                    art_hi, art = _art_token(text, s)
                if art:
                    continue
            # Context, from the characters either side:
            #   closing: after a word or closing punctuation, before a space
            #            or punctuation; after a dash before a space ("--")
            #   opening: after a space, bracket, dash or slash, before a word
            #   unclear (a lone quote, or said,"Hi / Hi,"she): toggle the
            #            open/closed state of that kind of quotation
            if pc == _ALNUM:
                closing = True
                if c == '"' and "0" <= p <= "9":
                    # Inches after a number, unless it closes a quotation:
                    # inside one, an even number of double quote marks left
                    # on the line means this one is the closing quote.
                    dq = _double_open_at(text, dq_pos, s, dq)
                    dq_pos = e
                    if not dq:
                        closing = None
                    else:
                        # quote marks left on this line, counted incrementally
                        if e > rest_end:
                            rest_end = text.find("\n", e)
                            if rest_end < 0:
                                rest_end = size
                            rest = _count_double(text, e, rest_end)
                        else:
                            rest -= _count_double(text, rest_pos, e)
                        rest_pos = e
                        if rest % 2:
                            closing = None
                elif nc == _ALNUM:  # a"b: only '"' gets here
                    dq = closing = _double_open_at(text, dq_pos, s, dq)
                    dq_pos = s
                elif c == "'":
                    if p == "D" and (n == ":" or n == ";"):
                        if s < 2 or not text[s - 2].isalnum():
                            continue  # D':
                    elif n == " " and "0" <= p <= "9" and _INCHES_AFTER.match(text, e):
                        closing = None  # 6' 2"
            elif nc == _WS or nc == _CLOSE:
                if pc == _WS or pc == _OPEN:
                    # a lone quote
                    if c == '"':
                        dq = closing = _double_open_at(text, dq_pos, s, dq)
                        dq_pos = s
                    else:
                        sq = closing = _single_open_at(text, sq_pos, s, sq)
                        sq_pos = s
                elif pc == _CLOSE and c == "'" and p in ":;=" and _EMOTICON_MOUTH.match(text, e):
                    continue  # :')
                else:
                    closing = True
            elif pc == _CLOSE:
                if c == "'" and p in ":;=" and _EMOTICON_MOUTH.match(text, e):
                    continue  # :'(
                if nc == _DASH:
                    closing = True  # "Stop!"--
                elif c == '"':
                    dq = closing = _double_open_at(text, dq_pos, s, dq)
                    dq_pos = s
                else:
                    sq = closing = _single_open_at(text, sq_pos, s, sq)
                    sq_pos = s
            else:
                closing = False

            if c == '"':
                if closing is None:
                    rep = "″"
                elif closing:
                    rep = "”"
                    dq, dq_pos = False, e
                else:
                    rep = "“"
                    dq, dq_pos = True, e
            elif closing:
                rep = "’"
                sq, sq_pos = False, e
            elif closing is None:
                rep = "′"
            elif nc == _ALNUM and (_ELISION.match(text, s) or _DECADE.match(text, s)):
                rep = "’"  # 'cause, 'em, '90s
            else:
                rep = "‘"
                sq, sq_pos = True, e
            edits.append((s, e, rep))
            last_end, last_out = e, rep
            continue

        # dashes and dots
        if c == "-":
            if e - s == 1:
                rep = "–"  # spaced hyphen between words
            elif e - s <= 3:
                rep = "—"
            else:
                continue
        else:
            dots = m.group().count(".")
            if dots == 3:
                rep = "…"
            elif dots == 4:
                rep = ". …" if e - s == 7 else ".…"
            else:
                continue
            if dots * 2 - 1 == e - s:
                # ". . ." spans several tokens; the first and the last may be
                # art ("~." or ".--"), and then the dots belong to the art
                if not (e < size and text[e].isalnum()):
                    if e - 1 >= art_hi:
                        art_hi, art = _art_token(text, e - 1)
                    if art:
                        continue
                if not (s and text[s - 1].isalnum()):
                    if _art_token(text, s)[1]:
                        continue
                edits.append((s, e, rep))
                last_end, last_out = e, "…"
                continue
        p = last_out if s == last_end else (text[s - 1] if s else "")
        if not p.isalnum() and not (e < size and text[e].isalnum()):
            if s >= art_hi:
                art_hi, art = _art_token(text, s)
            if art:
                continue
        edits.append((s, e, rep))
        last_end, last_out = e, rep[-1]
    return text, edits


def smarten(text: str) -> str:
    """Return one paragraph with typographic quotes, dashes and ellipses.

    ``text`` is plain text (never markup); it may hold ``\\n`` between verse
    lines, and each line start counts as a paragraph start for the quotes.
    A quote at the start of a paragraph always opens, so multi-paragraph
    dialogue whose paragraphs are not closed comes out right.

    A digit followed by ``"`` is an inch mark (``12"`` -> 12″) unless a
    double quotation is open and an even number of double quote marks follow
    on the same line, in which case it closes the quotation: ``"Back at 5"`` closes,
    ``"He is 6'2" tall"`` keeps the inch mark.
    """
    text, edits = _edits(text)
    if not edits:
        return text
    out = []
    pos = 0
    for s, e, rep in edits:
        out.append(text[pos:s])
        out.append(rep)
        pos = e
    out.append(text[pos:])
    return "".join(out)


def smarten_segments(segments: Sequence[str]) -> list[str]:
    """Smarten a paragraph given as consecutive inline segments.

    A renderer splits a paragraph into runs such as plain / *italic* / plain;
    whether a quote opens or closes depends on its neighbours, which may sit
    in the next run, so the context is taken from the joined text and every
    segment gets its own share of the changes. The result has exactly as many
    segments as the input, and joined it equals ``smarten("".join(segments))``.
    A change that straddles a boundary (``-`` | ``-``) is put in the segment
    where it starts and the rest of the marks are dropped from the following
    one(s), which can leave a segment empty.
    """
    if len(segments) == 1:
        return [smarten(segments[0])]
    segments = list(segments)
    text, edits = _edits("".join(segments))
    result: list[str] = []
    pos = 0  # where the current segment starts in ``text``
    cur = 0  # first character of ``text`` not yet copied or replaced
    i = 0
    n_edits = len(edits)
    for seg in segments:
        seg_end = pos + len(seg)
        if cur < pos:
            cur = pos
        pieces = []
        while i < n_edits and edits[i][0] < seg_end:
            s, e, rep = edits[i]
            pieces.append(text[min(cur, seg_end) : s])
            pieces.append(rep)
            cur = e
            i += 1
        if cur < seg_end:
            pieces.append(text[cur:seg_end])
        result.append("".join(pieces))
        pos = seg_end
    return result
