"""payouts' ``payout_paid`` / ``payout_failed`` become a "Payout updates" notification, for verified producers
only, once per fact however often it arrives."""
import uuid

import pytest

from services.catalog.conftest import wait_until
from services.catalog.tracks import artists
from services.common.messaging.models import ProcessedEvent
from services.contracts.events import PAYOUT_FAILED, PAYOUT_PAID

pytestmark = pytest.mark.integration

PAID_AT = "2026-12-01T09:00:00+00:00"


def paid(user_id: str, run_id: str, amount_cents: int = 12345, currency: str = "CAD") -> dict:
    return {"run_id": run_id, "split_id": str(uuid.uuid4()), "user_id": user_id, "period": "2026-11",
            "amount_cents": amount_cents, "currency": currency, "stripe_transfer_id": "tr_123", "paid_at": PAID_AT}


def failed(user_id: str, run_id: str) -> dict:
    return {"run_id": run_id, "split_id": str(uuid.uuid4()), "user_id": user_id, "period": "2026-11",
            "amount_cents": 500, "currency": "CAD", "reason": "balance_insufficient", "failed_at": PAID_AT}


def deliver(bus, uow, event_type, payload: dict, event_id: str | None = None) -> dict:
    """Publish and wait until catalog handled it (committed)."""
    body = bus.publish(event_type, payload, event_id=event_id)
    consumer = f"catalog.on_{event_type.name}"

    def handled() -> bool:
        uow.session.rollback()  # a fresh snapshot: the consumer commits in its own transaction
        return uow.session.get(ProcessedEvent, (consumer, body["event_id"])) is not None

    wait_until(handled, what=event_type.name)
    return body


@pytest.fixture
def verified(uow, make_producer) -> dict:
    producer = make_producer()
    artists.on_producer_verified(uow, {"user_id": producer["user_id"]})
    uow.commit()
    return producer


def updates(catalog, user_id: str) -> list[dict]:
    return [n for n in catalog.list_notifications(actor_id=user_id)["items"] if n["kind"] == "payout_update"]


def test_a_verified_producer_is_told_a_payout_was_paid_or_failed(catalog, bus, uow, verified):
    run_id = str(uuid.uuid4())
    deliver(bus, uow, PAYOUT_PAID, paid(verified["user_id"], run_id))
    deliver(bus, uow, PAYOUT_FAILED, failed(verified["user_id"], run_id))
    notes = catalog.list_notifications(actor_id=verified["user_id"], unread=True)["items"]
    assert {(n["kind"], n["read"]) for n in notes} == {("payout_update", False)}
    assert sorted((n["payload"] for n in notes), key=lambda p: p["status"]) == [
        {"run_id": run_id, "period": "2026-11", "status": "failed", "amount_cents": 500, "currency": "CAD",
         "reason": "balance_insufficient"},
        {"run_id": run_id, "period": "2026-11", "status": "paid", "amount_cents": 12345, "currency": "CAD",
         "reason": None}]


def test_an_unverified_producer_and_a_stranger_are_told_nothing(catalog, bus, uow, make_producer):
    producer, stranger = make_producer(), str(uuid.uuid4())
    deliver(bus, uow, PAYOUT_PAID, paid(producer["user_id"], str(uuid.uuid4())))
    deliver(bus, uow, PAYOUT_FAILED, failed(stranger, str(uuid.uuid4())))
    assert catalog.list_notifications(actor_id=producer["user_id"])["total"] == 0
    assert catalog.list_notifications(actor_id=stranger)["total"] == 0


def test_a_redelivered_or_reemitted_payout_is_told_once(catalog, bus, uow, verified):
    run_id, event_id = str(uuid.uuid4()), str(uuid.uuid4())
    payload = paid(verified["user_id"], run_id)
    deliver(bus, uow, PAYOUT_PAID, payload, event_id=event_id)
    deliver(bus, uow, PAYOUT_PAID, payload, event_id=event_id)  # the broker's redelivery
    deliver(bus, uow, PAYOUT_PAID, payload)  # the same fact under a new event id
    deliver(bus, uow, PAYOUT_PAID, paid(verified["user_id"], run_id, 900, "USD"))  # another currency's transfer
    assert sorted(n["payload"]["currency"] for n in updates(catalog, verified["user_id"])) == ["CAD", "USD"]
