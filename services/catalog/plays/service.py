"""The catalog service's entrypoints for plays and listening history."""
from __future__ import annotations

from nameko.rpc import RpcProxy

from services.catalog.plays import backstage, plays, schemas as play_schemas, similar
from services.catalog.shared.schemas import load_page
from services.catalog.tracks.backstage import RemoteRoles
from services.common.db import Database
from services.common.entrypoints import rpc
from services.common.pagination import Envelope


class PlayEntrypoints:
    """Mixed into ``CatalogService`` (services/catalog/service.py), which provides ``db`` and ``accounts``."""

    db: Database
    accounts: RpcProxy

    @rpc
    def report_play(self, actor_id: str, track_id: str, position_s: float, duration_s: float) -> plays.PlayResult:
        return plays.report_play(self.db, actor_id, track_id, play_schemas.load_play_report(position_s, duration_s))

    @rpc
    def list_history(self, actor_id: str, cursor: str | None = None, limit: int = 20) -> Envelope:
        return plays.list_history(self.db, actor_id, load_page(play_schemas.HISTORY, cursor, limit))

    @rpc
    def producer_beats(self, actor_id: str, artist_id: str | None = None, status: str | None = None,
                       cursor: str | None = None, limit: int | None = None) -> dict:
        query = play_schemas.load_producer_beats(artist_id, status, cursor, limit)
        return backstage.producer_beats(self.db, RemoteRoles(self.accounts), actor_id, query)

    @rpc
    def similar_artists(self, artist_id: str) -> list[similar.SimilarArtist]:
        return similar.similar_artists(self.db, artist_id)
