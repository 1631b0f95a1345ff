"""Beat requests and notifications on the real PostgreSQL, with the clock passed in (``now``) so expiry,
renewal and the 30-day window are exact, and accounts' token RPCs replaced by a faithful stand-in
(their own arithmetic is tested in services/accounts/tests)."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import func, select

from services.catalog.beat_requests import schemas, beat_requests, notifications
from services.catalog.beat_requests.models import BeatRequest, BeatRequestResponse, Notification
from services.catalog.conftest import new_user_id
from services.catalog.shared.schemas import load_page
from services.catalog.tests.integration.community_support import deleted_once_found  # noqa: F401
from services.catalog.tracks.models import PROCESSING, PUBLISHED, Artist, Track
from services.common.messaging.models import OutboxMessage
from services.contracts.errors import Conflict, Forbidden, InvalidField, NotFound, PaymentRequired

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 26, 12, tzinfo=timezone.utc)


class FakeAccounts:
    """accounts' token RPCs in memory: a balance per user, each (request, purpose) key moving tokens
    once, and a deletion refunding the current lifetime's cost capped at the allowance."""

    def __init__(self, allowance: int = 1):
        self.allowance = allowance
        self.balances: dict[str, int] = {}
        self.ledger: dict[tuple[str, str], dict[str, Any]] = {}
        self.calls: list[tuple] = []

    def balance(self, user_id: str) -> dict[str, Any]:
        return {"tokens": self.balances.setdefault(user_id, self.allowance)}

    def spend(self, user_id: str, request_id: str, purpose: str, amount: int) -> dict[str, Any]:
        self.calls.append(("spend", user_id, request_id, purpose, amount))
        if (request_id, purpose) in self.ledger:
            return self.ledger[(request_id, purpose)]
        balance = self.balance(user_id)["tokens"]
        if balance < amount:
            raise PaymentRequired(f"this costs {amount} and your balance is {balance}")
        self.balances[user_id] = balance - amount
        result = {"spent_tokens": amount, "tokens": balance - amount, "user_id": user_id}
        self.ledger[(request_id, purpose)] = result
        return result

    def refund(self, user_id: str, request_id: str, purpose: str) -> dict[str, Any]:
        self.calls.append(("refund", user_id, request_id, purpose))
        if (request_id, purpose) in self.ledger:
            return self.ledger[(request_id, purpose)]
        spends = [value for (rid, kind), value in self.ledger.items() if rid == request_id and kind != "delete"]
        cost = spends[-1]["spent_tokens"] if spends else 0
        balance = self.balance(user_id)["tokens"]
        amount = max(0, min(cost, self.allowance - balance))
        self.balances[user_id] = balance + amount
        result = {"refunded_tokens": amount, "tokens": balance + amount}
        self.ledger[(request_id, purpose)] = result
        return result


@pytest.fixture
def tokens() -> FakeAccounts:
    return FakeAccounts()


def genre() -> str:
    """A genre no other test uses, so lists filtered by it hold only this test's requests."""
    return f"Genre {uuid.uuid4().hex[:8]}"


def request_data(**changes: Any) -> dict:
    data = {"genre": "Trap", "bpm_min": 120, "bpm_max": 140, "mood": "dark", "budget_cents": 5000,
            "lifetime_hours": 24}
    data.update(changes)
    return schemas.load_new_request(data)


def create(uow, tokens, requester: str, now: datetime = NOW, **changes: Any) -> dict:
    return beat_requests.create(uow, tokens, requester, request_data(**changes), now)


def published_track(uow, producer: dict, status: str = PUBLISHED, bpm: int = 130) -> str:
    track = Track(artist_id=producer["artist_id"], producer_user_id=producer["user_id"], name="Answer", artists=["X"],
                  bpm=bpm, key="A", scale="minor", genres=["trap"], licensing_model="standard",
                  audio_key="uploads/x/a.wav", size_bytes=1, status=status,
                  published_at=NOW - timedelta(days=1) if status == PUBLISHED else None)
    uow.session.add(track)
    uow.session.commit()
    return track.id


