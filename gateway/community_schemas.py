"""Schemas of the community API: likes, reposts, playlists, comments and the profile tabs
(docs/rpc-catalog.md, README "Community"). Limits match services/catalog/community/schemas.py."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from gateway.catalog_schemas import Artist, Track
from gateway.schemas import PageQuery, StrictSchema, UUIDString, page_of
from services.contracts.rpc import catalog as contract
from services.contracts.vocabularies import (COMMENT_MAX, LIKE_KINDS, PLAYLIST_DESCRIPTION_MAX, PLAYLIST_MAX_TRACKS,
                                             PLAYLIST_NAME_MAX)
from services.contracts.rpc.catalog import CollectionPage, LikedItemPage, LikeState, RepostState  # noqa: F401
from services.common.fields import StrictBoolean


def trimmed_length(max_length: int, min_length: int = 1) -> validate.Validator:
    """Length counted without surrounding whitespace (as the catalog stores the text)."""

    def check(value: str) -> None:
        if not min_length <= len(value.strip()) <= max_length:
            raise ValidationError(f"Length must be between {min_length} and {max_length} (after trimming).")

    return check


def name_field(**kwargs: Any) -> fields.String:
    return fields.String(validate=trimmed_length(PLAYLIST_NAME_MAX), metadata={"maxLength": PLAYLIST_NAME_MAX},
                         **kwargs)


def description_field(**kwargs: Any) -> fields.String:
    return fields.String(allow_none=True, validate=trimmed_length(PLAYLIST_DESCRIPTION_MAX, 0),
                         metadata={"description": "Blank or null clears it.", "maxLength": PLAYLIST_DESCRIPTION_MAX},
                         **kwargs)


# -- requests ---------------------------------------------------------------------------------

class LikesQuery(PageQuery):
    kind = fields.String(load_default="tracks", validate=validate.OneOf(LIKE_KINDS))


class PlaylistCreate(StrictSchema):
    name = name_field(required=True)
    description = description_field()
    public = StrictBoolean(load_default=True, metadata={"description": "Private playlists are seen by their "
                                                                       "owner only (404 to everyone else)."})


class PlaylistPatch(StrictSchema):
    name = name_field()
    description = description_field()
    public = StrictBoolean()

    @validates_schema
    def not_empty(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data:
            raise ValidationError("Send at least one of name, description, public.")


class PlaylistTrackAdd(StrictSchema):
    track_id = UUIDString(required=True, metadata={"description": "A published track."})
    position = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=0), metadata={
        "description": "0-based place to insert at; omitted or past the end appends."})


class PlaylistOrder(StrictSchema):
    track_ids = fields.List(UUIDString(), required=True, validate=validate.Length(max=PLAYLIST_MAX_TRACKS),
                            metadata={"description": "Exactly the playlist's track ids, each once, in the new order."})


class CommentCreate(StrictSchema):
    body = fields.String(required=True, validate=trimmed_length(COMMENT_MAX), metadata={
        "description": "Plain text, 1–1000 characters after trimming; stored as sent, never rendered as HTML.",
        "maxLength": COMMENT_MAX})


# -- responses --------------------------------------------------------------------------------

class PlaylistSummary(contract.PlaylistSummary):
    owner_username = fields.String(allow_none=True, metadata={
        "description": "The owner's username (null when that account was deleted).", "example": "nightowl"})


class Playlist(PlaylistSummary, contract.Playlist):
    tracks = fields.List(fields.Nested(Track), metadata={"description": "In the playlist's order."})


class Comment(contract.Comment):
    author_username = fields.String(allow_none=True, metadata={
        "description": "The author's username (null when that account was deleted).", "example": "beatfan42"})


PlaylistPage = page_of(PlaylistSummary)
CommentPage = page_of(Comment)
ArtistPage = page_of(Artist)
