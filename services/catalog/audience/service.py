"""The catalog service's entrypoints for following artist pages (and ``get_artist``: a page with whether the caller
follows it), and the monthly analytics reports."""
from __future__ import annotations

import logging
from typing import Callable, TypeVar

from nameko.rpc import RpcProxy
from nameko.timer import timer

from services.catalog.audience import follows, reports, rules, schemas
from services.catalog.tracks.backstage import RemoteRoles
from services.common.clock import utcnow
from services.common.db import Database, UnitOfWork
from services.common.entrypoints import rpc
from services.common.pagination import Envelope

log = logging.getLogger(__name__)

T = TypeVar("T")


class AudienceEntrypoints:
    """Mixed into ``CatalogService`` (services/catalog/service.py), which provides ``db`` and ``accounts``."""

    db: Database
    accounts: RpcProxy  # the admin role of whoever asks for analytics reports

    def _transaction(self, work: Callable[[UnitOfWork], T]) -> T:
        result = work(self.db)
        self.db.commit()
        return result

    @rpc
    def get_artist(self, artist_id: str, actor_id: str | None = None) -> follows.ViewedArtist:
        return follows.get_artist(self.db, artist_id, actor_id)

    @rpc
    def follow_artist(self, actor_id: str, artist_id: str) -> follows.FollowState:
        return follows.follow(self.db, schemas.load_actor_id(actor_id), artist_id, utcnow())

    @rpc
    def unfollow_artist(self, actor_id: str, artist_id: str) -> follows.FollowState:
        return follows.unfollow(self.db, schemas.load_actor_id(actor_id), artist_id)

    @rpc
    def list_artist_followers(self, artist_id: str, cursor: str | None = None, limit: int = 20) -> Envelope:
        return follows.list_followers(self.db, artist_id, schemas.load_followers_page(cursor, limit))

    @rpc
    def analytics_reports(self, actor_id: str, month: str | None = None) -> reports.ReportsRun:
        return reports.analytics_reports(self._transaction, RemoteRoles(self.accounts), actor_id, month,
                                         rules.reports_now())

    @timer(interval=rules.REPORTS_INTERVAL_S or 3600)
    def make_analytics_reports(self) -> None:
        """Hourly: the last finished month's reports not made yet (the first run of a month makes them all)."""
        if not rules.REPORTS_INTERVAL_S:
            return
        try:
            reports.scheduled(self._transaction, rules.reports_now())
        except Exception:
            self.db.rollback()
            log.exception("making the analytics reports failed; the next run retries")
