"""The ``gamification`` nameko service: XP, levels and achievements of artist pages, the leaderboards, and the
Backstage dashboard and activity, built from the events it consumes. It calls accounts (roles) and catalog (the
caller's page, names beside leaderboard rows); neither calls it (docs/architecture.md "Who may call whom")."""
from __future__ import annotations

from nameko.rpc import RpcProxy

from services.common.db import Database
from services.common.entrypoints import event_handler, rpc
from services.common.messaging.batch import batch_event_handler
from services.common.pagination import Envelope
from services.contracts.events import (ARTIST_PAGE_CHANGED, COLLABORATION_CREDITED, EARNINGS_CREDITED,
                                       EXCLUSIVE_REFUNDED, EXCLUSIVE_SOLD, LICENSE_ISSUED, PLAY_RECORDED,
                                       PRODUCER_VERIFIED, TRACK_DELETED, TRACK_METADATA_COMPLETED, TRACK_PUBLISHED,
                                       USER_DELETED)
from services.gamification import backstage, clock, consumers, leaderboards, progress, schemas
from services.gamification.neighbours import RemoteNeighbours

View = dict


class GamificationService:
    name = "gamification"

    db = Database()
    accounts = RpcProxy("accounts")
    catalog = RpcProxy("catalog")

    def _neighbours(self) -> RemoteNeighbours:
        return RemoteNeighbours(self.accounts, self.catalog)

    @rpc
    def ping(self) -> str:
        return "pong"

    @rpc
    def progress(self, actor_id: str, artist_id: str | None = None) -> View:
        return progress.progress(self.db, self._neighbours(), actor_id, artist_id)

    @rpc
    def refresh_progress(self, actor_id: str, artist_id: str | None = None) -> View:
        return progress.refresh_progress(self.db, self._neighbours(), actor_id, artist_id, clock.now())

    @rpc
    def xp_history(self, actor_id: str, artist_id: str | None = None, cursor: str | None = None,
                   limit: int = 20) -> Envelope:
        page, _ = schemas.load_page(progress.XP_HISTORY, cursor, limit)
        return progress.xp_history(self.db, self._neighbours(), actor_id, artist_id, page)

    @rpc
    def artist_achievements(self, actor_id: str, artist_id: str) -> View:
        return progress.artist_achievements(self.db, self._neighbours(), actor_id, artist_id)

    @rpc
    def leaderboard(self, category: str, period: str = "all_time", currency: str | None = None,
                    cursor: str | None = None, limit: int = 20, actor_id: str | None = None) -> View:
        category, period, currency, page = schemas.leaderboard_input(category, period, currency, cursor, limit)
        return leaderboards.leaderboard(self.db, self._neighbours(), category, period, currency, page, actor_id,
                                        clock.now())

    @rpc
    def dashboard(self, actor_id: str, artist_id: str | None = None) -> View:
        return backstage.dashboard(self.db, self._neighbours(), actor_id, artist_id, clock.now())

    @rpc
    def activity(self, actor_id: str, artist_id: str | None = None) -> View:
        return backstage.activity(self.db, self._neighbours(), actor_id, artist_id, clock.now())

    @event_handler(TRACK_PUBLISHED)
    def on_track_published(self, event: dict) -> None:
        consumers.track_published(self.db, event)

    @event_handler(TRACK_DELETED)
    def on_track_deleted(self, event: dict) -> None:
        consumers.track_deleted(self.db, event)

    @event_handler(TRACK_METADATA_COMPLETED)
    def on_track_metadata_completed(self, event: dict) -> None:
        consumers.track_metadata_completed(self.db, event)

    @event_handler(COLLABORATION_CREDITED)
    def on_collaboration_credited(self, event: dict) -> None:
        consumers.collaboration_credited(self.db, event)

    # the hot path: up to 1,000 plays a transaction, the next batch collected while one is written
    # (docs/gamification.md "Consumers"; bench/RESULTS.md, issue #12)
    @batch_event_handler(PLAY_RECORDED, prefetch=2_000, max_batch=1_000)
    def on_play_recorded(self, events: list[dict]) -> None:
        consumers.plays_recorded(self.db, events)

    @event_handler(LICENSE_ISSUED)
    def on_license_issued(self, event: dict) -> None:
        consumers.license_issued(self.db, event)

    @event_handler(EXCLUSIVE_SOLD)
    def on_exclusive_sold(self, event: dict) -> None:
        consumers.exclusive_sold(self.db, event)

    @event_handler(EXCLUSIVE_REFUNDED)
    def on_exclusive_refunded(self, event: dict) -> None:
        consumers.exclusive_refunded(self.db, event)

    @event_handler(EARNINGS_CREDITED)
    def on_earnings_credited(self, event: dict) -> None:
        consumers.earnings_credited(self.db, event)

    @event_handler(PRODUCER_VERIFIED)
    def on_producer_verified(self, event: dict) -> None:
        consumers.producer_verified(self.db, event)

    @event_handler(ARTIST_PAGE_CHANGED)
    def on_artist_page_changed(self, event: dict) -> None:
        consumers.artist_page_changed(self.db, event)

    @event_handler(USER_DELETED)
    def on_user_deleted(self, event: dict) -> None:
        consumers.user_deleted(self.db, event)


SERVICE = GamificationService
