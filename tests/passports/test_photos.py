"""The passport photo is checked by its content: type, size, dimensions, and hostile files."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageFile

from nara.core.errors import Invalid
from nara.passports.photos import MAX_PHOTO_BYTES, MAX_PIXELS, validate_photo
from tests.passports.conftest import Api, jpeg, png, png_bomb
from tests.support import assert_problem

Make = Callable[..., dict[str, Any]]
Unchanged = Callable[[], Callable[[], None]]


def _noise_jpeg(width: int, height: int) -> bytes:
    """A JPEG of random pixels, which compresses badly: large for its size."""
    image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=100)
    return buffer.getvalue()


def _gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (413, 531)).save(buffer, "GIF")
    return buffer.getvalue()


BAD_PHOTOS: dict[str, tuple[Callable[[], bytes], str]] = {
    "a GIF": (_gif, "photo_type"),
    "a text file": (lambda: b"hello, this is not an image" * 10, "photo_type"),
    "a file over 500 KB": (lambda: _noise_jpeg(1050, 1350), "photo_too_large"),
    "too small": (lambda: jpeg(350, 450), "photo_dimensions"),
    "landscape": (lambda: jpeg(1000, 800), "photo_dimensions"),
    "square": (lambda: jpeg(600, 600), "photo_dimensions"),
    "not 35:45 within 3 %": (lambda: jpeg(450, 531), "photo_dimensions"),
    "a truncated JPEG": (lambda: jpeg(700, 900)[:1500], "photo_unreadable"),
    "a JPEG header only": (lambda: b"\xff\xd8\xff\xe0" + bytes(60), "photo_unreadable"),
    "a broken PNG": (lambda: png()[:100] + bytes(200), "photo_unreadable"),
    "a PNG bomb Pillow refuses": (lambda: png_bomb(15_000), "photo_unreadable"),
    "a PNG declaring too many pixels": (lambda: png_bomb(5_000), "photo_unreadable"),
}


@pytest.mark.parametrize("name", list(BAD_PHOTOS))
def test_a_bad_photo_is_refused_and_nothing_is_stored(
    client: TestClient,
    headers: dict[str, str],
    draft: Make,
    unchanged: Unchanged,
    name: str,
) -> None:
    make, code = BAD_PHOTOS[name]
    application = draft()
    check = unchanged()

    response = client.put(
        f"/api/passports/applications/{application['id']}/photo",
        files={"photo": ("photo.jpg", make(), "image/jpeg")},
        headers=headers,
    )

    assert_problem(response, 422, code)
    check()


def test_the_bomb_is_small_on_the_wire_and_refused_unread() -> None:
    bomb = png_bomb(15_000)
    assert len(bomb) < MAX_PHOTO_BYTES
    assert MAX_PIXELS < 30_000 * 30_000
    with pytest.raises(Invalid) as refused:
        validate_photo(bomb)
    assert refused.value.code == "photo_unreadable"


def test_a_png_is_accepted_whatever_type_the_client_declares(api: Api, draft: Make) -> None:
    application = draft()

    answer = api(
        "put",
        f"applications/{application['id']}/photo",
        files={"photo": ("photo.jpg", png(700, 900), "image/jpeg")},
    )

    assert answer["photo"]["media_type"] == "image/png"
    assert (answer["photo"]["width"], answer["photo"]["height"]) == (700, 900)


def test_a_new_photo_replaces_the_earlier_one(api: Api, draft: Make) -> None:
    application = draft()
    path = f"applications/{application['id']}/photo"

    first = api("put", path, files={"photo": ("a.jpg", jpeg())})["photo"]
    second = api("put", path, files={"photo": ("b.png", png())})["photo"]

    assert first["sha256"] != second["sha256"]
    assert second["media_type"] == "image/png"


def test_the_photo_is_stored_with_its_digest() -> None:
    data = jpeg(826, 1062)

    photo = validate_photo(data)

    assert (photo.media_type, photo.width, photo.height) == ("image/jpeg", 826, 1062)
    assert photo.sha256 == hashlib.sha256(data).hexdigest()


def test_exif_orientation_is_honoured() -> None:
    """A portrait photo stored on its side with an EXIF 'rotate 90°' tag is portrait."""
    exif = Image.Exif()
    exif[0x0112] = 6
    photo = validate_photo(jpeg(531, 413, exif=exif.tobytes()))
    assert (photo.width, photo.height) == (413, 531)


def test_a_photo_upload_needs_a_file(
    client: TestClient, headers: dict[str, str], draft: Make
) -> None:
    application = draft()
    response = client.put(f"/api/passports/applications/{application['id']}/photo", headers=headers)
    assert_problem(response, 422, "validation_failed")


def test_a_truncated_photo_is_refused_even_once_weasyprint_is_loaded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # WeasyPrint, which renders certificates in the same process, tells Pillow to pad
    # truncated images instead of failing: the check must not depend on Pillow for that.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    for broken in (jpeg(700, 900)[:1500], png()[:100] + bytes(200)):
        with pytest.raises(Invalid) as refused:
            validate_photo(broken)
        assert refused.value.code == "photo_unreadable"
