"""A cover image the reader supplies: opened with care, checked, converted, scaled.

A cover comes from anywhere (a phone, a fan artist, a download), so it is
treated as hostile until Pillow has decoded every pixel:

- only JPEG, PNG and WebP decoders are tried, and the file may be at most
  :data:`MAX_FILE_BYTES`;
- the declared size is checked *before* any pixel is decoded: more than
  :data:`MAX_PIXELS` is refused as a possible decompression bomb (Pillow's own
  bomb warning is turned into the same refusal, never printed);
- a truncated or corrupt file is refused (Pillow's ``LOAD_TRUNCATED_IMAGES``
  is never turned on), after ``verify()`` has checked PNG checksums too.

A refused image is not fatal: :func:`load_cover` returns the reason, and the
book gets the generated cover with that reason as a warning.

What is kept is re-encoded, so no EXIF (GPS positions, camera serials)
reaches the book and the bytes depend on the pixels only: turned upright by
its EXIF orientation, flattened onto white if it has transparency, scaled
down to fit :data:`MAX_SIZE` keeping its proportions (never up), then a JPEG
for a photographic source (JPEG, or WebP, which EPUB 2 readers and Kindle do
not take) and a PNG for a PNG.
"""

from __future__ import annotations

import io
import struct
import warnings
from pathlib import Path

from .model import CoverImage
from .sources import format_size

MAX_SIZE = (1600, 2560)
"""The largest cover kept: width × height in pixels (Kindle's and Kobo's recommendation)."""
MAX_PIXELS = 50_000_000
"""Larger images (a 7000 × 7000 photo is 49 million) are refused before decoding."""
MAX_FILE_BYTES = 50 * 1024 * 1024
FORMATS = ("JPEG", "PNG", "WEBP")
JPEG_QUALITY = 90
SMALL_SIDE = 300
"""A cover narrower than this is used, with a warning that it will look blurred."""


class CoverRefused(Exception):
    """The image cannot be used as a cover; the message says why, for a warning."""


def _open_checked(data: bytes) -> object:
    """The image opened and fully decoded, or :class:`CoverRefused`."""
    from PIL import Image

    def opened() -> Image.Image:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS)
        width, height = image.size
        if width < 1 or height < 1:
            raise CoverRefused("has no pixels")
        if width * height > MAX_PIXELS:
            raise CoverRefused(
                f"declares {width} × {height} pixels, more than the {MAX_PIXELS // 1_000_000} million fic2book "
                "decodes (a decompression bomb, or a photo to scale down first)"
            )
        return image

    try:
        opened().verify()  # PNG: every chunk's checksum; the image cannot be used after verify()
        image = opened()
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
    except CoverRefused:
        raise
    except Image.UnidentifiedImageError:
        raise CoverRefused("is not a JPEG, PNG or WebP image") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise CoverRefused("is too large to decode safely (a decompression bomb?)") from None
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError, struct.error) as exc:
        reason = str(exc) or type(exc).__name__
        if "truncated" in reason.lower():
            raise CoverRefused("is truncated (the file was cut short)") from None
        raise CoverRefused(f"is damaged and cannot be decoded ({reason})") from None
    return image


def convert(data: bytes, source: str = "") -> tuple[CoverImage, list[str]]:
    """``data`` as a cover: checked, upright, flattened, scaled, re-encoded; and any warnings.

    Raises :class:`CoverRefused` when the image cannot be used.
    """
    from PIL import Image, ImageOps

    image = _open_checked(data)
    assert isinstance(image, Image.Image)
    kind = image.format
    notes: list[str] = []
    try:
        image = ImageOps.exif_transpose(image)
    except Exception:  # noqa: BLE001 - a broken EXIF block only loses the rotation
        pass
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    elif image.mode != "RGB":
        image = image.convert("RGB")
    if image.width > MAX_SIZE[0] or image.height > MAX_SIZE[1]:
        scale = min(MAX_SIZE[0] / image.width, MAX_SIZE[1] / image.height)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    if min(image.size) < SMALL_SIDE:
        notes.append(f"is only {image.width} × {image.height} pixels; it will look blurred on most screens")
    out = io.BytesIO()
    if kind == "PNG":
        image.save(out, format="PNG", optimize=False, compress_level=6)
        media_type = "image/png"
    else:
        image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=False, progressive=False, subsampling="4:2:0")
        media_type = "image/jpeg"
    return CoverImage(out.getvalue(), media_type, image.width, image.height, source), notes  # type: ignore[arg-type]


def load_cover(path: Path) -> tuple[CoverImage | None, list[str]]:
    """The cover at ``path`` and warnings about it; None and the reason when it cannot be used.

    A missing file is the caller's business (a named ``--cover`` that does not exist is an error).
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [f"the cover {path} is {format_size(size)}, more than {format_size(MAX_FILE_BYTES)}; using a generated cover"]
        data = path.read_bytes()
    except OSError as exc:
        return None, [f"the cover {path} cannot be read ({exc.strerror or exc}); using a generated cover"]
    try:
        cover, notes = convert(data, str(path))
    except CoverRefused as exc:
        return None, [f"the cover {path} {exc}; using a generated cover"]
    return cover, [f"the cover {path} {note}" for note in notes]
