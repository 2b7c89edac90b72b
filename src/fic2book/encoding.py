"""Turn the bytes of a reader's story file into clean Unicode text.

Readers' files come from Windows Notepad, old Macs, BBS archives, phones and
web copy-paste.  :func:`decode` reads the *whole* file, works out how it is
encoded, and cleans it up, and it never drops a character without saying so:
every change is counted in :attr:`Decoded.repairs`, every character that could
not be decoded becomes U+FFFD and is counted and located in
:attr:`Decoded.warnings`.

Order of evidence (first match wins):

1. ``encoding=`` given by the user (only magic-number binary detection still
   runs, so ``--encoding`` on a PNG or EPUB is still refused).
2. A byte-order mark: UTF-32 LE/BE (checked first), UTF-16 LE/BE, UTF-8.
3. Binary detection (:func:`looks_binary`): magic numbers, NUL bytes that do
   not form a UTF-16/UTF-32 pattern, lots of control bytes.
4. UTF-32/UTF-16 without a BOM (NUL bytes all at one byte position).
5. Strict UTF-8 over the whole file (7-bit files with ISO-2022-JP escapes are
   decoded as ISO-2022-JP).
6. Mostly UTF-8 (>= 2/3 of the lines holding non-ASCII bytes are valid
   UTF-8; a cp1252 line is almost never valid multi-byte UTF-8 by chance):
   UTF-8 everywhere, cp1252 for just the byte runs that are not UTF-8 (Mac
   Roman or cp437 instead when 3+ such lines read better that way).
7. Legacy 8-bit: chardet, fed every line that holds non-ASCII bytes (so the
   whole file counts, not its first 200 KB), proposes candidates; each of
   cp1252, Mac Roman, cp437 and chardet's top answers decodes the words that
   hold non-ASCII bytes and is scored for how natural the result reads
   (letters inside words with sensible case, punctuation, box drawing in runs;
   penalties for controls, undefined bytes, script mixing inside a word and
   whole words of accented Latin letters).  cp1252 gets a prior bonus (bigger
   when every non-ASCII byte is a cp1252 letter or typographic punctuation
   mark) and chardet's first answer a bonus proportional to its confidence.

Decisions worth knowing:

* NUL bytes: a UTF-16/32 pattern is decoded as such; NUL padding at the end
  of the file, or a handful of stray NULs (at most 2, or 1 % of the bytes)
  in an otherwise clean text file, is removed with a repair *and* a warning
  (the file may be damaged); anything else is refused as binary data.
* Line breaks: CRLF, CR and LF all become ``\\n``, and nothing else does, so
  line numbers match a plain split of the text on CR, LF and CRLF.  U+2028/U+2029
  are kept (the renderer draws them as line breaks); form feed and vertical tab,
  which XML cannot hold, become spaces (counted).
  NEL (U+0085) is treated as the C1 control it nearly always is in practice
  (mis-decoded cp1252 "…"), see below.
* C1 controls (U+0080-U+009F) after decoding: with ``fix_text`` they get
  their Windows-1252 meaning (U+0092 -> ’), as browsers do; the five with no
  cp1252 meaning, and all of them when ``fix_text=False``, are removed.
* Removed and counted: C0 controls except tab/newline, DEL, U+200B, U+2060,
  U+FEFF (BOMs, including stray ones inside the text), lone surrogates,
  U+FFFE/U+FFFF, ANSI terminal escape sequences, trailing DOS ^Z (0x1A)
  bytes (XMODEM pads with several).  Kept: tab, ZWJ U+200D and ZWNJ U+200C
  (emoji sequences, Persian and Indic text), soft hyphen, bidi marks.
* Mojibake repair (``fix_text=True``) uses ftfy's encoding fixer line by
  line, only on lines holding a tell-tale sequence ("â€", "Ã©", "Â ",
  "‚Äô"...); ftfy is imported only then.  It never straightens quotes,
  decodes HTML entities, touches line breaks or ligatures or widths.
* Line numbers in messages count CR, LF and CRLF line breaks of the file.
* ``replacement_count`` counts only U+FFFD that decoding produced, not any
  already present in the file.
"""

from __future__ import annotations

import codecs
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from . import lazyre
from .errors import FicError

__all__ = ["Decoded", "decode", "looks_binary"]


@dataclass(frozen=True)
class Decoded:
    """The text of a file, how it was decoded, and what was changed."""

    text: str  # NFC, '\n' newlines only, cleaned
    encoding: str  # codec used, e.g. 'utf-8', 'cp1252', 'utf-8+cp1252'
    confidence: float  # 0..1
    reason: str  # one short line: why this encoding
    newline: str  # 'LF', 'CRLF', 'CR', 'mixed (CRLF+LF)' or 'none'
    repairs: tuple[str, ...]  # what was changed, each with a count
    warnings: tuple[str, ...]  # what the reader should check
    replacement_count: int  # U+FFFD produced by decoding (not pre-existing)


# --------------------------------------------------------------------------
# Decoding with counted, located replacement characters
# --------------------------------------------------------------------------

# Undecodable bytes are first decoded to a private marker (a noncharacter
# absent from the decoded text), so that after newline normalisation we can
# tell the line of each one, and tell them from U+FFFD already in the file.
_MARKERS = tuple(chr(c) for c in range(0xFDD0, 0xFDF0))
_tls = threading.local()


class _Sink:
    __slots__ = ("marker", "errors", "fallback", "fallback_codec")

    def __init__(self, marker: str, fallback_codec: str = "cp1252") -> None:
        self.marker = marker
        self.errors = 0  # number of markers produced
        self.fallback: list[int] = []  # byte offsets decoded with fallback_codec
        self.fallback_codec = fallback_codec  # for bytes that are not UTF-8 (mixed)


def _mark_handler(exc: UnicodeError) -> tuple[str, int]:
    sink = getattr(_tls, "sink", None)
    if sink is None or not isinstance(exc, UnicodeDecodeError):
        raise exc
    sink.errors += 1
    return sink.marker, exc.end


