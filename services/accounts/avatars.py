"""A user account's avatar (docs/accounts.md "Avatars"). The gateway streams the image into the media store's
``avatars/`` area and hands its key over; accounts judges the file by its content with the checker every process
shares (services/common/images.py: PNG, JPEG or WebP), keeps it on the user row and, owning that area, deletes the
file it replaces — after the commit — and the avatar of a deleted account. The gateway serves it at
``GET /api/v1/users/<user_id>/avatar``."""
from __future__ import annotations

from services.accounts import repository, views
from services.accounts.models import User
from services.common.db import UnitOfWork
from services.common.images import stored_image_type
from services.common.media import ACCOUNTS, MediaStore
from services.common.persistence import new_id
from services.common.validation import invalid
from services.contracts.errors import NotFound, Unauthorized

AREA = "avatars"
NO_AVATAR = "this user has no avatar"


def store() -> MediaStore:
    return MediaStore.from_env(owner=ACCOUNTS)  # deletes avatars only


def set_avatar(uow: UnitOfWork, media: MediaStore, actor_id: str, image_key: str) -> views.PrivateUser:
    """The image at ``image_key`` becomes the actor's avatar; the previous file is deleted once this commits.
    ``InvalidField`` naming ``image_key`` unless it is a file of the ``avatars/`` area holding an image."""
    if not _in_area(image_key):
        raise invalid("image_key", f"not a file of the {AREA}/ area")
    content_type = stored_image_type(media, image_key, "image_key")
    user = _locked_actor(uow, actor_id)  # two uploads at once: the second waits, and deletes the first's file
    previous = user.avatar_key
    user.avatar_id, user.avatar_key, user.avatar_content_type = new_id(), image_key, content_type
    uow.session.flush()
    if previous and previous != image_key:
        uow.after_commit(lambda: media.delete(previous))
    return views.private_user(uow.session, user)


def remove_avatar(uow: UnitOfWork, media: MediaStore, actor_id: str) -> views.PrivateUser:
    """No avatar any more (idempotent); the file is deleted once this commits."""
    user = _locked_actor(uow, actor_id)
    forget(uow, media, user)
    uow.session.flush()
    return views.private_user(uow.session, user)


def forget(uow: UnitOfWork, media: MediaStore, user: User) -> None:
    """Clear ``user``'s avatar and delete its file after the commit (also when the account is deleted)."""
    key = user.avatar_key
    user.avatar_id = user.avatar_key = user.avatar_content_type = None
    if key:
        uow.after_commit(lambda: media.delete(key))


def avatar_source(uow: UnitOfWork, user_id: str) -> dict[str, str]:
    """``{"key", "content_type"}`` of the user's avatar; ``NotFound`` for an unknown or deleted account, or one
    without an avatar."""
    user = repository.require_user(uow.session, user_id)
    if user.avatar_key is None:
        raise NotFound(NO_AVATAR, {"user_id": str(user_id)})
    return {"key": user.avatar_key, "content_type": user.avatar_content_type or "application/octet-stream"}


def _in_area(key: str) -> bool:
    """A key of the avatars area (whether it is a well-formed key of an existing file is checked on reading it)."""
    return key.split("/", 1)[0] == AREA


def _locked_actor(uow: UnitOfWork, actor_id: str) -> User:
    user = repository.find_locked_user(uow.session, actor_id)
    if user is None or user.deleted_at is not None:
        raise Unauthorized(repository.ACCOUNT_GONE)
    return user
