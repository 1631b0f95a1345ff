"""The catalog service's entrypoints for beat requests and notifications."""
from __future__ import annotations

from nameko.rpc import RpcProxy

from services.catalog.beat_requests import beat_requests, notifications, rules, schemas as beat_request_schemas
from services.catalog.shared.schemas import load_page
from services.common.clock import utcnow
from services.common.db import Database
from services.common.entrypoints import event_handler, rpc
from services.common.pagination import Envelope
from services.contracts.events import EXCLUSIVE_PURCHASE_REFUNDED, PAYOUT_FAILED, PAYOUT_PAID


class BeatRequestEntrypoints:
    """Mixed into ``CatalogService`` (services/catalog/service.py), which provides ``db`` and ``accounts``."""

    db: Database
    accounts: RpcProxy  # beat-request tokens

    def _tokens(self) -> beat_requests.RemoteTokens:
        return beat_requests.RemoteTokens(self.accounts)

    @rpc
    def beat_request_costs(self) -> rules.PriceList:
        return rules.price_list()

    @rpc
    def create_beat_request(self, actor_id: str, data: dict) -> beat_requests.BeatRequestView:
        loaded = beat_request_schemas.load_new_request(data)
        return beat_requests.create(self.db, self._tokens(), actor_id, loaded, utcnow())

    @rpc
    def list_open_beat_requests(self, actor_id: str, genre: str | None = None, bpm: int | None = None,
                                budget_min: int | None = None, cursor: str | None = None, limit: int = 20) -> Envelope:
        query = beat_request_schemas.load_open_query(genre, bpm, budget_min, cursor, limit)
        return beat_requests.list_open(self.db, actor_id, query, utcnow())

    @rpc
    def list_my_beat_requests(self, actor_id: str, cursor: str | None = None, limit: int = 20) -> Envelope:
        page = load_page(beat_request_schemas.MY_REQUESTS, cursor, limit)
        return beat_requests.list_mine(self.db, actor_id, page, utcnow())

    @rpc
    def get_beat_request(self, actor_id: str, beat_request_id: str) -> beat_requests.BeatRequestView:
        return beat_requests.get(self.db, actor_id, beat_request_id, utcnow())

    @rpc
    def respond_to_beat_request(self, actor_id: str, beat_request_id: str, data: dict) -> beat_requests.ResponseView:
        loaded = beat_request_schemas.load_response(data)
        return beat_requests.respond(self.db, actor_id, beat_request_id, loaded, utcnow())

    @rpc
    def list_beat_request_responses(self, actor_id: str, beat_request_id: str, cursor: str | None = None,
                                    limit: int = 20) -> Envelope:
        page = load_page(beat_request_schemas.RESPONSES, cursor, limit)
        return beat_requests.list_responses(self.db, actor_id, beat_request_id, page)

    @rpc
    def renew_beat_request(self, actor_id: str, beat_request_id: str) -> beat_requests.BeatRequestView:
        return beat_requests.renew(self.db, self._tokens(), actor_id, beat_request_id, utcnow())

    @rpc
    def delete_beat_request(self, actor_id: str, beat_request_id: str) -> beat_requests.Deleted:
        return beat_requests.delete(self.db, self._tokens(), actor_id, beat_request_id, utcnow())

    @rpc
    def list_notifications(self, actor_id: str, unread: bool = False, cursor: str | None = None,
                           limit: int = 20) -> Envelope:
        unread_only, page = beat_request_schemas.load_notifications_query(unread, cursor, limit)
        return notifications.list_notifications(self.db, actor_id, unread_only, page, utcnow())

    @rpc
    def count_unread_notifications(self, actor_id: str) -> dict[str, int]:
        return {"unread": notifications.count_unread(self.db, actor_id)}

    @event_handler(EXCLUSIVE_PURCHASE_REFUNDED)
    def on_exclusive_purchase_refunded(self, event: dict) -> None:
        notifications.on_exclusive_purchase_refunded(self.db, event, utcnow())

    @event_handler(PAYOUT_PAID)
    def on_payout_paid(self, event: dict) -> None:
        notifications.on_payout_update(self.db, event, notifications.PAID, utcnow())

    @event_handler(PAYOUT_FAILED)
    def on_payout_failed(self, event: dict) -> None:
        notifications.on_payout_update(self.db, event, notifications.FAILED, utcnow())
