"""The payouts service in a nameko container on the test vhost, as it runs: RPC over the real broker (its calls to
accounts and catalog go to stand-in services of those names, answering as their contracts say), Stripe from
STRIPE_API_KEY / STRIPE_API_BASE (the fake), facts arriving from the bus, and a run started over RPC that the
service's background runner takes to the end."""
from __future__ import annotations

import json

import pytest
from kombu import Connection
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import func, select

from devtools.fakestripe import FakeStripe
from services.common.entrypoints import rpc
from services.common.messaging.topology import declare_for_service
from services.contracts.events import EXCHANGE, REGISTRY, build_event
from services.payouts.models import Play, Revenue
from services.payouts.service import PayoutsService
from services.payouts.tests.integration.conftest import FakeNeighbours, new_id, utc
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

#: what the stand-in services answer (one test at a time fills it)
WORLD = FakeNeighbours()


class StandInAccounts:
    name = "accounts"

    @rpc
    def verify_actor(self, actor_id: str, role: str | None = None) -> None:
        WORLD.verify_role(actor_id, role)

    @rpc
    def get_user(self, actor_id: str) -> dict:
        return WORLD.user(actor_id)


class StandInCatalog:
    name = "catalog"

    @rpc
    def my_artists(self, actor_id: str) -> dict:
        items = WORLD.my_artists(actor_id)
        return {"items": items, "total": len(items), "next": None}

    @rpc
    def payout_tracks(self, cursor: str | None = None, limit: int = 100) -> dict:
        return {"items": list(WORLD.payout_tracks()), "total": len(WORLD.tracks), "next": None}


@pytest.fixture
def amqp_uri(own_amqp_uri):
    """Not the session's vhost: other tests' events for this service's queues wait there (conftest.py)."""
    return own_amqp_uri


@pytest.fixture
def stripe_env(monkeypatch):
    fake = FakeStripe(webhook_url=None, auto_deliver=False)
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_payouts")
    monkeypatch.setenv("STRIPE_API_BASE", fake.start())
    yield fake
    fake.stop()


@pytest.fixture
def payouts(payouts_db, stripe_env, container_factory, rabbit_config):
    WORLD.roles.clear()
    WORLD.artists.clear()
    WORLD.more_artists.clear()
    WORLD.tracks.clear()
    for service in (StandInAccounts, StandInCatalog, PayoutsService):
        container_factory(service, {**rabbit_config, "max_workers": 4}).start()
    with ServiceRpcProxy("payouts", rabbit_config, timeout=20) as proxy:
        yield proxy


def publish(amqp_uri: str, name: str, **payload) -> dict:
    event_type = REGISTRY[name]
    body = build_event(event_type, payload)
    with Connection(amqp_uri) as connection:
        declare_for_service(connection, event_type.producer)
        connection.Producer().publish(json.dumps(body, default=str), exchange=EXCHANGE, routing_key=name,
                                      content_type="application/json", delivery_mode=2, retry=True)
    return body


def count(session_factory, model) -> int:
    with session_factory() as db:
        return db.scalar(select(func.count()).select_from(model))


def test_a_producer_onboards_earns_and_is_paid_by_a_run_over_the_broker(payouts, stripe_env, session_factory,
                                                                         amqp_uri):
    assert payouts.ping() == "pong"
    producer, page = WORLD.producer()
    admin = WORLD.admin()
    link = payouts.start_connect(actor_id=producer, country="CA")
    assert link["created"] is True and link["url"].startswith(stripe_env.base_url)
    with pytest.raises(RemoteError) as refused:
        payouts.start_connect(actor_id=producer, country="US")
    assert refused.value.exc_type == "Conflict"
    account = stripe_env.store.connect.links[next(iter(stripe_env.store.connect.links))].account
    stripe_env.complete_onboarding(account)
    [updated] = [e for e in stripe_env.pending if e["type"] == "account.updated"]
    assert payouts.handle_connect_event(event=updated)["status"] == "processed"
    assert payouts.handle_connect_event(event=updated)["status"] == "duplicate"
    assert payouts.finances(actor_id=producer)["stripe"]["status"] == "payout_ready"

    track = WORLD.add_track(page, producer, utc(2026, 8, 1))
    listener = new_id()
    publish(amqp_uri, "subscription_paid", user_id=listener, invoice_id="in_bus", plan="plus", amount_cents=1_234,
            currency="CAD", period_start=utc(2026, 9, 1), period_end=utc(2026, 10, 1), paid_at=utc(2026, 9, 1))
    publish(amqp_uri, "play_recorded", play_id=new_id(), track_id=track["track_id"], listener_user_id=listener,
            producer_user_id=producer, artist_id=page, collaborator_artist_ids=[], duration_s=60.0, position_s=30.0,
            played_at=utc(2026, 9, 2))
    wait_until(lambda: count(session_factory, Revenue) == 1 and count(session_factory, Play) == 1,
               timeout=60, what="the facts consumed")  # generous: the whole suite may be loading the machine

    run = payouts.start_run(actor_id=admin, period="2026-09")
    assert run["status"] == "queued" and run["pool"] == {"amount_cents": 1_234, "currency": "CAD"}
    assert payouts.start_run(actor_id=admin, period="2026-09")["id"] == run["id"]
    wait_until(lambda: payouts.get_run(actor_id=admin, run_id=run["id"])["status"] == "completed", timeout=60,
               what="the run completed by the service")
    [split] = payouts.get_run(actor_id=admin, run_id=run["id"])["splits"]
    assert (split["status"], split["transfer_cents"]) == ("paid", 1_234)
    listed = payouts.list_runs(actor_id=admin, limit=5)
    assert [(item["id"], item["period"], item["status"], item["counts"]) for item in listed["items"]] == [
        (run["id"], "2026-09", "completed", {"paid": 1})]
    assert (listed["total"], listed["next"]) == (1, None) and "splits" not in listed["items"][0]
    with pytest.raises(RemoteError) as refused:
        payouts.list_runs(actor_id=producer)
    assert refused.value.exc_type == "Forbidden"
    assert stripe_env.transfer_count(destination=account) == 1
    history = payouts.list_transactions(actor_id=producer)
    assert [item["kind"] for item in history["items"]] == ["transfer", "pool_share"]
    assert payouts.statement(actor_id=producer, period="2026-09")["amount"]["amount_cents"] == 1_234