def set_artist(uow, producer: dict, verified: bool, genres: list[str]) -> None:
    page = uow.session.get(Artist, producer["artist_id"])
    page.verified, page.genres = verified, genres
    uow.session.commit()


def inbox(uow, user_id: str) -> list[Notification]:
    uow.session.expire_all()
    return list(uow.session.scalars(select(Notification).where(Notification.user_id == user_id)
                                    .order_by(Notification.created_at)).all())


def stored(uow, requester: str) -> int:
    return uow.session.scalar(select(func.count()).select_from(BeatRequest)
                              .where(BeatRequest.requester_user_id == requester)) or 0


def open_list(uow, producer: dict, now: datetime = NOW, **filters: Any) -> list[str]:
    query = schemas.load_open_query(filters.get("genre"), filters.get("bpm"), filters.get("budget_min"),
                                    filters.get("cursor"), filters.get("limit"))
    return [item["id"] for item in beat_requests.list_open(uow, producer["user_id"], query, now)["items"]]


# --- creating ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("hours", "cost"), [(24, 1), (48, 2), (72, 3)])
def test_creating_spends_the_lifetime_cost_keyed_by_the_new_id_and_emits(uow, hours, cost):
    tokens, requester = FakeAccounts(allowance=3), new_user_id()
    created = create(uow, tokens, requester, lifetime_hours=hours)
    assert tokens.calls == [("spend", requester, created["id"], "create", cost)]
    assert created["tokens"] == 3 - cost and created["cost_tokens"] == cost and created["status"] == "open"
    assert created["expires_at"] == (NOW + timedelta(hours=hours)).isoformat()
    assert created["currency"] == "CAD" and created["renewals"] == 0
    row = uow.session.get(BeatRequest, created["id"])
    assert row.genre == "Trap" and row.genre_key == "trap"
    events = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == "beat_request_created",
                                                             OutboxMessage.body.contains(created["id"]))).all()
    assert len(events) == 1


def test_without_enough_tokens_it_is_402_and_nothing_is_stored_or_notified(uow, make_producer):
    tokens, requester, kind = FakeAccounts(allowance=1), new_user_id(), genre()
    producer = make_producer()
    set_artist(uow, producer, verified=True, genres=[kind])
    create(uow, tokens, requester, genre=kind)
    with pytest.raises(PaymentRequired):
        create(uow, tokens, requester, genre=kind)
    with pytest.raises(PaymentRequired):
        create(uow, FakeAccounts(allowance=1), new_user_id(), lifetime_hours=48)
    assert stored(uow, requester) == 1
    assert len(inbox(uow, producer["user_id"])) == 1


def test_a_reference_track_must_exist_and_be_published_before_anything_is_spent(uow, tokens, make_producer):
    producer, requester = make_producer(), new_user_id()
    unpublished = published_track(uow, producer, status=PROCESSING)
    for reference in (str(uuid.uuid4()), unpublished):
        with pytest.raises(InvalidField) as caught:
            create(uow, tokens, requester, reference_track_id=reference)
        assert "reference_track_id" in caught.value.details
    assert tokens.calls == [] and stored(uow, requester) == 0
    reference = published_track(uow, producer)
    assert create(uow, tokens, requester, reference_track_id=reference)["reference_track_id"] == reference


def test_a_request_that_cannot_be_stored_is_refunded(uow, tokens, monkeypatch):
    requester = new_user_id()

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(beat_requests, "_store", broken)
    with pytest.raises(RuntimeError):
        create(uow, tokens, requester)
    spent, refunded = tokens.calls
    assert spent[:2] == ("spend", requester) and refunded == ("refund", requester, spent[2], "delete")
    assert tokens.balance(requester)["tokens"] == 1 and stored(uow, requester) == 0


