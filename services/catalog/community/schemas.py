"""Validation of the community RPCs' inputs (likes, reposts, playlists, comments): the catalog's input
contracts (services/contracts/inputs/catalog.py), loaded after trimming the text. Failures are
``InvalidField`` naming the field."""
from __future__ import annotations

from typing import Any

from marshmallow import fields, post_load, pre_load, validate

from services.common.fields import CanonicalId
from services.common.validation import StrictSchema, load
from services.contracts.errors import InvalidField
from services.contracts.inputs import catalog as contract
from services.contracts.inputs import trimmed
from services.contracts.vocabularies import LIKE_KINDS
class TrimmedInput:
    """Text is trimmed before the contract checks it (the contract counts its length trimmed, and the
    catalog stores it so)."""

    TEXTS: tuple[str, ...] = ()

    @pre_load
    def trim(self, data: Any, **kwargs) -> Any:
        return trimmed(data, self.TEXTS)


class NewPlaylistSchema(TrimmedInput, contract.NewPlaylist):
    TEXTS = contract.PLAYLIST_TEXTS

    @post_load
    def without_description(self, data: dict[str, Any], **kwargs) -> dict[str, Any]:
        return {"description": None, **data}


class PlaylistChangesSchema(TrimmedInput, contract.PlaylistChanges):
    TEXTS = contract.PLAYLIST_TEXTS


class PlaylistEntrySchema(contract.PlaylistEntry):
    """The contract's entry, and the playlist it goes into (the gateway takes it from the path)."""

    playlist_id = CanonicalId(required=True)


class PlaylistOrderSchema(contract.PlaylistOrder):
    pass


class CommentSchema(TrimmedInput, contract.NewComment):
    TEXTS = ("body",)


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