def _utf8_cp1252_handler(exc: UnicodeError) -> tuple[str, int]:
    sink = getattr(_tls, "sink", None)
    if sink is None or not isinstance(exc, UnicodeDecodeError):
        raise exc
    if exc.end == len(exc.object) and exc.reason == "unexpected end of data":
        # The file stops in the middle of a UTF-8 character (cut short).
        sink.errors += 1
        return sink.marker, exc.end
    sink.fallback.append(exc.start)
    bad = exc.object[exc.start : exc.end]
    return bad.decode(sink.fallback_codec, "fic2book.mark"), exc.end


codecs.register_error("fic2book.mark", _mark_handler)
codecs.register_error("fic2book.utf8-cp1252", _utf8_cp1252_handler)


def _decode_counted(
    data: bytes, codec: str, errors: str = "fic2book.mark", fallback_codec: str = "cp1252"
) -> tuple[str, _Sink]:
    """Decode, turning undecodable bytes into a marker; return text and sink."""
    for marker in _MARKERS:
        sink = _Sink(marker, fallback_codec)
        previous = getattr(_tls, "sink", None)
        _tls.sink = sink
        try:
            text = data.decode(codec, errors)
        finally:
            _tls.sink = previous
        if text.count(marker) == sink.errors:
            return text, sink
    # Every marker occurs in the file itself (adversarial input): fall back
    # to plain U+FFFD; the count stays right, only line numbers are lost.
    sink = _Sink("\ufffd", fallback_codec)
    _tls.sink = sink
    try:
        text = data.decode(codec, errors)
    finally:
        _tls.sink = None
    return text, sink


def _lookup(name: str) -> str:
    """Canonical Python codec name for a user-supplied encoding name."""
    try:
        info = codecs.lookup(name)
    except (LookupError, TypeError, ValueError):
        raise FicError(f"unknown encoding '{name}'") from None
    if not getattr(info, "_is_text_encoding", True):  # base64, rot13, zlib...
        raise FicError(f"unknown encoding '{name}' (not a text encoding)")
    return info.name


# --------------------------------------------------------------------------
# BOMs, binary files, UTF-16/32 without BOM
# --------------------------------------------------------------------------

_BOMS = (  # UTF-32 before UTF-16: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 LE BOM"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 BE BOM"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 BOM"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE BOM"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE BOM"),
)


def _sniff_bom(data: bytes) -> tuple[bytes, str, str] | None:
    for bom, codec, reason in _BOMS:
        if data.startswith(bom):
            if codec == "utf-32-le":
                # FF FE 00 00 may also be a UTF-16 LE BOM followed by U+0000.
                rest = data[4:]
                try:
                    rest.decode("utf-32-le")
                except UnicodeDecodeError:
                    continue
            return bom, codec, reason
    return None


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "a GZIP archive"),
    (b"\xfd7zXZ\x00", "an XZ archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x28\xb5\x2f\xfd", "a Zstandard archive"),
    (b"\x7fELF", "a Linux program (ELF)"),
    (b"\xca\xfe\xba\xbe", "a Java class file or macOS program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program (Mach-O)"),
    (b"\xce\xfa\xed\xfe", "a macOS program (Mach-O)"),
    (b"\xfe\xed\xfa\xce", "a macOS program (Mach-O)"),
    (b"\xfe\xed\xfa\xcf", "a macOS program (Mach-O)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document (.doc/.xls/.ppt)"),
    (b"{\\rtf", "an RTF document (save it as plain text first)"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"OggS", "an Ogg audio/video file"),
    (b"fLaC", "a FLAC audio file"),
    (b"\x1a\x45\xdf\xa3", "a Matroska/WebM video"),
    (b"wOFF", "a web font (WOFF)"),
    (b"wOF2", "a web font (WOFF2)"),
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_RIFF_KINDS = {b"WEBP": "a WebP image", b"WAVE": "a WAV audio file", b"AVI ": "an AVI video"}


def _magic(data: bytes) -> str | None:
    """Describe *data* if it starts like a known binary format."""
    for magic, desc in _MAGIC:
        if data.startswith(magic):
            return desc
    if data.startswith(_ZIP_MAGIC):
        if data[30:38] == b"mimetype":
            if data[38:58] == b"application/epub+zip":
                return "an EPUB e-book"
            if data[38:77] == b"application/vnd.oasis.opendocument.text":
                return "an OpenDocument text (.odt)"
        if b"word/" in data[:65536]:
            return "a Word document (.docx)"
        return "a ZIP archive (or EPUB/DOCX)"
    if data.startswith(b"RIFF") and data[8:12] in _RIFF_KINDS:
        return _RIFF_KINDS[data[8:12]]
    if data[4:8] == b"ftyp":
        return "an MP4/QuickTime video or HEIC image"
    if data.startswith(b"ID3") and len(data) > 4 and data[3] in (2, 3, 4) and data[4] < 16:
        return "an MP3 audio file"
    if data.startswith(b"BZh") and data[3:4].isdigit() and data[4:10] == b"1AY&SY":
        return "a BZIP2 archive"
    if data[60:68] == b"BOOKMOBI":
        return "a Kindle (MOBI/AZW) e-book"
    if data.startswith(b"MZ") and len(data) >= 64:
        pe = int.from_bytes(data[60:64], "little")
        if data[pe : pe + 4] == b"PE\x00\x00":
            return "a Windows program (EXE/DLL)"
    return None


# C0 control bytes that real text files do not contain (NUL is judged apart;
# tab, LF, VT, FF, CR, ^Z and ESC do occur in old text files).
_ODD_CONTROL_BYTES = bytes(b for b in range(1, 32) if b not in (9, 10, 11, 12, 13, 26, 27))
_KEEP_ALL_BUT_ODD = bytes(b for b in range(256) if b not in _ODD_CONTROL_BYTES)