def test_verified_producers_of_the_genre_are_notified_and_no_one_else(uow, tokens, make_producer):
    kind = genre()
    matching, other_genre, unverified, requester_producer = (make_producer() for _ in range(4))
    set_artist(uow, matching, verified=True, genres=["Drill", kind.upper()])
    set_artist(uow, other_genre, verified=True, genres=["Drill"])
    set_artist(uow, unverified, verified=False, genres=[kind])
    set_artist(uow, requester_producer, verified=True, genres=[kind])
    created = create(uow, tokens, requester_producer["user_id"], genre=f"  {kind.lower()} ")
    [note] = inbox(uow, matching["user_id"])
    assert note.kind == notifications.BEAT_REQUEST_MATCH and note.payload["beat_request_id"] == created["id"]
    assert note.payload["bpm_min"] == 120 and note.read_at is None
    for someone in (other_genre, unverified, requester_producer):
        assert inbox(uow, someone["user_id"]) == []


# --- reading -------------------------------------------------------------------------------------

def test_producers_list_open_requests_with_filters_newest_first(uow, make_producer):
    producer, kind = make_producer(), genre()
    tokens = FakeAccounts(allowance=10)
    first = create(uow, tokens, new_user_id(), genre=kind, bpm_min=90, bpm_max=100, budget_cents=1000)
    second = create(uow, tokens, new_user_id(), NOW + timedelta(minutes=1), genre=kind, bpm_min=130, bpm_max=150,
                    budget_cents=20000)
    third = create(uow, tokens, new_user_id(), NOW + timedelta(minutes=2), genre=kind, lifetime_hours=72)
    gone = create(uow, tokens, new_user_id(), NOW + timedelta(minutes=3), genre=kind, lifetime_hours=72)
    beat_requests.delete(uow, tokens, gone["requester_user_id"], gone["id"], NOW + timedelta(minutes=4))
    later = NOW + timedelta(minutes=5)
    assert open_list(uow, producer, later, genre=kind.upper()) == [third["id"], second["id"], first["id"]]
    assert open_list(uow, producer, later, genre=kind, bpm=140) == [third["id"], second["id"]]
    assert open_list(uow, producer, later, genre=kind, bpm=100) == [first["id"]]
    assert open_list(uow, producer, later, genre=kind, budget_min=10000) == [second["id"]]
    # 24 h later the 24 h requests have expired; the 72 h one is still open
    assert open_list(uow, producer, NOW + timedelta(hours=25), genre=kind) == [third["id"]]
    query = schemas.load_open_query(kind, None, None, None, 2)
    page = beat_requests.list_open(uow, producer["user_id"], query, later)
    assert page["total"] == 3 and len(page["items"]) == 2 and page["next"]
    rest = open_list(uow, producer, later, genre=kind, cursor=page["next"], limit=2)
    assert rest == [first["id"]]
    with pytest.raises(Forbidden):
        open_list(uow, {"user_id": new_user_id()}, later, genre=kind)


def test_a_request_is_visible_to_its_requester_and_producers_only(uow, tokens, make_producer):
    requester, producer = new_user_id(), make_producer()
    created = create(uow, tokens, requester)
    assert beat_requests.get(uow, requester, created["id"], NOW)["id"] == created["id"]
    assert beat_requests.get(uow, producer["user_id"], created["id"], NOW)["mood"] == "dark"
    with pytest.raises(Forbidden):
        beat_requests.get(uow, new_user_id(), created["id"], NOW)
    with pytest.raises(NotFound):
        beat_requests.get(uow, requester, str(uuid.uuid4()), NOW)
    assert beat_requests.get(uow, requester, created["id"], NOW + timedelta(hours=24))["status"] == "expired"


