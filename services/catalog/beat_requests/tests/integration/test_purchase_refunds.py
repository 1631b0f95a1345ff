"""An exclusive paid for but not granted (licensing refunded it) becomes a notification for the buyer."""
import uuid

import pytest

from services.catalog.conftest import wait_until
from services.common.messaging.models import ProcessedEvent
from services.contracts.events import EXCLUSIVE_PURCHASE_REFUNDED

pytestmark = pytest.mark.integration

EXCLUSIVE = {"price_cents": 50000, "currency": "USD", "contact_email": "me@example.com", "status": "available"}


def refund(buyer_id: str, track_id: str) -> dict:
    return {"buyer_user_id": buyer_id, "track_id": track_id, "amount_cents": 56300, "currency": "USD",
            "reason": "already_sold"}


def handled(uow, event_id: str) -> bool:
    uow.session.rollback()  # a fresh snapshot: the consumer commits in its own transaction
    return uow.session.get(ProcessedEvent, ("catalog.on_exclusive_purchase_refunded", event_id)) is not None


def test_the_buyer_is_notified_with_the_track_and_the_amount(catalog, bus, make_producer, upload, publish_track):
    producer, buyer = make_producer(), str(uuid.uuid4())
    track = publish_track(upload(producer, licensing_model="exclusive_only", exclusive=EXCLUSIVE), producer)
    bus.publish(EXCLUSIVE_PURCHASE_REFUNDED, refund(buyer, track["id"]))
    # wait on the items, not the total: the count runs after the page's SELECT and may already see the commit
    page = wait_until(lambda: (lambda p: p if p["items"] else None)(
        catalog.list_notifications(actor_id=buyer, unread=True)))
    [notification] = page["items"]
    assert (notification["kind"], notification["read"]) == ("exclusive_purchase_refunded", False)
    assert notification["payload"] == {"track_id": track["id"], "track_name": "Night Drive", "amount_cents": 56300,
                                       "currency": "USD", "reason": "already_sold"}
    assert catalog.list_notifications(actor_id=producer["user_id"])["total"] == 0


def test_a_refund_about_an_unknown_track_is_acknowledged_and_notifies_nobody(catalog, bus, uow):
    buyer = str(uuid.uuid4())
    body = bus.publish(EXCLUSIVE_PURCHASE_REFUNDED, refund(buyer, str(uuid.uuid4())))
    wait_until(lambda: handled(uow, body["event_id"]))
    assert catalog.list_notifications(actor_id=buyer)["total"] == 0
