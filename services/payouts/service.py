"""The ``payouts`` nameko service: Stripe Connect onboarding, the ledger, pool split runs and their transfers,
finances and statements, and the Stripe events (platform and Connect) the gateway routes here. It calls accounts
(roles, a producer's email) and catalog (the caller's artist page, the tracks of a split); neither calls it
(docs/architecture.md "Who may call whom")."""
from __future__ import annotations

import logging

from nameko.rpc import RpcProxy
from nameko.timer import timer

from services.common import config
from services.payouts import clock
from services.common.db import Database
from services.common.entrypoints import event_handler, rpc
from services.common.pagination import Envelope
from services.contracts.events import (EXCLUSIVE_REFUNDED, EXCLUSIVE_SOLD, LICENSE_ISSUED, PLAY_RECORDED,
                                       SUBSCRIPTION_PAID, SUBSCRIPTION_REFUNDED, TRACK_DELETED, TRACK_PUBLISHED,
                                       USER_DELETED)
from services.payouts import connect, consumers, finances, runs, schemas, statement, stripe_events
from services.payouts.neighbours import RemoteNeighbours
from services.payouts.stripe_connect import Connect
from services.payouts.views import View

log = logging.getLogger(__name__)

#: how often the service looks for runs to take forward (a new one, or one a crash or Stripe outage left)
RUN_POLL_S = config.env_float("PAYOUTS_RUN_POLL_S", 2.0)


class PayoutsService:
    name = "payouts"

    db = Database()
    connect = Connect()
    accounts = RpcProxy("accounts")
    catalog = RpcProxy("catalog")

    def _neighbours(self) -> RemoteNeighbours:
        return RemoteNeighbours(self.accounts, self.catalog)

    @rpc
    def ping(self) -> str:
        return "pong"

    @rpc
    def start_connect(self, actor_id: str, country: str) -> View:
        return connect.start_connect(self.db, self._neighbours(), self.connect, actor_id, country)

    @rpc
    def refresh_connect_link(self, actor_id: str) -> View:
        return connect.refresh_connect_link(self.db, self._neighbours(), self.connect, actor_id)

    @rpc
    def handle_stripe_event(self, event: dict) -> dict:
        return stripe_events.handle_platform(self.db, event, clock.now())

    @rpc
    def handle_connect_event(self, event: dict) -> dict:
        return stripe_events.handle_connect(self.db, event, clock.now())

    @rpc
    def start_run(self, actor_id: str, period: str) -> View:
        view, _ = runs.start_run(self.db, self._neighbours(), self.connect, actor_id, period, clock.now())
        return view  # the timer below takes it forward within RUN_POLL_S

    @rpc
    def get_run(self, actor_id: str, run_id: str) -> View:
        return runs.get_run(self.db, self._neighbours(), actor_id, run_id)

    @rpc
    def list_runs(self, actor_id: str, cursor: str | None = None, limit: int = 20) -> Envelope:
        return runs.list_runs(self.db, self._neighbours(), actor_id, cursor, limit)

    @rpc
    def finances(self, actor_id: str, artist_id: str | None = None) -> View:
        return finances.finances(self.db, self._neighbours(), self.connect, actor_id, schemas.artist_id(artist_id),
                                 clock.now())

    @rpc
    def list_transactions(self, actor_id: str, artist_id: str | None = None, cursor: str | None = None,
                          limit: int = 20) -> Envelope:
        return finances.list_transactions(self.db, self._neighbours(), actor_id, schemas.artist_id(artist_id),
                                          schemas.load_page(cursor, limit))

    @rpc
    def statement(self, actor_id: str, period: str, artist_id: str | None = None) -> View:
        return statement.statement(self.db, self._neighbours(), actor_id, period, schemas.artist_id(artist_id),
                                   clock.now())

    @event_handler(SUBSCRIPTION_PAID)
    def on_subscription_paid(self, event: dict) -> None:
        consumers.subscription_paid(self.db, event)

    @event_handler(SUBSCRIPTION_REFUNDED)
    def on_subscription_refunded(self, event: dict) -> None:
        consumers.subscription_refunded(self.db, event)

    @event_handler(PLAY_RECORDED)
    def on_play_recorded(self, event: dict) -> None:
        consumers.play_recorded(self.db, event)

    @event_handler(TRACK_PUBLISHED)
    def on_track_published(self, event: dict) -> None:
        consumers.track_published(self.db, event)

    @event_handler(TRACK_DELETED)
    def on_track_deleted(self, event: dict) -> None:
        consumers.track_deleted(self.db, event)

    @event_handler(EXCLUSIVE_SOLD)
    def on_exclusive_sold(self, event: dict) -> None:
        consumers.exclusive_sold(self.db, event)

    @event_handler(EXCLUSIVE_REFUNDED)
    def on_exclusive_refunded(self, event: dict) -> None:
        consumers.exclusive_refunded(self.db, event)

    @event_handler(LICENSE_ISSUED)
    def on_license_issued(self, event: dict) -> None:
        """Nothing to keep: a standard licence earns nothing directly, an exclusive one earns by exclusive_sold."""

    @event_handler(USER_DELETED)
    def on_user_deleted(self, event: dict) -> None:
        consumers.user_deleted(self.db, event)

    @timer(interval=RUN_POLL_S)
    def take_runs_forward(self) -> None:
        """Unfinished runs, each as far as it goes (nameko waits for this worker before the next tick)."""
        if self.connect is None:
            return
        try:
            for run_id in self.db.run(runs.unfinished_runs):
                runs.execute(lambda: self.db, self._neighbours(), self.connect, run_id)
        except Exception:
            self.db.rollback()
            log.exception("a payout run stopped; the next tick resumes it")


clock.warn_if_moved()  # the runner has configured logging before it imports this module
SERVICE = PayoutsService