def test_my_requests_include_expired_ones_but_not_deleted_ones(uow):
    requester, tokens = new_user_id(), FakeAccounts(allowance=5)
    expired = create(uow, tokens, requester)
    active = create(uow, tokens, requester, NOW + timedelta(hours=20), lifetime_hours=72)
    deleted = create(uow, tokens, requester, NOW + timedelta(hours=21))
    beat_requests.delete(uow, tokens, requester, deleted["id"], NOW + timedelta(hours=22))
    page = beat_requests.list_mine(uow, requester, load_page(schemas.MY_REQUESTS, None, None),
                                   NOW + timedelta(hours=30))
    assert [(item["id"], item["status"]) for item in page["items"]] == [(active["id"], "open"),
                                                                        (expired["id"], "expired")]
    assert page["total"] == 2


# --- responding ----------------------------------------------------------------------------------

def test_a_producer_responds_once_with_an_own_published_track_and_the_requester_is_told(uow, tokens, make_producer):
    requester, producer, rival = new_user_id(), make_producer("Answerer"), make_producer()
    created = create(uow, tokens, requester)
    own, theirs = published_track(uow, producer), published_track(uow, rival)
    unpublished = published_track(uow, producer, status=PROCESSING)
    for track_id in (theirs, unpublished, str(uuid.uuid4())):
        with pytest.raises(InvalidField) as caught:
            beat_requests.respond(uow, producer["user_id"], created["id"], {"track_id": track_id}, NOW)
        assert "track_id" in caught.value.details
    uow.rollback()
    response = beat_requests.respond(uow, producer["user_id"], created["id"],
                                     {"track_id": own, "message": "try this"}, NOW + timedelta(minutes=1))
    uow.commit()
    assert response["track_id"] == own and response["artist_name"] == "Answerer"
    with pytest.raises(Conflict):
        beat_requests.respond(uow, producer["user_id"], created["id"], {"track_id": own}, NOW)
    uow.rollback()
    [note] = inbox(uow, requester)
    assert note.kind == notifications.BEAT_REQUEST_RESPONSE
    assert note.payload["response_id"] == response["id"] and note.payload["track_id"] == own
    page = beat_requests.list_responses(uow, requester, created["id"],
                                        load_page(schemas.RESPONSES, None, None))
    assert [item["id"] for item in page["items"]] == [response["id"]] and page["items"][0]["message"] == "try this"
    for outsider in (producer["user_id"], new_user_id()):
        with pytest.raises(Forbidden):
            beat_requests.list_responses(uow, outsider, created["id"],
                                         load_page(schemas.RESPONSES, None, None))


def test_only_producers_respond_not_to_their_own_request_and_only_while_open(uow, tokens, make_producer):
    producer, requester_producer = make_producer(), make_producer()
    track = published_track(uow, producer)
    created = create(uow, tokens, new_user_id())
    with pytest.raises(Forbidden):
        beat_requests.respond(uow, new_user_id(), created["id"], {"track_id": track}, NOW)
    own_request = create(uow, tokens, requester_producer["user_id"])
    with pytest.raises(Forbidden):
        beat_requests.respond(uow, requester_producer["user_id"], own_request["id"],
                              {"track_id": published_track(uow, requester_producer)}, NOW)
    with pytest.raises(Conflict) as caught:
        beat_requests.respond(uow, producer["user_id"], created["id"], {"track_id": track}, NOW + timedelta(hours=24))
    assert "expired" in caught.value.message


def test_a_producer_with_several_pages_answers_as_the_page_of_the_track(uow, tokens, make_producer):
    from services.catalog.tracks import artists

    producer = make_producer("First Alias")
    alias = artists.on_producer_approved(uow, {"user_id": producer["user_id"], "producer_name": "Second Alias",
                                               "artist_id": None})
    uow.commit()
    created = create(uow, tokens, new_user_id())
    track = published_track(uow, {**producer, "artist_id": alias.id})
    response = beat_requests.respond(uow, producer["user_id"], created["id"], {"track_id": track}, NOW)
    uow.commit()
    assert (response["artist_id"], response["artist_name"]) == (alias.id, "Second Alias")
    assert uow.session.scalar(select(BeatRequestResponse.artist_id).where(
        BeatRequestResponse.id == response["id"])) == alias.id


# --- renewing ------------------------------------------------------------------------------------

