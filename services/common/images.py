"""Images judged by their content — PNG, JPEG or WebP by the first bytes of the file, never by its name or
the type a client declared. The one checker every process uses: the gateway as an image part arrives
(gateway/uploads.py), catalog for covers and artist images, accounts for avatars."""
from __future__ import annotations

from services.common.media import MediaError, MediaStore
from services.common.validation import invalid

#: how many leading bytes decide (WebP's marker ends at byte 12)
HEAD_BYTES = 16
NOT_AN_IMAGE = "not a PNG, JPEG or WebP image"


def image_content_type(head: bytes) -> str | None:
    """PNG, JPEG or WebP judged by the file's first bytes (not its name); None for anything else."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def stored_image_type(media: MediaStore, key: str, field: str) -> str:
    """The content type of the image stored at ``key``; ``InvalidField`` naming ``field`` if there is no
    such file or it is not an image."""
    try:
        head = media.read_head(key, HEAD_BYTES)
    except (MediaError, OSError):
        raise invalid(field, "no such file in the media store") from None
    content_type = image_content_type(head)
    if content_type is None:
        raise invalid(field, NOT_AN_IMAGE)
    return content_type
