"""A user account's avatar: the image the gateway stored becomes the avatar once accounts judged it by its content;
a new one replaces it (the old file is deleted once committed), it can be removed, it is served from its key, and
it goes with the account."""
from __future__ import annotations

import pytest

from services.accounts import deletion, schemas
from services.accounts.conftest import PASSWORD, new_ip
from services.common.media import ACCOUNTS, GATEWAY, MediaStore
from services.contracts.errors import InvalidField, NotFound, Unauthorized

pytestmark = pytest.mark.integration

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture
def media(tmp_path, monkeypatch) -> MediaStore:
    """The media store accounts opens (``MEDIA_ROOT``), as the gateway writes to it."""
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path / "media"))
    return MediaStore(tmp_path / "media", owner=GATEWAY)


@pytest.fixture
def stored(media):
    def store(data: bytes, area: str = "avatars") -> str:
        key = MediaStore.new_key(area, ".img")
        media.save_bytes(key, data)
        return key

    return store


def test_an_avatar_is_set_replaced_and_removed_with_its_files(accounts, media, stored):
    user = accounts.register_user()
    assert user["avatar"] is None and accounts.get_public_profile(user_id=user["id"])["avatar"] is None
    first = stored(PNG)
    me = accounts.set_avatar(actor_id=user["id"], image_key=first)
    assert me["avatar"] and me["id"] == user["id"] and "email" in me
    assert accounts.avatar_source(user_id=user["id"]) == {"key": first, "content_type": "image/png"}
    assert accounts.get_public_profile(user_id=user["id"])["avatar"] == me["avatar"]

    second = stored(JPEG)
    again = accounts.set_avatar(actor_id=user["id"], image_key=second)
    assert again["avatar"] != me["avatar"]  # a new id: a new URL, so no cache shows the old image
    assert accounts.avatar_source(user_id=user["id"]) == {"key": second, "content_type": "image/jpeg"}
    assert not media.exists(first) and media.exists(second)

    assert accounts.remove_avatar(actor_id=user["id"])["avatar"] is None
    assert not media.exists(second)
    assert accounts.remove_avatar(actor_id=user["id"])["avatar"] is None  # idempotent
    with pytest.raises(NotFound):
        accounts.avatar_source(user_id=user["id"])


@pytest.mark.parametrize("content, area, reason", [
    (b"GIF89a not what we take", "avatars", "not a PNG, JPEG or WebP image"),
    (PNG, "images", "not a file of the avatars/ area"),  # an artist image is catalog's, never an avatar
])
def test_only_an_image_of_the_avatars_area_is_taken(accounts, media, stored, content, area, reason):
    user = accounts.register_user()
    kept = stored(PNG)
    accounts.set_avatar(actor_id=user["id"], image_key=kept)
    with pytest.raises(InvalidField) as caught:
        accounts.set_avatar(actor_id=user["id"], image_key=stored(content, area))
    assert caught.value.details == {"image_key": [reason]}
    assert accounts.avatar_source(user_id=user["id"])["key"] == kept and media.exists(kept)  # unchanged


def test_a_missing_file_or_key_is_refused_and_strangers_have_no_avatar(accounts, media):
    user = accounts.register_user()
    for key, reason in (("avatars/2026/01/none.png", "no such file in the media store"),
                        ("avatars/../images/x.png", "no such file in the media store")):
        with pytest.raises(InvalidField) as caught:
            accounts.set_avatar(actor_id=user["id"], image_key=key)
        assert caught.value.details == {"image_key": [reason]}
    with pytest.raises(InvalidField):
        accounts.set_avatar(actor_id=user["id"], image_key="")
    for user_id in ("00000000-0000-4000-8000-000000000000", "not-a-uuid"):
        with pytest.raises(NotFound):
            accounts.avatar_source(user_id=user_id)


def test_a_deleted_account_loses_its_avatar_and_its_file(accounts, media, stored, uow):
    user = accounts.register_user()
    key = stored(PNG)
    accounts.set_avatar(actor_id=user["id"], image_key=key)
    deletion.delete_account(uow, None, schemas.load_account_deletion(user["id"], PASSWORD, new_ip()),
                            MediaStore(media.root, owner=ACCOUNTS))
    assert media.exists(key)  # not before the commit
    uow.commit()
    assert not media.exists(key)
    with pytest.raises(NotFound):
        accounts.avatar_source(user_id=user["id"])
    with pytest.raises(Unauthorized):
        accounts.set_avatar(actor_id=user["id"], image_key=stored(PNG))