def test_an_expired_request_renews_for_one_token_for_24_hours_from_now(uow):
    requester, tokens = new_user_id(), FakeAccounts(allowance=3)
    created = create(uow, tokens, requester, lifetime_hours=48)
    with pytest.raises(Conflict) as still_open:
        beat_requests.renew(uow, tokens, requester, created["id"], NOW + timedelta(hours=47))
    assert "still open" in still_open.value.message
    moment = NOW + timedelta(days=10)
    renewed = beat_requests.renew(uow, tokens, requester, created["id"], moment)
    uow.commit()
    assert renewed["status"] == "open" and renewed["renewals"] == 1 and renewed["tokens"] == 0
    assert renewed["expires_at"] == (moment + timedelta(hours=24)).isoformat()
    assert tokens.calls[-1] == ("spend", requester, created["id"], "renew:1", 1)
    tokens.balances[requester] = 1  # a new month
    again = beat_requests.renew(uow, tokens, requester, created["id"], moment + timedelta(days=2))
    assert again["renewals"] == 2 and tokens.calls[-1][3] == "renew:2"


def test_renewal_is_refused_beyond_30_days_and_without_tokens_changing_nothing(uow):
    requester, tokens = new_user_id(), FakeAccounts(allowance=1)
    created = create(uow, tokens, requester)
    expired_at = NOW + timedelta(hours=24)
    with pytest.raises(PaymentRequired):  # balance 0
        beat_requests.renew(uow, tokens, requester, created["id"], expired_at + timedelta(days=1))
    uow.rollback()
    tokens.balances[requester] = 1
    with pytest.raises(Conflict) as too_late:
        beat_requests.renew(uow, tokens, requester, created["id"], expired_at + timedelta(days=30, seconds=1))
    assert "30 days" in too_late.value.message
    uow.rollback()
    row = uow.session.get(BeatRequest, created["id"])
    uow.session.refresh(row)
    assert row.renewals == 0 and tokens.balances[requester] == 1
    assert beat_requests.renew(uow, tokens, requester, created["id"], expired_at + timedelta(days=30))["renewals"] == 1
    with pytest.raises(Forbidden):
        beat_requests.renew(uow, tokens, new_user_id(), created["id"], expired_at + timedelta(days=1))


# --- deleting ------------------------------------------------------------------------------------

def test_deleting_an_open_request_refunds_and_an_expired_one_does_not(uow):
    requester, tokens = new_user_id(), FakeAccounts(allowance=3)
    active = create(uow, tokens, requester, lifetime_hours=72)
    expired = create(uow, FakeAccounts(allowance=3), requester)
    with pytest.raises(Forbidden):
        beat_requests.delete(uow, tokens, new_user_id(), active["id"], NOW)
    assert beat_requests.delete(uow, tokens, requester, active["id"], NOW + timedelta(hours=1)) == {
        "refunded_tokens": 3, "tokens": 3}
    uow.commit()
    with pytest.raises(NotFound):
        beat_requests.get(uow, requester, active["id"], NOW)
    with pytest.raises(NotFound):
        beat_requests.delete(uow, tokens, requester, active["id"], NOW)
    calls = len(tokens.calls)
    assert beat_requests.delete(uow, tokens, requester, expired["id"], NOW + timedelta(hours=25)) == {
        "refunded_tokens": 0, "tokens": 3}
    assert len(tokens.calls) == calls  # no refund asked for an expired request


def test_a_renewed_request_deleted_while_open_refunds_its_renewal(uow):
    requester, tokens = new_user_id(), FakeAccounts(allowance=3)
    created = create(uow, tokens, requester, lifetime_hours=72)
    tokens.balances[requester] = 1  # a new month, and another request spent the rest
    beat_requests.renew(uow, tokens, requester, created["id"], NOW + timedelta(days=4))
    assert beat_requests.delete(uow, tokens, requester, created["id"], NOW + timedelta(days=4, hours=1)) == {
        "refunded_tokens": 1, "tokens": 1}
    assert tokens.calls[-1] == ("refund", requester, created["id"], "delete")


