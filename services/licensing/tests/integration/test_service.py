"""The licensing service in a nameko container on the test vhost, as it runs: RPC over the real broker (its calls
to catalog and accounts go to stand-in services of those names, answering as their contracts say), the Stripe
dependency configured from STRIPE_API_KEY / STRIPE_API_BASE, and ``user_deleted`` arriving from the bus."""
from __future__ import annotations

import json
import uuid

import pytest
from kombu import Connection
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import select

from devtools.fakestripe import FakeStripe
from services.common.entrypoints import rpc
from services.common.messaging.models import ProcessedEvent
from services.common.messaging.topology import declare_for_service
from services.contracts.errors import NotFound, Unauthorized
from services.contracts.events import EXCHANGE, USER_DELETED, build_event
from services.licensing.models import DELETED_ACCOUNT, ExclusiveSale, License
from services.licensing.service import LicensingService
from services.licensing.tests.integration.conftest import FakeNeighbours
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

#: what the stand-in services answer (one test at a time fills it)
WORLD = FakeNeighbours()


class StandInCatalog:
    name = "catalog"

    @rpc
    def licensing_facts(self, track_id: str) -> dict:
        return WORLD.facts(track_id)


class StandInAccounts:
    name = "accounts"

    @rpc
    def get_user(self, actor_id: str) -> dict:
        return WORLD.user(actor_id)


@pytest.fixture
def stripe_env(monkeypatch):
    fake = FakeStripe(webhook_url=None, auto_deliver=False)
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_licensing")
    monkeypatch.setenv("STRIPE_API_BASE", fake.start())
    yield fake
    fake.stop()


@pytest.fixture
def licensing(licensing_db, media, stripe_env, container_factory, rabbit_config):
    WORLD.tracks.clear()
    WORLD.users.clear()
    for service in (StandInCatalog, StandInAccounts, LicensingService):
        container_factory(service, {**rabbit_config, "max_workers": 4}).start()
    with ServiceRpcProxy("licensing", rabbit_config, timeout=20) as proxy:
        yield proxy


def remote_error(call) -> tuple[str, str]:
    """The error's type and message as nameko's proxy gives them (the details travel too: the gateway's client
    reads them, services/accounts/tests/integration/test_rpc_wire.py checks the wire format)."""
    with pytest.raises(RemoteError) as caught:
        call()
    return caught.value.exc_type, str(caught.value.value)


def test_downloads_and_refusals_over_the_broker(licensing):
    assert licensing.ping() == "pong"
    facts = WORLD.add_track()
    explorer = WORLD.add_user(can_download=False, subscription_status=None)["id"]
    subscriber = WORLD.add_user(email="jane@example.com")["id"]
    assert licensing.download_eligibility(actor_id=explorer, track_id=facts["track_id"])["reason"] == "free_plan"
    kind, message = remote_error(lambda: licensing.download(actor_id=explorer, track_id=facts["track_id"]))
    assert kind == "Forbidden" and "Classic" in message
    answer = licensing.download(actor_id=subscriber, track_id=facts["track_id"])
    assert answer["license"]["licensee_email_masked"] == "j***@example.com"
    assert licensing.list_my_licenses(actor_id=subscriber)["total"] == 1
    # catalog's NotFound and accounts' Unauthorized come back as the same contract errors
    assert remote_error(lambda: licensing.download_eligibility(actor_id=subscriber,
                                                               track_id=str(uuid.uuid4())))[0] == NotFound.__name__
    assert remote_error(lambda: licensing.download(actor_id=str(uuid.uuid4()),
                                                   track_id=facts["track_id"]))[0] == Unauthorized.__name__
    assert remote_error(lambda: licensing.verify_license(license_id=str(uuid.uuid4())))[0] == "NotFound"
    certificate = licensing.certificate_source(actor_id=subscriber, license_id=answer["license"]["id"])
    assert certificate["content_type"] == "application/pdf"


def test_an_exclusive_sale_over_the_broker_with_stripe_from_the_environment(licensing, stripe_env, session_factory):
    facts = WORLD.add_track()
    buyer = WORLD.add_user()["id"]
    session = licensing.start_exclusive_checkout(actor_id=buyer, track_id=facts["track_id"])
    assert session["total_cents"] == 56_300 and session["url"].startswith(stripe_env.base_url)
    stripe_env.complete_checkout(session["session_id"])
    [event] = stripe_env.pending
    assert licensing.handle_stripe_event(event=event)["status"] == "processed"
    assert licensing.handle_stripe_event(event=event)["status"] == "duplicate"
    bad = {"id": "evt_1", "type": "invoice.paid", "created": 1, "data": {"object": {}}}
    assert remote_error(lambda: licensing.handle_stripe_event(event=bad))[0] == "BadRequest"
    with session_factory() as db:
        assert db.scalar(select(ExclusiveSale.status).where(ExclusiveSale.track_id == facts["track_id"])) == "granted"


def test_a_deleted_licensee_is_anonymised_and_the_licence_stays_valid(licensing, session_factory, media, amqp_uri):
    facts = WORLD.add_track()
    leaving, staying = WORLD.add_user()["id"], WORLD.add_user()["id"]
    theirs = licensing.download(actor_id=leaving, track_id=facts["track_id"])["license"]["id"]
    kept = licensing.download(actor_id=staying, track_id=facts["track_id"])["license"]["id"]
    cached = licensing.certificate_source(actor_id=leaving, license_id=theirs)["key"]
    event = publish_user_deleted(amqp_uri, leaving)
    wait_until(lambda: handled(session_factory, event["event_id"]), what="user_deleted handled")
    with session_factory() as db:
        anonymised, untouched = db.get(License, theirs), db.get(License, kept)
        assert (anonymised.licensee_user_id, anonymised.licensee_email_masked, anonymised.status) == \
            (None, DELETED_ACCOUNT, "valid")
        assert anonymised.certificate_key is None and untouched.licensee_user_id == staying
    assert not media.exists(cached)
    shown = licensing.verify_license(license_id=theirs)
    assert (shown["status"], shown["licensee_email_masked"]) == ("valid", DELETED_ACCOUNT)
    # the producer still reads it, and a new certificate prints the anonymised licensee
    assert licensing.get_license(actor_id=facts["producer_user_id"], license_id=theirs)["licensee_user_id"] is None
    assert media.exists(licensing.certificate_source(actor_id=facts["producer_user_id"], license_id=theirs)["key"])
    assert licensing.list_my_licenses(actor_id=leaving)["total"] == 0


def publish_user_deleted(amqp_uri: str, user_id: str) -> dict:
    body = build_event(USER_DELETED, {"user_id": user_id})
    with Connection(amqp_uri) as connection:
        declare_for_service(connection, "accounts")
        connection.Producer().publish(json.dumps(body), exchange=EXCHANGE, routing_key=USER_DELETED.name,
                                      content_type="application/json", delivery_mode=2, retry=True)
    return body


def handled(session_factory, event_id: str) -> bool:
    with session_factory() as db:
        return db.scalar(select(ProcessedEvent.event_id).where(
            ProcessedEvent.consumer == "licensing.on_user_deleted", ProcessedEvent.event_id == event_id)) is not None
