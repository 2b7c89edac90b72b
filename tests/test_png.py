"""The PNG writer: every image it writes decodes, with zlib's own checks, to exactly its pixels."""

from __future__ import annotations

import io
import random
import struct
import zlib

import pytest
from PIL import Image

from fic2book.render.png import _adler_repeat, _up_rows, encode_rgb


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    out, at = [], 8
    while at < len(data):
        (length,) = struct.unpack_from(">I", data, at)
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack_from(">I", data, at + 8 + length)
        assert crc == zlib.crc32(kind + body), kind
        out.append((kind, body))
        at += 12 + length
    return out


def _rows(width: int, runs: list[int], seed: int) -> bytes:
    """Rows in runs of repeats: ``runs=[1, 3]`` is one row, then another row three times."""
    rng = random.Random(seed)
    out = []
    for count in runs:
        row = bytes(rng.choice((0, 7, 200, 255)) for _ in range(3 * width))
        out.append(row * count)
    return b"".join(out)


def _check(raw: bytes, width: int, height: int) -> bytes:
    png = encode_rgb(raw, width, height)
    chunks = _chunks(png)
    assert [kind for kind, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    assert chunks[0][1] == struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    stride = 3 * width
    # zlib.decompress checks the Adler-32 and refuses a stream that does not end.
    rows = [raw[y * stride : (y + 1) * stride] for y in range(height)]
    # A row like the one above is written with filter "Up" (all zeros), any other unfiltered.
    expected = [b"\x02" + bytes(stride) if y and row == rows[y - 1] else b"\x00" + row for y, row in enumerate(rows)]
    assert zlib.decompress(chunks[1][1]) == b"".join(expected)
    image = Image.open(io.BytesIO(png))
    image.load()
    assert (image.mode, image.size) == ("RGB", (width, height))
    assert image.tobytes() == raw
    return png


@pytest.mark.parametrize("width", [1, 2, 5, 86, 87, 172, 1600])
@pytest.mark.parametrize("runs", [[1], [1, 1, 1], [4], [1, 2, 1, 3], [2, 1, 300], [1, 1, 1, 1, 1, 60, 1]])
def test_decodes_to_the_same_pixels(width, runs):
    _check(_rows(width, runs, seed=width * 31 + len(runs)), width, sum(runs))


def test_wide_rows():
    _check(_rows(11000, [1, 3, 1], seed=1), 11000, 5)


def test_a_cover_like_image_is_small_and_deterministic():
    image = Image.new("RGB", (1600, 2560), (20, 33, 61))
    image.paste((200, 160, 70), (0, 1000, 1600, 1400))
    image.paste((255, 255, 255), (100, 0, 104, 2560))
    raw = image.tobytes()
    first = _check(raw, 1600, 2560)
    assert first == encode_rgb(raw, 1600, 2560)
    assert len(first) < 25_000  # 12 MB of pixels, nearly all of them repeated rows


def test_adler_of_a_repeated_block_matches_zlib():
    rng = random.Random(7)
    for _ in range(200):
        head = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 40)))
        block = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
        times = rng.randrange(1, 5000)
        got = _adler_repeat(zlib.adler32(head), zlib.adler32(block), len(block), times)
        assert got == zlib.adler32(head + block * times)


@pytest.mark.parametrize("stride", [3, 6, 255, 258, 261, 262, 4800, 30000])
@pytest.mark.parametrize("rows", [1, 2, 7, 300])
def test_repeated_rows_block_inflates_to_up_filtered_zero_rows(stride, rows):
    final = b"\x03\x00"  # an empty final fixed-Huffman block
    out = zlib.decompressobj(-15).decompress(_up_rows(stride, rows) + final)
    assert out == (b"\x02" + bytes(stride)) * rows


@pytest.mark.parametrize("raw,width,height", [(b"\0" * 5, 1, 2), (b"", 0, 0), (b"\0" * 6, 1, 1)])
def test_wrong_sizes_are_refused(raw, width, height):
    with pytest.raises(ValueError):
        encode_rgb(raw, width, height)