# --- notifications -------------------------------------------------------------------------------

def test_listing_notifications_marks_them_read_and_reports_the_previous_state(uow):
    user = new_user_id()
    for minute in range(3):
        notifications.notify(uow, [user], "beat_request_match", {"n": minute}, NOW + timedelta(minutes=minute))
    notifications.notify(uow, [new_user_id()], "beat_request_match", {"n": 99}, NOW)
    uow.commit()
    page = schemas.load_notifications_query(False, None, 2)[1]
    first = notifications.list_notifications(uow, user, False, page, NOW + timedelta(hours=1))
    uow.commit()
    assert [item["payload"]["n"] for item in first["items"]] == [2, 1]
    assert [item["read"] for item in first["items"]] == [False, False] and first["total"] == 3
    unread = notifications.list_notifications(uow, user, True, schemas.load_notifications_query(True, None, None)[1],
                                              NOW + timedelta(hours=1))
    uow.commit()
    assert [(item["payload"]["n"], item["read"]) for item in unread["items"]] == [(0, False)]
    again = notifications.list_notifications(uow, user, False, schemas.load_notifications_query(False, None, 2)[1],
                                             NOW + timedelta(hours=2))
    assert [item["read"] for item in again["items"]] == [True, True]
    rest = notifications.list_notifications(
        uow, user, False, schemas.load_notifications_query(False, again["next"], 2)[1], NOW + timedelta(hours=2))
    assert [item["payload"]["n"] for item in rest["items"]] == [0] and rest["next"] is None
    assert notifications.list_notifications(uow, user, True, page, NOW)["total"] == 0


def test_counting_unread_notifications_marks_none_read_and_listing_them_lowers_the_count(uow):
    user, other = new_user_id(), new_user_id()
    for minute in range(3):
        notifications.notify(uow, [user], "beat_request_match", {"n": minute}, NOW + timedelta(minutes=minute))
    notifications.notify(uow, [other], "beat_request_match", {"n": 99}, NOW)
    uow.commit()
    assert notifications.count_unread(uow, user) == 3
    assert notifications.count_unread(uow, user) == 3  # asking twice changes nothing
    notifications.list_notifications(uow, user, False, schemas.load_notifications_query(False, None, 2)[1], NOW)
    uow.commit()
    assert notifications.count_unread(uow, user) == 1
    assert notifications.count_unread(uow, other) == 1
    assert notifications.count_unread(uow, new_user_id()) == 0
    assert notifications.count_unread(uow, "not-a-uuid") == 0


# --- a track deleted between its look-up and the write -------------------------------------------

def test_a_reference_track_deleted_meanwhile_is_refused_and_refunded(uow, tokens, make_producer, deleted_once_found):
    producer, requester = make_producer(), new_user_id()
    reference = published_track(uow, producer)
    deleted_once_found("find_track")
    with pytest.raises(InvalidField) as caught:
        create(uow, tokens, requester, reference_track_id=reference)
    assert list(caught.value.details) == ["reference_track_id"]
    assert tokens.balance(requester)["tokens"] == 1 and stored(uow, requester) == 0


def test_a_response_with_a_track_deleted_meanwhile_is_refused_not_a_conflict(uow, tokens, make_producer,
                                                                              deleted_once_found):
    requester, producer = new_user_id(), make_producer()
    created = create(uow, tokens, requester)
    own = published_track(uow, producer)
    deleted_once_found("find_track")
    with pytest.raises(InvalidField) as caught:
        beat_requests.respond(uow, producer["user_id"], created["id"], {"track_id": own}, NOW)
    assert list(caught.value.details) == ["track_id"]
    uow.rollback()
    assert uow.session.scalar(select(func.count()).select_from(BeatRequestResponse)
                              .where(BeatRequestResponse.beat_request_id == created["id"])) == 0
    assert inbox(uow, requester) == []
