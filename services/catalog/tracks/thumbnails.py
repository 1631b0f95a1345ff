"""Covers at the size a page shows them (docs/covers.md "Sizes"). A cover is kept as uploaded — up to
COVER_MAX_BYTES, often a few megabytes — or as a 1200 × 1200 preset; a catalog page of twenty beats must not fetch
that twenty times. ``sized`` gives the source of the cover scaled to fit ``size`` × ``size`` (never enlarged), as
WebP, made the first time it is asked for and kept in the media store under ``thumbnails/<size>/<source key>.webp``.

A thumbnail's key is derived from its source's, so a new cover image (a new key) never serves an old thumbnail;
``with_thumbnails`` names the thumbnails that go when their source is deleted. An upload is judged an image by its
first bytes only: one Pillow cannot decode, or of more than ``MAX_PIXELS`` (decoding it would take gigabytes), is
served as stored instead, and the refusal logged.
"""
from __future__ import annotations

import io
import logging
from pathlib import Path

from PIL import Image, ImageOps

from services.common import offhub
from services.common.media import MediaStore
from services.contracts.vocabularies import COVER_SIZES

AREA = "thumbnails"
CONTENT_TYPE = "image/webp"
QUALITY = 82
#: 40 megapixels (an 8K square is 33): larger pictures are not decoded to be scaled
MAX_PIXELS = 40_000_000

log = logging.getLogger(__name__)


class Unscalable(ValueError):
    """The image cannot or should not be decoded to be scaled."""


def key_of(source_key: str, size: int) -> str:
    return f"{AREA}/{size}/{source_key}.webp"


def with_thumbnails(*keys: str | None) -> list[str]:
    """``keys`` and every thumbnail that may have been made of them (for deleting a cover and its sizes at once)."""
    present = [key for key in keys if key]
    return present + [key_of(key, size) for key in present for size in COVER_SIZES]


def render(source: Path, size: int) -> bytes:
    """The image at ``source`` fitted into ``size`` × ``size`` (kept if already smaller), upright as its EXIF says,
    as WebP (alpha kept). Runs in an OS thread: Pillow only, no green primitive."""
    with Image.open(source) as picture:
        if picture.width * picture.height > MAX_PIXELS:  # read from the header: nothing decoded yet
            raise Unscalable(f"{picture.width} × {picture.height} pixels is more than {MAX_PIXELS:,}")
        picture.draft("RGB", (size, size))  # a JPEG decodes at a fraction of its size: far less work
        picture = ImageOps.exif_transpose(picture)
        picture = picture.convert("RGBA" if _has_alpha(picture) else "RGB")
        picture.thumbnail((size, size), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        picture.save(out, format="WEBP", quality=QUALITY, method=4)
        return out.getvalue()


def _has_alpha(picture: Image.Image) -> bool:
    return picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info)


def sized(media: MediaStore, source: dict[str, str], size: int | None) -> dict[str, str]:
    """``source`` (``{"key", "content_type", …}``) itself when ``size`` is None, else its thumbnail's source."""
    if size is None:
        return source
    key = key_of(source["key"], size)
    if not media.exists(key):
        try:
            media.save_bytes(key, offhub.run(render, media.path(source["key"]), size))
        except (Unscalable, OSError, Image.DecompressionBombError) as exc:  # OSError: Pillow's "cannot identify"
            log.warning("cover %s not scaled to %d px, served as stored: %s", source["key"], size, exc)
            return source
    return {**source, "key": key, "content_type": CONTENT_TYPE}
