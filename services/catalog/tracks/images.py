"""Checks that a media key names an image we accept, judged by its first bytes."""
from __future__ import annotations

from services.catalog.tracks import rules
from services.common.media import MediaError, MediaStore
from services.common.validation import invalid

NOT_AN_IMAGE = "not a PNG, JPEG or WebP image"


def content_type_of(media: MediaStore, key: str, field: str) -> str:
    """The image's content type; ``InvalidField`` naming ``field`` if it is missing or not an image."""
    try:
        head = media.read_head(key, 16)
    except (MediaError, OSError):
        raise invalid(field, "no such file in the media store") from None
    content_type = rules.image_content_type(head)
    if content_type is None:
        raise invalid(field, NOT_AN_IMAGE)
    return content_type