def _odd_control_ratio(data: bytes) -> float:
    sample = data[:65536]
    if not sample:
        return 0.0
    return len(sample.translate(None, _KEEP_ALL_BUT_ODD)) / len(sample)


def _plausible_wide(data: bytes, codec: str) -> bool:
    """Does *data* (a sample) decode to text-like characters in *codec*?"""
    sample = data[:32768]
    try:
        text = codecs.getincrementaldecoder(codec)("strict").decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    if not text:
        return False
    bad = 0
    for ch, n in Counter(text).items():
        cat = unicodedata.category(ch)
        if cat in ("Cn", "Co", "Cs") or (cat == "Cc" and ch not in "\t\n\r\x0b\x0c\x1a"):
            bad += n
    return bad <= 0.02 * len(text)


def _sniff_wide(data: bytes) -> str | None:
    """UTF-32/UTF-16 without a BOM, from where the NUL bytes are."""
    n = len(data)
    if n >= 4 and n % 4 == 0:
        units = n // 4
        head = data[:4096]
        for codec, zero, small in (("utf-32-le", 3, 2), ("utf-32-be", 0, 1)):
            if head[zero::4].count(0) * 4 != len(head):
                continue  # quick rejection on the first 4 KB
            if (
                data[zero::4].count(0) == units
                and data[small::4].count(0) >= 0.9 * units
                and _plausible_wide(data, codec)
            ):
                return codec
    units = n // 2
    if units == 0:
        return None
    even, odd = data[0 : 2 * units : 2], data[1 : 2 * units : 2]
    zero_even, zero_odd = even.count(0), odd.count(0)
    if (
        max(zero_even, zero_odd) < 0.5 * units
        and (rest := data.replace(b"\x00", b"")).isascii()
        and _odd_control_ratio(rest) == 0
    ):
        # Printable ASCII with a few NULs: UTF-16 of English text would have
        # a NUL in nearly every code unit, and any other script would leave
        # non-ASCII bytes once the NULs are gone.
        return None
    if zero_odd >= 0.1 * units and zero_even <= 0.02 * units and _plausible_wide(data, "utf-16-le"):
        return "utf-16-le"
    if zero_even >= 0.1 * units and zero_odd <= 0.02 * units and _plausible_wide(data, "utf-16-be"):
        return "utf-16-be"
    return None


