"""Validation of the community RPCs' inputs (likes, reposts, playlists, comments). The gateway checks
the same rules first; these checks are the ones that hold. Failures are ``InvalidField`` naming the field."""
from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate

from services.common.fields import CanonicalId, StrictBoolean, StrictInteger, Trimmed
from services.common.validation import StrictSchema, load
from services.contracts.errors import InvalidField
from services.contracts.vocabularies import (COMMENT_MAX, LIKE_KINDS, PLAYLIST_DESCRIPTION_MAX, PLAYLIST_MAX_TRACKS,
                                             PLAYLIST_NAME_MAX)
NUL = "\x00"  # PostgreSQL text cannot hold it: refused as invalid rather than failing the insert


def no_nul(value: str) -> None:
    if NUL in value:
        raise ValidationError("must not contain NUL characters")


def plain_text(max_length: int, min_length: int = 1, **kwargs) -> Trimmed:
    """Trimmed text of ``min_length``..``max_length`` characters (counted after trimming)."""
    return Trimmed(validate=[validate.Length(min=min_length, max=max_length), no_nul], **kwargs)


class PlaylistFieldsSchema(StrictSchema):
    name = plain_text(PLAYLIST_NAME_MAX)
    description = Trimmed(allow_none=True, validate=[validate.Length(max=PLAYLIST_DESCRIPTION_MAX), no_nul])
    public = StrictBoolean()


class NewPlaylistSchema(PlaylistFieldsSchema):
    name = plain_text(PLAYLIST_NAME_MAX, required=True)
    description = Trimmed(load_default=None, allow_none=True,
                          validate=[validate.Length(max=PLAYLIST_DESCRIPTION_MAX), no_nul])
    public = StrictBoolean(load_default=True)


class PlaylistChangesSchema(PlaylistFieldsSchema):
    """Any of the fields; a name can change (1..100 characters), never disappear."""


class PlaylistEntrySchema(StrictSchema):
    playlist_id = CanonicalId(required=True)
    track_id = CanonicalId(required=True)
    position = StrictInteger(load_default=None, allow_none=True, validate=validate.Range(min=0))


class PlaylistOrderSchema(StrictSchema):
    track_ids = fields.List(CanonicalId(), required=True, validate=validate.Length(max=PLAYLIST_MAX_TRACKS))


class CommentSchema(StrictSchema):
    body = plain_text(COMMENT_MAX, required=True)


def load_new_playlist(data: Any) -> dict[str, Any]:
    return load(NewPlaylistSchema, data, root="data")


def load_playlist_changes(changes: Any) -> dict[str, Any]:
    loaded = load(PlaylistChangesSchema, changes, root="changes")
    if "description" in loaded and not loaded["description"]:
        loaded["description"] = None  # a blank description clears it
    return loaded


def load_playlist_entry(playlist_id: Any, track_id: Any, position: Any = None) -> dict[str, Any]:
    return load(PlaylistEntrySchema, {"playlist_id": playlist_id, "track_id": track_id, "position": position})


def load_playlist_order(track_ids: Any) -> list[str]:
    return load(PlaylistOrderSchema, {"track_ids": track_ids})["track_ids"]


def load_comment_body(body: Any) -> str:
    return load(CommentSchema, {"body": body})["body"]


class LikeKindSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(LIKE_KINDS))


def load_like_kind(kind: Any) -> str:
    return load(LikeKindSchema, {"kind": kind})["kind"]


class UserIdSchema(StrictSchema):
    user_id = CanonicalId(required=True)


def load_user_id(user_id: Any, field: str = "user_id") -> str:
    """A user id (an actor's or a profile's) as its canonical UUID string."""
    try:
        return load(UserIdSchema, {"user_id": user_id})["user_id"]
    except InvalidField as exc:
        raise InvalidField(f"invalid {field}", {field: exc.details.get("user_id", ["Not a valid UUID."])}) from None
