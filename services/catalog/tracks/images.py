"""Checks that a media key names an image we accept, judged by its first bytes (services/common/images.py, the
checker every process shares)."""
from __future__ import annotations

from services.common.images import NOT_AN_IMAGE, stored_image_type  # noqa: F401 (NOT_AN_IMAGE: re-exported)
from services.common.media import MediaStore


def content_type_of(media: MediaStore, key: str, field: str) -> str:
    """The image's content type; ``InvalidField`` naming ``field`` if it is missing or not an image."""
    return stored_image_type(media, key, field)
