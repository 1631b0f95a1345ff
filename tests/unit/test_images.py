"""Images are judged by their first bytes — PNG, JPEG or WebP — by the one checker the gateway, catalog and accounts
share (services/common/images.py)."""
from __future__ import annotations

import pytest

from services.common.images import image_content_type, stored_image_type
from services.common.media import MediaStore
from services.contracts.errors import InvalidField

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 8
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 "


@pytest.mark.parametrize("head, content_type", [
    (PNG, "image/png"), (JPEG, "image/jpeg"), (WEBP, "image/webp"), (b"GIF89a", None),
    (b"RIFF\x10\x00\x00\x00WAVEfmt ", None), (b"WEBP", None), (b"", None), (b"<svg xmlns=", None),
])
def test_the_first_bytes_decide(head, content_type):
    assert image_content_type(head) == content_type


def test_a_stored_file_is_judged_by_its_content_not_its_name(tmp_path):
    store = MediaStore(tmp_path)
    store.save_bytes("avatars/2026/01/a.gif", JPEG)
    store.save_bytes("avatars/2026/01/b.png", b"GIF89a")
    assert stored_image_type(store, "avatars/2026/01/a.gif", "image") == "image/jpeg"
    for key, reason in (("avatars/2026/01/b.png", "not a PNG, JPEG or WebP image"),
                        ("avatars/2026/01/none.png", "no such file in the media store"),
                        ("avatars/../x.png", "no such file in the media store")):
        with pytest.raises(InvalidField) as caught:
            stored_image_type(store, key, "image")
        assert caught.value.details == {"image": [reason]}
