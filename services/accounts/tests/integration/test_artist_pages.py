"""Accounts' copy of the catalog's artist pages: kept from ``artist_page_changed`` (newest state per page
wins), and enough to check a "Claim Existing Artist" application with no catalog running."""
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from services.accounts import artist_pages
from services.accounts.tests.integration.test_producer_program import claim_artist
from services.common.messaging.publisher import ConfirmedPublisher
from services.contracts.errors import Conflict, InvalidField
from services.contracts.events import ARTIST_PAGE_CHANGED, build_event

pytestmark = pytest.mark.integration

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


def page_changed(artist_id: str, user_id: str | None, at: datetime) -> dict:
    return {**build_event(ARTIST_PAGE_CHANGED, {"artist_id": artist_id, "user_id": user_id}),
            "occurred_at": at.isoformat()}


def test_the_copy_keeps_the_newest_state_of_each_page(uow):
    artist_id, owner = str(uuid.uuid4()), str(uuid.uuid4())
    created = page_changed(artist_id, None, T0)
    claimed = page_changed(artist_id, owner, T0 + timedelta(seconds=5))
    artist_pages.on_artist_page_changed(uow, created)
    assert artist_pages.claim_status(uow, artist_id) == "available"
    artist_pages.on_artist_page_changed(uow, claimed)
    assert artist_pages.claim_status(uow, artist_id) == "claimed"
    # a late retry of the older event, and a redelivery of the newest, leave the copy as it is
    artist_pages.on_artist_page_changed(uow, created)
    artist_pages.on_artist_page_changed(uow, claimed)
    uow.commit()
    assert artist_pages.claim_status(uow, artist_id) == "claimed"
    released = page_changed(artist_id, None, T0 + timedelta(minutes=1))
    artist_pages.on_artist_page_changed(uow, released)
    assert artist_pages.claim_status(uow, artist_id) == "available"


def test_pages_the_copy_does_not_hold_have_no_status(uow):
    assert artist_pages.claim_status(uow, str(uuid.uuid4())) is None
    assert artist_pages.claim_status(uow, "not-a-uuid") is None


def apply_when_known(accounts, user_id: str, artist_id: str, timeout_s: float = 15) -> dict:
    """Apply as soon as the event has reached the copy (until then the page is unknown: 422)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return accounts.apply_producer_program(actor_id=user_id, application=claim_artist(artist_id))
        except InvalidField:
            assert time.monotonic() < deadline, f"artist_page_changed for {artist_id} never reached accounts"
            time.sleep(0.05)


def test_claims_are_checked_with_no_catalog_running(accounts, amqp_uri):
    """Accounts alone: the events on the bus are all it needs (the catalog fixture is not started here)."""
    unclaimed, owned = str(uuid.uuid4()), str(uuid.uuid4())
    publisher = ConfirmedPublisher(amqp_uri)
    try:
        for artist_id, user_id in ((unclaimed, None), (owned, str(uuid.uuid4()))):
            body = build_event(ARTIST_PAGE_CHANGED, {"artist_id": artist_id, "user_id": user_id})
            publisher.publish(body, routing_key=ARTIST_PAGE_CHANGED.name, message_id=body["event_id"])
    finally:
        publisher.close()
    application = apply_when_known(accounts, accounts.register_user()["id"], unclaimed)
    assert (application["status"], application["artist_id"]) == ("pending", unclaimed)
    with pytest.raises(Conflict) as refused:  # the page the catalog says is owned
        apply_when_known(accounts, accounts.register_user()["id"], owned)
    assert refused.value.details == {"field": "artist_id"}
