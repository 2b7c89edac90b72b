"""Covers the reader supplies: hostile images refused with a warning, good ones upright, flat, scaled, clean."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from helpers import Epub, run_epubcheck
from PIL import Image

from fic2book.coverimage import MAX_SIZE, CoverRefused, convert, load_cover
from fic2book.errors import FicError
from fic2book.pipeline import Options, build, read_book
from fic2book.render.epub import COVER_SIZE

CLI = [sys.executable, "-m", "fic2book"]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG whose header claims ``width`` × ``height`` pixels: a decompression bomb's shape."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + _chunk(b"IEND", b"")


def noise_png(width: int = 300, height: int = 480) -> bytes:
    image = Image.frombytes("RGB", (width, height), bytes((i * 7919) % 251 for i in range(width * height * 3)))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize(
    "data,reason",
    [
        (png_declaring(100_000, 100_000), "decompression bomb"),  # Pillow's own limit
        (png_declaring(8_000, 8_000), "decompression bomb"),  # ours, below Pillow's
        (noise_png()[:-4000], "truncated"),
        (b"This is not a picture, it is my author's note.\n", "not a JPEG, PNG or WebP"),
        (b"GIF89a" + b"\x00" * 40, "not a JPEG, PNG or WebP"),
        (b"", "not a JPEG, PNG or WebP"),
    ],
    ids=["bomb-huge", "bomb-over-our-limit", "truncated-png", "text", "gif", "empty"],
)
def test_hostile_images_are_refused_with_a_reason(data, reason):
    with pytest.raises(CoverRefused, match=reason):
        convert(data)


def test_a_png_with_a_bad_checksum_is_refused():
    data = bytearray(noise_png())
    data[40] ^= 0xFF  # inside the first IDAT: its CRC no longer matches
    with pytest.raises(CoverRefused):
        convert(bytes(data))


def test_a_huge_but_legal_image_is_scaled_to_fit_keeping_its_shape():
    big = Image.new("RGB", (4000, 6400), (90, 30, 40))
    out = io.BytesIO()
    big.save(out, format="JPEG", quality=80)
    cover, warnings = convert(out.getvalue())
    assert (cover.width, cover.height) == (1600, 2560) and cover.media_type == "image/jpeg"
    assert _image(cover.data).size == (1600, 2560) and warnings == []
    wide = io.BytesIO()
    Image.new("RGB", (5000, 1000), "white").save(wide, format="PNG")
    cover, _ = convert(wide.getvalue())
    assert (cover.width, cover.height) == (1600, 320) and cover.width <= MAX_SIZE[0]


def test_a_small_image_is_kept_as_it_is_with_a_warning():
    cover, warnings = convert(noise_png(120, 180))
    assert (cover.width, cover.height) == (120, 180) and cover.media_type == "image/png"
    assert warnings and "blurred" in warnings[0]


def test_exif_turns_it_upright_and_is_not_kept():
    image = Image.new("RGB", (400, 600), (10, 200, 10))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x010F] = "SecretCam"  # camera maker
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    cover, _ = convert(out.getvalue())
    assert (cover.width, cover.height) == (600, 400)
    assert b"SecretCam" not in cover.data and not _image(cover.data).getexif()


def test_transparency_is_flattened_onto_white_and_webp_becomes_jpeg():
    image = Image.new("RGBA", (400, 640), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")
    cover, _ = convert(out.getvalue())
    flat = _image(cover.data)
    assert flat.mode == "RGB" and flat.getpixel((10, 10)) == (255, 255, 255)
    webp = io.BytesIO()
    Image.new("RGB", (400, 640), (200, 10, 10)).save(webp, format="WEBP")
    cover, _ = convert(webp.getvalue())
    assert cover.media_type == "image/jpeg" and _image(cover.data).format == "JPEG"


def test_same_image_same_bytes():
    data = noise_png(500, 800)
    assert convert(data)[0].data == convert(data)[0].data


def test_load_cover_turns_a_refusal_into_a_warning(tmp_path):
    bad = tmp_path / "cover.jpg"
    bad.write_text("not an image\n", encoding="utf-8")
    cover, warnings = load_cover(bad)
    assert cover is None and len(warnings) == 1
    assert "cover.jpg" in warnings[0] and "generated cover" in warnings[0]


# ---------------------------------------------------------------- in a build


def _folder(tmp_path: Path, cover_name: str, cover_data: bytes) -> Path:
    folder = tmp_path / "story"
    folder.mkdir()
    (folder / "1.txt").write_text("Chapter One\n\nIt rained.\n", encoding="utf-8")
    (folder / "2.txt").write_text("Chapter Two\n\nIt stopped.\n", encoding="utf-8")
    (folder / cover_name).write_bytes(cover_data)
    return folder


@pytest.mark.parametrize(
    "name,data",
    [
        ("cover.jpg", b"This is a text file someone named cover.jpg\n"),
        ("cover.png", png_declaring(100_000, 100_000)),
        ("cover.png", noise_png()[:-4000]),
    ],
    ids=["text-named-cover-jpg", "decompression-bomb", "truncated-png"],
)
def test_a_hostile_cover_in_a_folder_gives_a_warning_and_the_generated_cover(tmp_path, name, data):
    folder = _folder(tmp_path, name, data)
    result = subprocess.run([*CLI, "build", str(folder), "-o", str(tmp_path / "out")], capture_output=True, text=True,
                            timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert f"warning: {folder}: the cover {folder / name}" in result.stderr and "generated cover" in result.stderr
    (epub,) = (tmp_path / "out").glob("*.epub")
    book = Epub.open(epub)
    cover = next(i for i in book.manifest().values() if "cover-image" in (i.get("properties") or ""))
    assert cover.get("media-type") == "image/png" and _image(book.read(cover.get("href"))).size == COVER_SIZE


def test_a_good_cover_is_used_in_the_epub_and_the_pdf(tmp_path):
    photo = io.BytesIO()
    Image.new("RGB", (1000, 1500), (30, 60, 120)).save(photo, format="JPEG")
    folder = _folder(tmp_path, "cover.jpg", photo.getvalue())
    book, _ = read_book(folder, Options())
    assert book.cover is not None and (book.cover.width, book.cover.height) == (1000, 1500)
    epub, pdf = build(folder, tmp_path / "out", Options(formats=("epub", "pdf")))
    opened = Epub.open(epub)
    item = next(i for i in opened.manifest().values() if "cover-image" in (i.get("properties") or ""))
    assert (item.get("href"), item.get("media-type")) == ("images/cover.jpg", "image/jpeg")
    assert 'viewBox="0 0 1000 1500"' in opened.read(opened.spine_hrefs()[0]).decode()
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [row.split() for row in listing.splitlines()[2:]]
    assert [(r[0], r[3], r[4]) for r in rows] == [("1", "1000", "1500")]


def test_cover_flag_wins_and_a_missing_one_is_an_error(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("It rained.\n", encoding="utf-8")
    art = tmp_path / "art.png"
    art.write_bytes(noise_png(400, 640))
    book, _ = read_book(story, Options(cover=str(art)))
    assert book.cover is not None and book.cover.media_type == "image/png"
    with pytest.raises(FicError, match="does not exist"):
        read_book(story, Options(cover=str(tmp_path / "missing.png")))
    story.with_suffix(".toml").write_text('cover = "art.png"\n', encoding="utf-8")
    book, _ = read_book(story, Options())
    assert book.cover is not None and book.cover.source == str(art.resolve())


@pytest.mark.slow
def test_a_book_with_a_jpeg_cover_passes_epubcheck(tmp_path):
    import re

    photo = io.BytesIO()
    Image.new("RGB", (1200, 1900), (120, 60, 30)).save(photo, format="JPEG")
    folder = _folder(tmp_path, "cover.jpg", photo.getvalue())
    (epub,) = build(folder, tmp_path / "out", Options(series="A Saga", series_index=1, tags=("Fluff",)))
    report = run_epubcheck(epub)
    summary = re.search(r"Messages: (\d+) fatals / (\d+) errors / (\d+) warnings", report.stdout)
    assert summary and summary.groups() == ("0", "0", "0"), report.stdout + report.stderr
