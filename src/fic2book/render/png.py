"""RGB pixels → PNG bytes, fast when many rows repeat the row above them.

Why this exists: a 1600×2560 cover is 12 MB of pixels, and zlib needs about
25 ms to deflate that much on a small machine, yet most of a cover's rows
repeat the row above (the bands of the background gradient, the frame's
vertical rules). Here only rows that differ from the row above go through
zlib, unfiltered. A repeated row is written with PNG's "Up" filter, which
turns it into zeros, and a run of such rows becomes one hand-made deflate
block (cached by its size, so making it costs nothing) of about 6 bytes a
row.

The result is a plain PNG (IHDR, one IDAT, IEND; no metadata, no time), so
the bytes depend only on the pixels and on the zlib library.
"""

from __future__ import annotations

import functools
import heapq
import struct
import zlib

__all__ = ["encode_rgb"]

_ADLER_MOD = 65521
_NONE, _UP = b"\x00", b"\x02"  # PNG row filter types

# Deflate's length alphabet (RFC 1951, 3.2.5): (symbol, first length, extra bits).
_LENGTHS = tuple(
    zip(
        range(257, 286),
        (3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258),
        (0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0),
    )
)
_CODE_LENGTH_ORDER = (16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15)
_END_OF_BLOCK = 256


def _bits(value: int, count: int) -> str:
    """``value`` as ``count`` bits, least significant first: how deflate packs numbers."""
    return format(value, f"0{count}b")[::-1] if count else ""


def _huffman_lengths(counts: dict[int, int]) -> dict[int, int]:
    """Code lengths of a Huffman code for symbols seen ``counts`` times (one symbol: length 1)."""
    if len(counts) == 1:
        return dict.fromkeys(counts, 1)
    depth = dict.fromkeys(counts, 0)
    heap = [(count, order, (symbol,)) for order, (symbol, count) in enumerate(sorted(counts.items()))]
    heapq.heapify(heap)
    order = len(heap)
    while len(heap) > 1:
        count_a, _, group_a = heapq.heappop(heap)
        count_b, _, group_b = heapq.heappop(heap)
        for symbol in group_a + group_b:
            depth[symbol] += 1
        heapq.heappush(heap, (count_a + count_b, order, group_a + group_b))
        order += 1
    return depth


def _codes(lengths: dict[int, int]) -> dict[int, str]:
    """Canonical Huffman codes (RFC 1951, 3.2.2) for ``{symbol: length}``, first bit first."""
    codes: dict[int, str] = {}
    code = 0
    for length in range(1, max(lengths.values()) + 1):
        for symbol in sorted(s for s, n in lengths.items() if n == length):
            codes[symbol] = format(code, f"0{length}b")
            code += 1
        code <<= 1
    return codes


def _zero_run_lengths(count: int) -> list[tuple[int, str]]:
    """Code-length symbols for ``count`` unused symbols: 18 covers 11–138, 17 covers 3–10."""
    out: list[tuple[int, str]] = []
    while count >= 11:
        n = min(count, 138)
        out.append((18, _bits(n - 11, 7)))
        count -= n
    if count >= 3:
        out.append((17, _bits(count - 3, 3)))
        count = 0
    out.extend((0, "") for _ in range(count))
    return out


def _header(lit: dict[int, int], dist: dict[int, int]) -> str:
    """The header of a dynamic-Huffman block (not final) with these code lengths."""
    nlit = max(lit) + 1
    ndist = max(dist) + 1 if dist else 1  # one distance code of length 0: no copies at all
    sequence: list[tuple[int, str]] = []
    for lengths, size in ((lit, nlit), (dist, ndist)):
        zeros = 0
        for symbol in range(size):
            if lengths.get(symbol, 0):
                sequence += _zero_run_lengths(zeros) + [(lengths[symbol], "")]
                zeros = 0
            else:
                zeros += 1
        sequence += _zero_run_lengths(zeros)
    counts: dict[int, int] = {}
    for symbol, _ in sequence:
        counts[symbol] = counts.get(symbol, 0) + 1
    cl_lengths = _huffman_lengths(counts)
    if len(cl_lengths) == 1:  # a one-symbol code-length code must still be complete
        cl_lengths[next(s for s in _CODE_LENGTH_ORDER if s not in cl_lengths)] = 1
    cl_codes = _codes(cl_lengths)
    ncl = max(4, max(_CODE_LENGTH_ORDER.index(s) for s in cl_lengths) + 1)
    bits = ["001", _bits(nlit - 257, 5), _bits(ndist - 1, 5), _bits(ncl - 4, 4)]
    bits += [_bits(cl_lengths.get(s, 0), 3) for s in _CODE_LENGTH_ORDER[:ncl]]
    bits += [cl_codes[s] + extra for s, extra in sequence]
    return "".join(bits)