def _nul_verdict(data: bytes) -> str | None:
    """For a file with NUL bytes and no wide-text pattern: binary or not."""
    body = data.rstrip(b"\x00")
    if not body.strip():
        return "binary data (NUL bytes only)"
    inner = body.count(0)
    if inner <= max(2, len(body) // 100) and _odd_control_ratio(body.replace(b"\x00", b"")) < 0.01:
        return None  # text with NUL padding or a few stray NULs
    return "binary data (NUL bytes)"


def looks_binary(data: bytes) -> str | None:
    """``None`` if *data* may be text, else a short description of what it is.

    E.g. "a PNG image", "a ZIP archive (or EPUB/DOCX)", "a PDF document",
    "a GZIP archive", "binary data (NUL bytes)".  Text with a BOM, UTF-16 or
    UTF-32 without a BOM, and text with only NUL padding or a few stray NUL
    bytes count as text.
    """
    data = bytes(data)
    if not data or _sniff_bom(data):
        return None
    desc = _magic(data)
    if desc:
        return desc
    if b"\x00" in data:
        if _sniff_wide(data):
            return None
        return _nul_verdict(data)
    if len(data) >= 32 and _odd_control_ratio(data) > 0.1:
        return "binary data (control bytes)"
    return None


# --------------------------------------------------------------------------
# Legacy 8-bit detection
# --------------------------------------------------------------------------

# Encodings chardet may propose: what readers' story files plausibly use.
_CHARDET_PLAUSIBLE = (
    "cp1252", "iso8859-1", "iso8859-15", "mac-roman", "cp437", "cp850",
    "cp1250", "iso8859-2", "cp1251", "koi8-r", "koi8-u", "iso8859-5", "cp866",
    "mac-cyrillic", "cp1253", "iso8859-7", "cp1254", "iso8859-9", "cp1255",
    "iso8859-8", "cp1256", "iso8859-6", "cp1257", "iso8859-13", "cp1258",
    "cp874", "tis-620", "shift_jis_2004", "cp932", "euc_jis_2004", "gb18030",
    "big5hkscs", "cp949", "euc_kr",
)  # fmt: skip
_DEFAULT_CANDIDATES = ("cp1252", "mac-roman", "cp437")
_LABELS = {"cp1252": "cp1252", "mac-roman": "Mac Roman", "cp437": "cp437 (DOS)"}

# cp1252 bytes that are letters or typographic punctuation (the strong prior).
_CP1252_TEXTY = frozenset(
    b
    for b in range(0x80, 0x100)
    if (ch := bytes([b]).decode("cp1252", "replace")) != "\ufffd"
    and (unicodedata.category(ch)[0] in "LP" or ch in "\xa0\xad€£¥©®°™")
)
_STANDALONE = frozenset("àéèó")  # one-letter words: French à, Portuguese é...
_RARE_LETTERS = frozenset("ðþÐÞýÝÿªºµ")
_OPENING = frozenset("‚„¿¡")
_HLINES = frozenset("─━═")
_LETTER_RUN = lazyre.compile(r"[^\W\d_]+")
_SCORE_BUDGET = 100_000  # bytes of distinct words scored per candidate
_EVIDENCE_BYTES = 240_000  # below chardet's 256 KB statistical window


@lru_cache(maxsize=4096)
def _is_latin(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("LATIN")


def _is_box(ch: str) -> bool:
    return "\u2500" <= ch <= "\u259f"


@lru_cache(maxsize=65536)
def _char_score(prev: str, ch: str, nxt: str, nxt2: str) -> float:
    """How natural non-ASCII *ch* looks between its neighbours (+1 good)."""
    if ch == "\ufffd":
        return -3.0
    cat = unicodedata.category(ch)
    if cat[0] == "C":
        return -0.5 if ch == "\xad" else -3.0
    if cat[0] == "L":
        prev_letter, next_letter = prev.isalpha(), nxt.isalpha()
        if not _is_latin(ch) and (
            (prev_letter and prev.isascii()) or (next_letter and nxt.isascii())
        ):
            return -2.0  # "cafй": another script glued to a Latin word
        if not prev_letter and not next_letter:
            return 0.3 if ch in _STANDALONE else -0.5
        if cat == "Lu" and prev_letter and prev.islower():
            return -1.5  # "ItÕs"
        if cat == "Ll" and next_letter and nxt.isupper():
            return -1.0  # "ìHello"
        if cat == "Lu" and not prev_letter and nxt.isupper() and nxt2.islower():
            return -1.0  # "ÒHello"
        return 0.3 if ch in _RARE_LETTERS else 1.0
    if cat[0] == "P":
        if (cat in ("Ps", "Pi") or ch in _OPENING) and prev.isalnum() and not nxt.isalnum():
            return -0.5  # an opening quote glued to the end of a word
        return 1.0
    if cat == "Zs":
        return 0.5
    if _is_box(ch):
        # Real box art: runs of one character ("════"), corners and tees
        # joined to horizontal lines, bars standing between spaces, shading.
        if prev == ch or nxt == ch or (prev.isspace() and nxt.isspace()):
            return 1.0
        if prev in _HLINES or nxt in _HLINES:
            return 1.0
        if prev.isalnum() or nxt.isalnum():
            return -1.0
        if ch >= "\u2580" and (prev >= "\u2580" and _is_box(prev) or nxt >= "\u2580" and _is_box(nxt)):
            return 0.5
        return -0.5
    if cat[0] == "N":
        return -1.0 if prev.isalpha() and nxt.isalpha() else 0.0
    if cat == "Sc" or ch in "©®°™":
        return 0.5
    if cat == "Sm" or cat[0] == "M":
        return -1.0
    return -0.5


def _score_word(word: str) -> tuple[float, int]:
    """Sum of scores of the non-ASCII characters of *word*, and their count."""
    padded = " " + word + "  "
    total = 0.0
    count = 0
    for i, ch in enumerate(word, 1):
        if ch >= "\x80":
            count += 1
            total += _char_score(padded[i - 1], ch, padded[i + 1], padded[i + 2])
    if count:
        # Whole runs of accented Latin letters ("Ïðèâåò", "ÉÍÍÍ") are what
        # Cyrillic text or box drawing looks like in the wrong code page.
        for run in _LETTER_RUN.findall(word):
            if run.isascii():
                continue
            if len(run) >= 3 and not any(c.isascii() for c in run) and all(_is_latin(c) for c in run):
                total -= 2.0 * len(run)
            elif any(a.islower() and b.isupper() for a, b in zip(run, run[1:])):
                # "рТЙЧЕФ": lower case then upper case inside a word is what
                # a Cyrillic text in the wrong Cyrillic code page looks like.
                total -= 1.5 * sum(1 for c in run if c >= "\x80")
    return total, count


def _score(words: list[tuple[bytes, int]], codec: str) -> float:
    """Average naturalness of the non-ASCII characters under *codec*."""
    total = 0.0
    count = 0
    for word, n in words:
        s, c = _score_word(word.decode(codec, "replace"))
        total += s * n
        count += c * n
    return total / count if count else 0.0


def _evidence(data: bytes) -> bytes:
    """The lines holding non-ASCII bytes, from the whole file.

    ASCII lines say nothing about a legacy encoding.  chardet reads at most
    ``max_bytes`` (200 KB by default) and, even with a larger window, scores
    only the first 256 KB statistically; so a story whose accented or
    Cyrillic text starts late would be judged on ASCII alone.  Feeding it
    just the non-ASCII lines, spread evenly over the file when they are too
    many, makes its answer about the whole file.
    """
    lines = [line for line in data.splitlines() if not line.isascii()]
    joined = b"\n".join(lines)
    if len(joined) <= _EVIDENCE_BYTES:
        return joined
    step = -(-len(joined) // _EVIDENCE_BYTES)  # ceil
    return b"\n".join(lines[::step])


def _chardet_candidates(data: bytes) -> list[tuple[str, str, float]]:
    """chardet's top answers for the whole file: (codec, name, confidence)."""
    import chardet  # noqa: PLC0415  (lazy: only legacy files need it)

    evidence = _evidence(data) or data
    results = chardet.detect_all(
        evidence,
        max_bytes=len(evidence),  # the default would read only 200 KB of it
        prefer_superset=True,  # Windows-1252 rather than ISO-8859-1
        include_encodings=_CHARDET_PLAUSIBLE,
    )
    out: list[tuple[str, str, float]] = []
    for r in results[:3]:
        name = r.get("encoding")
        if not name:
            continue
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            continue
        if all(codec != c for c, _, _ in out):
            out.append((codec, name, float(r.get("confidence") or 0.0)))
    return out


def _choose_legacy(data: bytes, *, single_byte: bool = False) -> tuple[str, float, str, str | None]:
    """Pick an 8-bit (or CJK) codec: codec, confidence, reason, warning.

    With *single_byte*, choose only among cp1252, Mac Roman and cp437 (for
    the stray lines of a mostly-UTF-8 file, decoded byte run by byte run).
    """
    detected = [] if single_byte else _chardet_candidates(data)
    top = detected[0] if detected else None
    candidates = list(_DEFAULT_CANDIDATES)
    candidates += [c for c, _, _ in detected if c not in candidates]

    words = Counter(w for w in data.split() if not w.isascii()).most_common()
    budget, sample = 0, []
    for word, n in words:
        sample.append((word, n))
        budget += len(word)
        if budget > _SCORE_BUDGET:
            break

    high = bytes(sorted(set(data.translate(None, bytes(range(128))))))
    all_texty = all(b in _CP1252_TEXTY for b in high)
    scores = {c: _score(sample, c) for c in candidates}
    totals = dict(scores)
    totals["cp1252"] += 0.2 if all_texty else 0.1
    if top:
        totals[top[0]] += 0.15 * top[2]
    ranked = sorted(candidates, key=lambda c: (-totals[c], candidates.index(c)))
    best = ranked[0]
    # The closest rival that actually reads differently.
    rival = next((c for c in ranked[1:] if any(
        w.decode(c, "replace") != w.decode(best, "replace") for w, _ in sample[:200]
    )), None)  # fmt: skip
    margin = totals[best] - totals[rival] if rival else 1.0

    said = f"chardet: {top[1]} ({top[2]:.2f})" if top else "chardet: no answer"
    if best == "cp1252" and all_texty:
        why = "all non-ASCII bytes are cp1252 letters/punctuation"
    elif best == "cp437" and any(_is_box(c) for c in high.decode("cp437")):
        why = "box-drawing characters (DOS/BBS)"
    elif best == "cp1252":
        why = "cp1252 reads most naturally"
    else:
        label = _LABELS.get(best, best)
        why = f"{label} reads more naturally than cp1252 ({scores[best]:.2f} vs {scores['cp1252']:.2f})"
    reason = f"{said}; {why}"

    confidence = 0.5 + 0.45 * max(0.0, min(1.0, margin))
    if top and top[0] == best:
        confidence = max(confidence, top[2])
    confidence = round(min(confidence, 0.99), 2)
    # Uncertain when the runner-up is close, or when chardet's first answer
    # reads differently from ours and ours did not win by much.
    other = None
    if top and top[0] != best and margin < 0.3 and any(
        w.decode(top[0], "replace") != w.decode(best, "replace") for w, _ in sample[:200]
    ):
        other = top[0]
    elif rival and (margin < 0.03 or (margin < 0.1 and not (top and top[0] == best))):
        other = rival
    warning = None
    if other:
        confidence = min(confidence, 0.6)
        warning = (
            f"the encoding is a guess ({best} or {other}); if accented letters or "
            f"quotes look wrong, give the encoding explicitly"
        )
    return best, confidence, reason, warning


# --------------------------------------------------------------------------
# Newlines, mojibake, clean-up
# --------------------------------------------------------------------------


def _newline_style(text: str) -> str:
    cr = text.count("\r")
    lf = text.count("\n")
    if not cr:
        return "LF" if lf else "none"
    crlf = text.count("\r\n")
    kinds = [k for k, n in (("CRLF", crlf), ("LF", lf - crlf), ("CR", cr - crlf)) if n]
    return kinds[0] if len(kinds) == 1 else f"mixed ({'+'.join(kinds)})"


def _lines_phrase(lines: list[int]) -> str:
    uniq = sorted(set(lines))
    shown = ", ".join(str(n) for n in uniq[:10])
    more = f" and {len(uniq) - 10} more" if len(uniq) > 10 else ""
    return f"line {shown}" if len(uniq) == 1 else f"lines {shown}{more}"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _byte_lines(data: bytes, offsets: list[int]) -> list[int]:
    """1-based line numbers (CR, LF, CRLF breaks) of byte offsets in *data*."""
    lines, line, last = [], 1, 0
    for off in sorted(offsets):
        seg = data[last:off]
        line += seg.count(b"\n") + seg.count(b"\r") - seg.count(b"\r\n")
        lines.append(line)
        last = off
    return lines


# A whole UTF-8 sequence seen as cp1252/latin-1: a lead byte (Â..ô) followed
# by as many continuation bytes as it needs, seen the same way ("Ã©", "â€™");
# "Ã "/"Â " (a NBSP that became a space); UTF-8 seen as Mac Roman ("‚Äô").
_CONT = "[\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]"
_MOJIBAKE_HINT = lazyre.compile(
    f"[\u00c2-\u00df]{_CONT}|[\u00e0-\u00ef]{_CONT}{{2}}|[\u00f0-\u00f4]{_CONT}{{3}}"
    "|[ÂÃ] |\u201a\u00c4|\u221a[^\\x00-\\x7f]"
)
_FTFY_CONFIG = None


def _ftfy_fixer():
    global _FTFY_CONFIG
    import ftfy  # noqa: PLC0415  (lazy: only files with mojibake hints need it)

    if _FTFY_CONFIG is None:
        _FTFY_CONFIG = ftfy.TextFixerConfig(
            unescape_html=False,
            remove_terminal_escapes=False,
            fix_encoding=True,
            restore_byte_a0=True,
            replace_lossy_sequences=False,  # would turn "â€?" into U+FFFD
            decode_inconsistent_utf8=True,
            fix_c1_controls=True,
            fix_latin_ligatures=False,
            fix_character_width=False,
            uncurl_quotes=False,
            fix_line_breaks=False,
            fix_surrogates=False,
            remove_control_chars=False,
            normalization=None,
            explain=False,
        )
    config = _FTFY_CONFIG
    return lambda line: ftfy.fix_encoding(line, config)


def _snippet(before: str, after: str, limit: int = 40) -> str:
    """The word(s) that changed: "donâ€™t → don’t"."""
    p = 0
    while p < min(len(before), len(after)) and before[p] == after[p]:
        p += 1
    s = 0
    while s < min(len(before), len(after)) - p and before[-1 - s] == after[-1 - s]:
        s += 1
    start = max(before.rfind(" ", 0, p), before.rfind("\t", 0, p)) + 1
    end_b = len(before) - s
    while end_b < len(before) and not before[end_b].isspace():
        end_b += 1
    end_a = end_b - len(before) + len(after)

    def cut(x: str) -> str:
        return x if len(x) <= limit else x[: limit - 1] + "…"

    return f"{cut(before[start:end_b])} → {cut(after[start:end_a])}"


# Byte-level pre-checks, run on the UTF-8 form of the text at C speed, so the
# (slow) text-level regexes only ever see lines that may need them.
# _CONT in UTF-8 (U+0080-U+00BF and the cp1252 punctuation at 0x80-0x9F):
_CONT_B = (
    rb"(?:\xc2[\x80-\xbf]|\xc5[\x92\x93\xa0\xa1\xb8\xbd\xbe]|\xc6\x92|\xcb[\x86\x9c]"
    rb"|\xe2(?:\x80[\x93\x94\x98-\x9a\x9c-\x9e\xa0-\xa2\xa6\xb0\xb9\xba]|\x82\xac|\x84\xa2))"
)
_MOJIBAKE_PRE = lazyre.compile(  # _MOJIBAKE_HINT's first four branches, in UTF-8
    rb"\xc3(?:[\x82-\x9f]" + _CONT_B + rb"|[\xa0-\xaf]" + _CONT_B * 2
    + rb"|[\xb0-\xb4]" + _CONT_B * 3 + rb"|[\x82\x83] )"
)
# Mojibake starts with "\xc3" (Â..ô) then a byte in 82-B4, then the first
# byte of a continuation character (C2, C5, C6, CB or E2); or "Â "/"Ã ".  Mapped
# to classes, candidates are found with plain bytes.find at C speed and only
# those are checked with _MOJIBAKE_PRE.
_MOJIBAKE_CLASSES = bytes(
    ord("A") if b == 0xC3 else ord("n") if b in (0x82, 0x83) else ord("m") if 0x84 <= b <= 0xB4
    else ord("B") if b in (0xC2, 0xC5, 0xC6, 0xCB, 0xE2) else b if b == 0x20 else ord(".")
    for b in range(256)
)  # fmt: skip
_KEEP_BUT_CONTROLS = bytes(b for b in range(256) if b in (9, 10, 13) or 32 <= b < 127 or b >= 128)
_C1_PRE = lazyre.compile(rb"\xc2[\x80-\x9f]")
_SURROGATE_PRE = lazyre.compile(rb"\xed[\xa0-\xbf]")
_SPECIAL_CHARS = "\u200b\u2028\u2029\u2060\ufeff\ufffe\uffff"


def _maybe_special(text: str, u8: bytes) -> bool:
    """Could the text hold anything :func:`_clean` removes or converts?"""
    if u8.translate(None, _KEEP_BUT_CONTROLS):  # C0 controls, DEL
        return True
    if b"\xc2" in u8 and _C1_PRE.search(u8):
        return True
    if any(ch in text for ch in _SPECIAL_CHARS):
        return True
    return b"\xed" in u8 and _SURROGATE_PRE.search(u8) is not None


def _mojibake_line_indexes(text: str, u8: bytes) -> list[int]:
    """0-based indexes of the lines that may hold mojibake."""
    offsets: list[int] = []
    leads = u8.count(b"\xc3")
    if leads and leads < 5000:  # few accented letters: the regex is quickest
        offsets += [m.start() for m in _MOJIBAKE_PRE.finditer(u8)]
    elif leads:  # accented text: find candidates by byte class first
        classes = u8.translate(_MOJIBAKE_CLASSES)
        for pattern in (b"AmB", b"AnB", b"An "):  # "Ã©", "Â£", "Ã " (NBSP lost)
            pos = classes.find(pattern)
            while pos != -1:
                if _MOJIBAKE_PRE.match(u8, pos):
                    offsets.append(pos)
                pos = classes.find(pattern, pos + 1)
    if leads and "\u201a" in text:  # "‚Äô": UTF-8 read as Mac Roman
        pos = u8.find(b"\xe2\x80\x9a\xc3\x84")
        while pos != -1:
            offsets.append(pos)
            pos = u8.find(b"\xe2\x80\x9a\xc3\x84", pos + 1)
    if "\u221a" in text:  # "√©": UTF-8 read as Mac Roman
        pos = u8.find(b"\xe2\x88\x9a")
        while pos != -1:
            offsets.append(pos)
            pos = u8.find(b"\xe2\x88\x9a", pos + 1)
    indexes: list[int] = []
    line, last = 0, 0
    for off in sorted(offsets):
        line += u8.count(b"\n", last, off)
        last = off
        if not indexes or indexes[-1] != line:
            indexes.append(line)
    return indexes


_NEW_CONTROLS = lazyre.compile("[\x00-\x08\x0a-\x1f\x7f]")


def _repair_mojibake(text: str, u8: bytes, repairs: list[str]) -> str:
    indexes = _mojibake_line_indexes(text, u8)
    if not indexes:
        return text
    lines = text.split("\n")
    candidates = [i for i in indexes if i < len(lines) and _MOJIBAKE_HINT.search(lines[i])]
    if not candidates:
        return text
    fix = _ftfy_fixer()
    changed: list[int] = []
    example = ""
    for i in candidates:
        line = lines[i]
        fixed = fix(line)
        if (
            fixed == line
            or fixed.count("\ufffd") != line.count("\ufffd")  # ftfy may re-encode U+FFFD as ^Z
            or len(_NEW_CONTROLS.findall(fixed)) > len(_NEW_CONTROLS.findall(line))
        ):
            continue  # a repair must not lose a replacement mark or make controls
        if not changed:
            example = f"line {i + 1}: {_snippet(line, fixed)}"
        changed.append(i + 1)
        lines[i] = fixed
    if not changed:
        return text
    repairs.append(f"repaired mojibake on {_plural(len(changed), 'line')} (e.g. {example})")
    return "\n".join(lines)


_ANSI_ESCAPE = lazyre.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")
_SPECIAL = lazyre.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u2028\u2029\u2060\ufeff\ufffe\uffff\ud800-\udfff]"
)
_ZERO_WIDTH = frozenset("\u200b\u2060\ufeff")
_C1_AS_CP1252 = {
    c: ch for c in range(0x80, 0xA0) if (ch := bytes([c]).decode("cp1252", "ignore"))
}


def _clean(text: str, fix_text: bool, repairs: list[str], warnings: list[str]) -> str:
    if "\x1b" in text:
        text, n = _ANSI_ESCAPE.subn("", text)
        if n:
            repairs.append(f"removed {_plural(n, 'ANSI terminal escape sequence')}")
    found = Counter(_SPECIAL.findall(text))
    if not found:
        return text
    table: dict[int, str] = {}
    nul = zero_width = separators = page_breaks = vtabs = surrogates = nonchars = 0
    c1_mapped: dict[str, int] = {}
    controls: Counter[str] = Counter()
    for ch, n in found.items():
        code = ord(ch)
        if ch == "\x00":
            nul += n
            table[code] = ""
        elif ch in _ZERO_WIDTH:
            zero_width += n
            table[code] = ""
        elif ch in "\u2028\u2029":
            separators += n  # kept: a line break inside a paragraph, drawn by the renderer
        elif ch == "\x0c":
            page_breaks += n
            table[code] = " "
        elif ch == "\x0b":
            vtabs += n
            table[code] = " "
        elif "\ud800" <= ch <= "\udfff":
            surrogates += n
            table[code] = ""
        elif ch in "\ufffe\uffff":
            nonchars += n
            table[code] = ""
        elif fix_text and code in _C1_AS_CP1252:
            c1_mapped[ch] = n
            table[code] = _C1_AS_CP1252[code]
        else:
            controls[ch] += n
            table[code] = ""
    text = text.translate(table)
    if nul:
        repairs.append(f"removed {_plural(nul, 'NUL byte')}")
        warnings.append(f"the file contains {_plural(nul, 'NUL byte')}; it may be damaged")
    if zero_width:
        repairs.append(f"removed {_plural(zero_width, 'zero-width character')}")
    if c1_mapped:
        ch = max(c1_mapped, key=c1_mapped.__getitem__)
        n = sum(c1_mapped.values())
        repairs.append(
            f"replaced {_plural(n, 'C1 control character')} with the Windows-1252 "
            f"character meant (e.g. U+{ord(ch):04X} → {_C1_AS_CP1252[ord(ch)]})"
        )
    if controls:
        codes = ", ".join(f"U+{ord(c):04X}" for c, _ in controls.most_common(5))
        more = ", …" if len(controls) > 5 else ""
        repairs.append(f"removed {_plural(sum(controls.values()), 'control character')} ({codes}{more})")
    if page_breaks:
        repairs.append(f"replaced {_plural(page_breaks, 'form feed')} (page break) with a space")
    if vtabs:
        repairs.append(f"replaced {_plural(vtabs, 'vertical tab')} (manual line break) with a space")
    if surrogates:
        repairs.append(f"removed {_plural(surrogates, 'lone surrogate')}")
    if nonchars:
        repairs.append(f"removed {_plural(nonchars, 'noncharacter')} (U+FFFE/U+FFFF)")
    return text


_DOS_EOF = lazyre.compile(r"\x1a+(?=[\n\x00]*\Z)")


def _strip_dos_eof(text: str, repairs: list[str]) -> str:
    """Remove the ^Z (0x1A) bytes DOS and XMODEM put at the end of a file."""
    if "\x1a" not in text:
        return text
    m = _DOS_EOF.search(text)
    if not m:
        return text
    n = m.end() - m.start()
    repairs.append("removed DOS end-of-file byte" if n == 1 else f"removed {n} DOS end-of-file bytes (^Z)")
    return text[: m.start()] + text[m.end() :]


def _finish(
    text: str,
    sink: _Sink,
    *,
    encoding: str,
    confidence: float,
    reason: str,
    fix_text: bool,
    repairs: list[str],
    warnings: list[str],
    boms: int = 0,
    utf8: bytes | None = None,
) -> Decoded:
    """Normalise newlines, account for U+FFFD, clean up, repair, NFC.

    *utf8*, if given, is bytes whose UTF-8 decoding is exactly *text*; it
    spares encoding the text again for the byte-level pre-checks.
    """
    newline = _newline_style(text)
    if newline != "LF" and newline != "none":
        text = text.replace("\r\n", "\n")
        if newline != "CRLF":
            text = text.replace("\r", "\n")
        if utf8 is not None:
            utf8 = utf8.replace(b"\r\n", b"\n")
            if newline != "CRLF":
                utf8 = utf8.replace(b"\r", b"\n")

    if sink.errors:
        bad_lines: list[int] = []
        if sink.marker != "\ufffd":
            line, last = 1, 0
            pos = text.find(sink.marker)
            while pos != -1:
                line += text.count("\n", last, pos)
                bad_lines.append(line)
                last = pos
                pos = text.find(sink.marker, pos + 1)
            text = text.replace(sink.marker, "\ufffd")
        where = f" on {_lines_phrase(bad_lines)}" if bad_lines else ""
        n = sink.errors
        verb = "was" if n == 1 else "were"
        warnings.insert(
            0,
            f"{_plural(n, 'character')} could not be decoded and {verb} replaced with U+FFFD{where}",
        )

    lead = len(text) - len(text.lstrip("\ufeff"))
    if lead:
        text = text[lead:]
    boms += lead
    if boms:
        repairs.insert(0, "removed BOM" if boms == 1 else f"removed {boms} BOMs")

    if utf8 is None or sink.errors:
        utf8 = text.encode("utf-8", "surrogatepass")

    text = _strip_dos_eof(text, repairs)

    repaired = False
    if fix_text and not utf8.isascii():
        before = len(repairs)
        text = _repair_mojibake(text, utf8, repairs)
        repaired = len(repairs) > before
    if repaired or _maybe_special(text, utf8):
        text = _clean(text, fix_text, repairs, warnings)

    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        changed = sum(1 for line in text.split("\n") if not unicodedata.is_normalized("NFC", line))
        text = unicodedata.normalize("NFC", text)
        repairs.append(f"normalized {_plural(changed, 'line')} to Unicode NFC (composed accents)")

    return Decoded(
        text=text,
        encoding=encoding,
        confidence=confidence,
        reason=reason,
        newline=newline,
        repairs=tuple(repairs),
        warnings=tuple(warnings),
        replacement_count=sink.errors,
    )


# --------------------------------------------------------------------------
# The entry point
# --------------------------------------------------------------------------

_ISO2022_ESCAPES = (b"\x1b$B", b"\x1b$@", b"\x1b$(", b"\x1b$A", b"\x1b$)")


def decode(data: bytes, *, encoding: str | None = None, fix_text: bool = True) -> Decoded:
    """Decode a whole story file to clean NFC text with ``\\n`` newlines.

    Raises :class:`FicError` for an unknown *encoding* name and for files that
    are not text (images, archives, e-books, programs, NUL-filled data).
    Undecodable bytes never raise: they become U+FFFD, counted and located.
    Empty *data* gives an empty :class:`Decoded`.
    """
    data = bytes(data)
    repairs: list[str] = []
    warnings: list[str] = []
    common = {"fix_text": fix_text, "repairs": repairs, "warnings": warnings}

    if encoding is not None:
        codec = _lookup(encoding)
        desc = _magic(data) if data else None
        if desc:
            raise FicError(f"this looks like {desc}, not a text file")
        text, sink = _decode_counted(data, codec)
        return _finish(text, sink, encoding=codec, confidence=1.0, reason="--encoding given", **common)

    if not data:
        return Decoded("", "utf-8", 1.0, "empty file", "none", (), (), 0)

    bom = _sniff_bom(data)
    if bom:
        mark, codec, reason = bom
        body = data[len(mark) :]
        if codec == "utf-8-sig":
            return _decode_utf8(body, fix_text, repairs, warnings, boms=1, bom_reason=reason)
        text, sink = _decode_counted(body, codec)
        return _finish(
            text, sink, encoding=codec, confidence=0.9 if sink.errors else 1.0,
            reason=reason, boms=1, **common,
        )  # fmt: skip

    desc = looks_binary(data)
    if desc:
        raise FicError(f"this looks like {desc}, not a text file")

    if b"\x00" in data:
        wide = _sniff_wide(data)
        if wide:
            text, sink = _decode_counted(data, wide)
            label = wide.upper().replace("-LE", " LE").replace("-BE", " BE")
            return _finish(
                text, sink, encoding=wide, confidence=0.9,
                reason=f"{label} without BOM (NUL-byte pattern)", **common,
            )  # fmt: skip

    return _decode_utf8(data, fix_text, repairs, warnings)


def _decode_utf8(
    data: bytes,
    fix_text: bool,
    repairs: list[str],
    warnings: list[str],
    *,
    boms: int = 0,
    bom_reason: str | None = None,
) -> Decoded:
    """Steps 5-7: strict UTF-8, mostly UTF-8, else a legacy 8-bit codec."""
    common = {"fix_text": fix_text, "repairs": repairs, "warnings": warnings, "boms": boms}
    base = "utf-8-sig" if bom_reason else "utf-8"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if data.isascii():
            if not bom_reason and b"\x1b$" in data and any(e in data for e in _ISO2022_ESCAPES):
                try:
                    text = data.decode("iso2022_jp_2")
                except UnicodeDecodeError:
                    pass
                else:
                    return _finish(
                        text, _Sink("\ufdd0"), encoding="iso2022_jp_2", confidence=0.9,
                        reason="ISO-2022-JP escape sequences", **common,
                    )  # fmt: skip
            reason = bom_reason or "plain ASCII (valid UTF-8)"
            return _finish(
                text, _Sink("\ufdd0"), encoding=base, confidence=1.0, reason=reason, utf8=data, **common
            )
        reason = bom_reason or "valid UTF-8 throughout"
        return _finish(text, _Sink("\ufdd0"), encoding=base, confidence=1.0 if bom_reason else 0.99,
                       reason=reason, utf8=data, **common)  # fmt: skip

    # Some bytes are not UTF-8. Decode UTF-8 where it works, cp1252 for the
    # byte runs that fail, and see how much of the file that is.  Valid
    # multi-byte UTF-8 on a line is strong evidence (legacy text almost never
    # forms it by chance), so 2/3 of the non-ASCII lines is enough.
    text, sink = _decode_counted(data, "utf-8", "fic2book.utf8-cp1252")
    bad_lines = sorted(set(_byte_lines(data, sink.fallback)))
    lines = data.splitlines()
    non_ascii_lines = sum(1 for line in lines if not line.isascii())
    good = non_ascii_lines - len(bad_lines)
    if not bad_lines:  # only a character cut short at the very end
        warnings.append("the file ends in the middle of a character; it may have been cut short")
        reason = bom_reason or "valid UTF-8 (last character cut short)"
        return _finish(text, sink, encoding=base, confidence=0.95, reason=reason, **common)
    if bom_reason or (good > 0 and 3 * good >= 2 * non_ascii_lines):
        fallback = "cp1252"
        if len(bad_lines) >= 3:  # enough text to tell cp1252 from Mac Roman or cp437
            stray = b"\n".join(lines[i - 1] for i in bad_lines if i <= len(lines))
            fallback = _choose_legacy(stray, single_byte=True)[0]
            if fallback != "cp1252":
                text, sink = _decode_counted(data, "utf-8", "fic2book.utf8-cp1252", fallback)
        n_bad = _plural(len(bad_lines), "line")
        repairs.append(f"decoded {n_bad} as {fallback} in a UTF-8 file ({_lines_phrase(bad_lines)})")
        reason = f"{bom_reason or 'mostly valid UTF-8'}; {n_bad} not UTF-8, read as {fallback}"
        confidence = 0.9 if bom_reason else round(max(0.3, 0.9 * good / non_ascii_lines), 2)
        return _finish(text, sink, encoding=f"{base}+{fallback}", confidence=confidence, reason=reason, **common)

    codec, confidence, reason, warning = _choose_legacy(data)
    if warning:
        warnings.append(warning)
    text, sink = _decode_counted(data, codec)
    return _finish(text, sink, encoding=codec, confidence=confidence, reason=reason, **common)
