"""Exclusive sales heard from licensing: ``exclusive_sold`` marks the exclusive Sold, ``exclusive_refunded``
makes it Available again, in whatever order and however often they arrive; a Sold track stays public."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from services.catalog.conftest import wait_until
from services.common.messaging.models import ProcessedEvent
from services.contracts.events import EXCLUSIVE_REFUNDED, EXCLUSIVE_SOLD

pytestmark = pytest.mark.integration

EXCLUSIVE = {"price_cents": 50000, "currency": "USD", "contact_email": "me@example.com", "status": "available"}
T0 = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)


def sold(track: dict, license_id: str, minutes: int = 0) -> dict:
    return {"license_id": license_id, "track_id": track["id"], "artist_id": track["artist_id"],
            "producer_user_id": track["producer_user_id"], "buyer_user_id": str(uuid.uuid4()),
            "price_cents": 50000, "fee_cents": 6300, "currency": "USD", "stripe_payment_intent_id": "pi_123",
            "sold_at": (T0 + timedelta(minutes=minutes)).isoformat()}


def refunded(track: dict, license_id: str, minutes: int = 5) -> dict:
    return {"license_id": license_id, "track_id": track["id"], "artist_id": track["artist_id"],
            "price_cents": 50000, "currency": "USD", "refunded_at": (T0 + timedelta(minutes=minutes)).isoformat()}


def handled(uow, consumer: str, event_id: str) -> bool:
    uow.session.rollback()  # a fresh snapshot: the consumer commits in its own transaction
    return uow.session.get(ProcessedEvent, (consumer, event_id)) is not None


def deliver(bus, uow, event_type, payload: dict) -> dict:
    """Publish and wait until catalog handled it (committed)."""
    body = bus.publish(event_type, payload)
    wait_until(lambda: handled(uow, f"catalog.on_{event_type.name}", body["event_id"]), what=event_type.name)
    return body


def status(catalog, track_id: str) -> str:
    return catalog.get_track(track_id=track_id)["exclusive"]["status"]


@pytest.fixture
def exclusive_track(catalog, make_producer, upload, publish_track) -> dict:
    producer = make_producer()
    track = upload(producer, licensing_model="standard_exclusive", exclusive=EXCLUSIVE, genres=["Sold Genre"])
    return publish_track(track, producer)


def test_a_sold_track_is_shown_sold_and_stays_public_listed_and_streamable(catalog, bus, uow, exclusive_track):
    track, license_id = exclusive_track, str(uuid.uuid4())
    deliver(bus, uow, EXCLUSIVE_SOLD, sold(track, license_id))
    public = catalog.get_track(track_id=track["id"])
    assert (public["status"], public["exclusive"]["status"]) == ("published", "sold")
    assert "contact_email" not in public["exclusive"]
    listed = catalog.list_tracks(filters={"genre": "Sold Genre", "producer": track["artist_id"]})
    assert [item["id"] for item in listed["items"]] == [track["id"]]
    assert catalog.stream_source(track_id=track["id"])["key"].startswith("renditions/")
    assert catalog.licensing_facts(track_id=track["id"])["exclusive"]["status"] == "sold"
    deliver(bus, uow, EXCLUSIVE_SOLD, sold(track, license_id))  # a second emission of the same sale
    assert status(catalog, track["id"]) == "sold"


def test_a_refund_makes_the_exclusive_available_and_a_late_redelivered_sale_does_not_undo_it(
        catalog, bus, uow, exclusive_track):
    track, license_id = exclusive_track, str(uuid.uuid4())
    deliver(bus, uow, EXCLUSIVE_SOLD, sold(track, license_id))
    deliver(bus, uow, EXCLUSIVE_REFUNDED, refunded(track, license_id))
    assert status(catalog, track["id"]) == "available"
    deliver(bus, uow, EXCLUSIVE_SOLD, sold(track, license_id))
    assert status(catalog, track["id"]) == "available"
    # the producer may set it private again, as before the sale
    private = catalog.update_track(actor_id=track["producer_user_id"], track_id=track["id"],
                                   changes={"exclusive": {**EXCLUSIVE, "status": "private"}})
    assert private["exclusive"]["status"] == "private"


def test_a_refund_heard_before_its_sale_leaves_the_track_available(catalog, bus, uow, exclusive_track):
    track, license_id = exclusive_track, str(uuid.uuid4())
    deliver(bus, uow, EXCLUSIVE_REFUNDED, refunded(track, license_id))
    deliver(bus, uow, EXCLUSIVE_SOLD, sold(track, license_id))
    assert status(catalog, track["id"]) == "available"


def test_a_second_sale_after_a_refund_sells_again_and_the_first_sales_refund_is_old_news(
        catalog, bus, uow, exclusive_track):
    track, first, second = exclusive_track, str(uuid.uuid4()), str(uuid.uuid4())
    deliver(bus, uow, EXCLUSIVE_SOLD, sold(track, first, minutes=0))
    deliver(bus, uow, EXCLUSIVE_SOLD, sold(track, second, minutes=10))  # the first's refund is late
    deliver(bus, uow, EXCLUSIVE_REFUNDED, refunded(track, first, minutes=5))
    assert status(catalog, track["id"]) == "sold"


@pytest.mark.parametrize("event_type, payload", [(EXCLUSIVE_SOLD, sold), (EXCLUSIVE_REFUNDED, refunded)])
def test_events_about_unknown_tracks_are_acknowledged_and_ignored(catalog, bus, uow, event_type, payload):
    ghost = {"id": str(uuid.uuid4()), "artist_id": str(uuid.uuid4()), "producer_user_id": str(uuid.uuid4())}
    assert deliver(bus, uow, event_type, payload(ghost, str(uuid.uuid4())))  # handled: not retried nor parked


def test_a_sale_of_a_standard_track_is_recorded_without_inventing_terms(catalog, bus, uow, make_producer, upload,
                                                                      publish_track):
    producer = make_producer()
    track = publish_track(upload(producer), producer)
    deliver(bus, uow, EXCLUSIVE_SOLD, sold(track, str(uuid.uuid4())))
    assert catalog.get_track(track_id=track["id"])["exclusive"] is None
