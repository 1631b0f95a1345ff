"""Covers at the sizes pages show them (thumbnails.py): fitted, never enlarged, upright, alpha kept, WebP; keys
derived from the source's, so a deleted cover takes its thumbnails with it."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from services.catalog.tracks import thumbnails
from services.common.media import CATALOG, MediaStore
from services.contracts.vocabularies import COVER_SIZES

ORIENTATION = 0x0112
ROTATED_90_CW = 6  # EXIF: the camera held sideways; viewers turn the picture a quarter clockwise


def stored(tmp_path, picture: Image.Image, fmt: str, key: str = "covers/2026/12/c.img", **save) -> MediaStore:
    media = MediaStore(tmp_path, owner=CATALOG)
    out = io.BytesIO()
    picture.save(out, format=fmt, **save)
    media.save_bytes(key, out.getvalue())
    return media


def opened(media: MediaStore, source: dict) -> Image.Image:
    picture = Image.open(media.path(source["key"]))
    picture.load()
    return picture


@pytest.mark.parametrize("size", COVER_SIZES)
def test_a_large_cover_is_fitted_into_the_size_keeping_its_shape(tmp_path, size):
    media = stored(tmp_path, Image.new("RGB", (2400, 1200), (200, 40, 40)), "JPEG")
    source = {"key": "covers/2026/12/c.img", "content_type": "image/jpeg"}
    small = thumbnails.sized(media, source, size)
    assert small == {"key": f"thumbnails/{size}/covers/2026/12/c.img.webp", "content_type": "image/webp"}
    picture = opened(media, small)
    assert (picture.format, picture.size) == ("WEBP", (size, size // 2))
    red, green, blue = picture.convert("RGB").getpixel((size // 2, size // 4))
    assert red > 170 and green < 80 and blue < 80  # the same picture, not a blank


def test_a_small_cover_is_not_enlarged_and_no_size_is_the_cover_itself(tmp_path):
    media = stored(tmp_path, Image.new("RGB", (64, 48), "navy"), "PNG")
    source = {"key": "covers/2026/12/c.img", "content_type": "image/png"}
    assert opened(media, thumbnails.sized(media, source, 640)).size == (64, 48)
    assert thumbnails.sized(media, source, None) is source


def test_transparency_survives_and_exif_orientation_is_applied(tmp_path):
    clear = Image.new("RGBA", (800, 800), (0, 0, 0, 0))
    media = stored(tmp_path, clear, "PNG", key="covers/2026/12/a.img")
    assert opened(media, thumbnails.sized(media, {"key": "covers/2026/12/a.img"}, 160)).getpixel((5, 5))[3] == 0
    sideways = Image.new("RGB", (1000, 500), "white")
    exif = Image.Exif()
    exif[ORIENTATION] = ROTATED_90_CW
    stored(tmp_path, sideways, "JPEG", key="covers/2026/12/s.img", exif=exif.tobytes())
    assert opened(media, thumbnails.sized(media, {"key": "covers/2026/12/s.img"}, 320)).size == (160, 320)


def test_a_thumbnail_is_made_once_then_found(tmp_path, monkeypatch):
    media = stored(tmp_path, Image.new("RGB", (900, 900), "teal"), "JPEG")
    first = thumbnails.sized(media, {"key": "covers/2026/12/c.img"}, 320)
    monkeypatch.setattr(thumbnails, "render", lambda *args: pytest.fail("drawn twice"))
    assert thumbnails.sized(media, {"key": "covers/2026/12/c.img"}, 320) == first


def test_deleting_a_cover_names_every_size_of_it():
    assert thumbnails.with_thumbnails("covers/x.png", None) == [
        "covers/x.png", *(f"thumbnails/{size}/covers/x.png.webp" for size in COVER_SIZES)]
    assert thumbnails.with_thumbnails(None) == []


def test_an_image_too_large_to_decode_or_broken_is_served_as_stored(tmp_path, monkeypatch):
    media = stored(tmp_path, Image.new("RGB", (400, 300), "olive"), "PNG")
    source = {"key": "covers/2026/12/c.img", "content_type": "image/png"}
    monkeypatch.setattr(thumbnails, "MAX_PIXELS", 400 * 300 - 1)  # one pixel fewer than this picture has
    assert thumbnails.sized(media, source, 160) == source
    media.save_bytes("covers/2026/12/broken.img", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)  # a PNG's magic, no image
    broken = {"key": "covers/2026/12/broken.img", "content_type": "image/png"}
    assert thumbnails.sized(media, broken, 160) == broken
    assert not media.exists(thumbnails.key_of("covers/2026/12/broken.img", 160))
