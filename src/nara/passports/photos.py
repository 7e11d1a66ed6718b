"""The passport photo (여권 사진): checked by its content, never by the type a client declares.

A photo is a JPEG or a PNG (its magic bytes, then a full decode by Pillow in that format
only) of at most `MAX_PHOTO_BYTES`, at least `MIN_WIDTH` × `MIN_HEIGHT` pixels, portrait, in
the 35:45 proportion of a passport photo within `ASPECT_TOLERANCE`. A file that declares more
pixels than `MAX_PIXELS` is refused before it is decoded (a decompression bomb), and so is
anything Pillow itself flags as one.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import Final

from PIL import Image, UnidentifiedImageError

from nara.core.errors import Invalid, invalid

MAX_PHOTO_BYTES: Final = 500 * 1024
"""The largest photo file accepted (500 KB)."""
MIN_WIDTH: Final = 413
MIN_HEIGHT: Final = 531
"""The smallest photo accepted, in pixels (35 × 45 mm at 300 dpi)."""
ASPECT: Final = 35 / 45
ASPECT_TOLERANCE: Final = 0.03
"""How far width / height may stray from 35:45, as a fraction of it."""
MAX_PIXELS: Final = 20_000_000
"""The most pixels a photo may declare; more is refused unread (a decompression bomb)."""

_SIGNATURES: Final = (
    (b"\xff\xd8\xff", "JPEG", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "PNG", "image/png"),
)
_ROTATED: Final = frozenset({5, 6, 7, 8})
"""EXIF orientations that turn the stored image a quarter turn (width and height swap)."""
_ORIENTATION_TAG: Final = 0x0112


@dataclass(frozen=True)
class ValidatedPhoto:
    """A photo that passed every check, as it is stored."""

    data: bytes
    media_type: str
    width: int
    height: int
    sha256: str


def _unreadable(detail: str, detail_ko: str) -> Invalid:
    return invalid(
        "photo_unreadable",
        f"The photo could not be read as an image: {detail}.",
        f"사진을 이미지로 읽을 수 없습니다: {detail_ko}.",
        field_name="photo",
    )


def _kind_of(data: bytes) -> tuple[str, str]:
    for signature, pillow_format, media_type in _SIGNATURES:
        if data.startswith(signature):
            return pillow_format, media_type
    raise invalid(
        "photo_type",
        "A passport photo is a JPEG or PNG file; this file is neither.",
        "여권 사진은 JPEG 또는 PNG 파일이어야 합니다. 이 파일은 둘 다 아닙니다.",
        field_name="photo",
    )


def _check_size(data: bytes) -> None:
    if len(data) > MAX_PHOTO_BYTES:
        raise invalid(
            "photo_too_large",
            f"A passport photo is at most {MAX_PHOTO_BYTES // 1024} KB.",
            f"여권 사진은 {MAX_PHOTO_BYTES // 1024}KB 이하여야 합니다.",
            field_name="photo",
        )


def _decoded_size(data: bytes, pillow_format: str) -> tuple[int, int]:
    """Width and height of the photo as shown, after a full decode; refuses bombs unread."""
    bomb = _unreadable(
        "it declares more pixels than any photo has (a decompression bomb)",
        "어떤 사진보다도 많은 화소를 선언합니다 (압축 폭탄)",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise bomb
                image.load()
                orientation = image.getexif().get(_ORIENTATION_TAG)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise bomb from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise _unreadable("it is broken or truncated", "손상되었거나 잘렸습니다") from None
    if orientation in _ROTATED:
        return height, width
    return width, height


def _check_dimensions(width: int, height: int) -> None:
    shown = f"{width}×{height}"
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise invalid(
            "photo_dimensions",
            f"The photo is {shown} pixels; at least {MIN_WIDTH}×{MIN_HEIGHT} are needed.",
            f"사진이 {shown} 화소입니다. {MIN_WIDTH}×{MIN_HEIGHT} 이상이어야 합니다.",
            field_name="photo",
        )
    if height <= width:
        raise invalid(
            "photo_dimensions",
            f"The photo is {shown} pixels; a passport photo is portrait (taller than wide).",
            f"사진이 {shown} 화소입니다. 여권 사진은 세로가 더 긴 세로형이어야 합니다.",
            field_name="photo",
        )
    if abs((width / height) / ASPECT - 1) > ASPECT_TOLERANCE:
        raise invalid(
            "photo_dimensions",
            f"The photo is {shown} pixels; a passport photo is 35:45 (within 3 %).",
            f"사진이 {shown} 화소입니다. 여권 사진의 가로세로 비율은 35:45(오차 3% 이내)입니다.",
            field_name="photo",
        )


def _check_complete(data: bytes, pillow_format: str) -> None:
    """A JPEG ends with its end-of-image marker, a PNG with its IEND chunk.

    Pillow's decoder cannot be trusted to refuse a truncated file: WeasyPrint, loaded in the
    same process, sets `ImageFile.LOAD_TRUNCATED_IMAGES`, after which Pillow pads a cut-off
    image instead of failing. The file's own end marker decides instead."""
    if pillow_format == "JPEG":
        complete = data.endswith(b"\xff\xd9")
    else:
        complete = data[-12:] == b"\x00\x00\x00\x00IEND\xaeB`\x82"
    if not complete:
        raise _unreadable("it is broken or truncated", "손상되었거나 잘렸습니다")


def validate_photo(data: bytes) -> ValidatedPhoto:
    """The photo if it passes every check; otherwise 422 `photo_type`, `photo_too_large`,
    `photo_unreadable` or `photo_dimensions`."""
    _check_size(data)
    pillow_format, media_type = _kind_of(data)
    _check_complete(data, pillow_format)
    width, height = _decoded_size(data, pillow_format)
    _check_dimensions(width, height)
    return ValidatedPhoto(
        data=data,
        media_type=media_type,
        width=width,
        height=height,
        sha256=hashlib.sha256(data).hexdigest(),
    )