@functools.lru_cache(maxsize=64)
def _up_code(stride: int) -> tuple[str, str, str]:
    """The header, one row's bits and the end-of-block code of a block of "Up" zero rows.

    One row is: literal 2, literal 0, then copies of the byte before
    (distance 1, up to 258 bytes each). The code depends on the row length
    only, so a block of any number of rows is this row's bits repeated.
    """
    tokens: list[tuple[int, str]] = [(2, ""), (0, "")]  # (literal/length symbol, extra bits)
    rest = stride - 1
    while rest >= 3:
        n = min(rest, 258)
        symbol, first, extra = next(entry for entry in reversed(_LENGTHS) if entry[1] <= n)
        tokens.append((symbol, _bits(n - first, extra)))
        rest -= n
    tokens += [(0, "")] * rest
    counts: dict[int, int] = {_END_OF_BLOCK: 1}
    for symbol, _ in tokens:
        counts[symbol] = counts.get(symbol, 0) + 1
    lit = _huffman_lengths(counts)
    dist = {0: 1} if any(symbol > _END_OF_BLOCK for symbol in counts) else {}
    codes = _codes(lit)
    # A copy is its length code, then distance code 0 ("0": the only one), no extra bits.
    row = "".join(codes[symbol] + extra + ("0" if symbol > _END_OF_BLOCK else "") for symbol, extra in tokens)
    return _header(lit, dist), row, codes[_END_OF_BLOCK]


@functools.lru_cache(maxsize=4096)
def _up_rows(stride: int, rows: int) -> bytes:
    """Deflate blocks that inflate to ``rows`` rows of filter "Up" and ``stride`` zeros, ending byte-aligned.

    One dynamic-Huffman block (:func:`_up_code`), then an empty stored block so
    that what follows starts on a byte, as after zlib's own ``Z_FULL_FLUSH``.
    """
    header, row, end = _up_code(stride)
    stream = header + row * rows + end + "000"  # then a stored block: not final, type 00
    stream += "0" * (-len(stream) % 8)
    return int(stream[::-1], 2).to_bytes(len(stream) // 8, "little") + b"\x00\x00\xff\xff"


@functools.lru_cache(maxsize=64)
def _up_row_adler(stride: int) -> int:
    return zlib.adler32(bytes(stride), zlib.adler32(_UP))


def _adler_repeat(adler: int, block_adler: int, block_len: int, times: int) -> int:
    """The Adler-32 after appending a block ``times`` times, from the block's own Adler-32."""
    s1 = ((block_adler & 0xFFFF) - 1) % _ADLER_MOD  # sum of the bytes
    s2 = ((block_adler >> 16) - block_len) % _ADLER_MOD  # sum of (len - i) * byte_i
    a, b = adler & 0xFFFF, adler >> 16
    new_b = b + times * block_len * a + s1 * block_len * (times * (times - 1) // 2) + times * s2
    return ((new_b % _ADLER_MOD) << 16) | ((a + times * s1) % _ADLER_MOD)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(data, zlib.crc32(kind)))


def encode_rgb(raw: bytes, width: int, height: int, *, level: int = 1) -> bytes:
    """A PNG of ``width``×``height`` 8-bit RGB pixels given row by row in ``raw``."""
    stride = 3 * width
    if width < 1 or height < 1 or len(raw) != stride * height:
        raise ValueError(f"{len(raw)} bytes are not {width}×{height} RGB pixels")
    view = memoryview(raw)
    comp = zlib.compressobj(level, zlib.DEFLATED, -15)  # raw deflate: the zlib wrapper is written here
    parts = [b"\x78\x01"]
    adler = 1
    y = 0
    while y < height:
        # Rows y … u-1 each differ from the row above: unfiltered, through zlib.
        u = y + 1
        while u < height and not raw.startswith(view[(u - 1) * stride : u * stride], u * stride):
            u += 1
        data = _NONE + _NONE.join(view[r * stride : (r + 1) * stride] for r in range(y, u))
        parts.append(comp.compress(data))
        adler = zlib.adler32(data, adler)
        # Rows u … v-1 repeat row u-1: filter "Up" makes them zeros, coded by hand after a
        # flush that keeps zlib from pointing back into bytes it did not see.
        prev = view[(u - 1) * stride : u * stride]
        v = u
        while v < height and raw.startswith(prev, v * stride):
            v += 1
        if v > u:
            parts.append(comp.flush(zlib.Z_FULL_FLUSH))
            parts.append(_up_rows(stride, v - u))
            adler = _adler_repeat(adler, _up_row_adler(stride), stride + 1, v - u)
        y = v
    parts.append(comp.flush())
    parts.append(struct.pack(">I", adler))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit truecolour, no interlace
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b"")
