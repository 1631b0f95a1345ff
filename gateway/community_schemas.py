"""Schemas of the community API: likes, reposts, playlists, comments and the profile tabs
(docs/rpc-catalog.md, README "Community"). The bodies' shapes are the catalog's input contracts
(services/contracts/inputs/catalog.py)."""
from __future__ import annotations

from marshmallow import fields, validate

from gateway.catalog_schemas import Artist, CollectionPage, Track  # noqa: F401 - CollectionPage: re-exported
from gateway.schemas import PageQuery, page_of
from services.contracts.inputs import catalog as contract_inputs
from services.contracts.rpc import catalog as contract
from services.contracts.vocabularies import LIKE_KINDS
from services.contracts.rpc.catalog import LikedItemPage, LikeState, RepostState  # noqa: F401


# -- requests ---------------------------------------------------------------------------------

class LikesQuery(PageQuery):
    kind = fields.String(load_default="tracks", validate=validate.OneOf(LIKE_KINDS))


class PlaylistCreate(contract_inputs.NewPlaylist):
    """POST /playlists' body."""


class PlaylistPatch(contract_inputs.PlaylistChanges):
    """PATCH /playlists/{id}'s body."""


class PlaylistTrackAdd(contract_inputs.PlaylistEntry):
    """POST /playlists/{id}/tracks' body."""


class PlaylistOrder(contract_inputs.PlaylistOrder):
    """PUT /playlists/{id}/tracks' body."""


class CommentCreate(contract_inputs.NewComment):
    """POST /tracks/{id}/comments' body."""


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
