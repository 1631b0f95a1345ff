"""``user_deleted``: the catalog erases or anonymises everything about the deleted person, through the
real consumer (published on the bus), and a second delivery — same event id or a new one — changes nothing."""
from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import func, select, update

from services.catalog.beat_requests import beat_requests
from services.catalog.beat_requests.models import BeatRequest, BeatRequestResponse, Notification
from services.catalog.beat_requests.schemas import load_new_request
from services.catalog.beat_requests.tests.integration.test_beat_requests import FakeAccounts
from services.catalog.community.models import (CollectionLike, Comment, Playlist, PlaylistTrack, ProducerLike, Repost,
                                               TrackLike)
from services.catalog.conftest import new_user_id, wait_until
from services.catalog.plays.models import HistoryEntry, Play, PlayWindow
from services.catalog.tests.integration.community_support import make_collection, publish  # noqa: F401
from services.catalog.tracks.models import Artist, Collection, Track
from services.common.clock import utcnow
from services.common.messaging.models import ProcessedEvent
from services.contracts.errors import NotFound
from services.contracts.events import USER_DELETED

pytestmark = pytest.mark.integration

CONSUMER = "catalog.on_user_deleted"
DURATION = 180.0


def handled(uow, event_id: str) -> bool:
    uow.session.rollback()  # a fresh snapshot: the consumer commits in its own transaction
    return uow.session.get(ProcessedEvent, (CONSUMER, event_id)) is not None


def rows_of(uow, model, **where: Any) -> int:
    return uow.session.scalar(select(func.count()).select_from(model).where(
        *(getattr(model, name) == value for name, value in where.items())))


@pytest.fixture
def world(catalog, uow, make_producer, publish, make_collection, upload) -> dict:
    """The person to delete (a listener who is also a producer) and someone else, each active on the other's
    things: likes, reposts, comments, a playlist, counted plays, beat requests, responses, notifications."""
    tokens, now = FakeAccounts(allowance=10), utcnow()
    person, other = make_producer("Leaving Soon"), make_producer("Staying Put")
    genre = f"Genre {new_user_id()[:8]}"
    for producer in (person, other):  # both verified in the genre: each is notified of the other's request
        uow.session.execute(update(Artist).where(Artist.id == producer["artist_id"])
                            .values(verified=True, genres=[genre]))
    uow.commit()
    theirs, collection = publish(other), make_collection(other)
    own = publish(person, exclusive={"price_cents": 50000, "currency": "CAD", "contact_email": "me@example.com",
                                     "status": "available"}, licensing_model="standard_exclusive")
    pending = upload(person, name="Half Done")  # still processing
    catalog.update_artist(actor_id=person["user_id"], artist_id=person["artist_id"],
                          changes={"pinned_track_id": own["id"]})

    me = person["user_id"]
    catalog.like(actor_id=me, kind="tracks", item_id=theirs["id"])
    catalog.like(actor_id=me, kind="collections", item_id=collection["id"])
    catalog.like(actor_id=me, kind="producers", item_id=other["artist_id"])
    catalog.repost(actor_id=me, track_id=theirs["id"])
    catalog.post_comment(actor_id=me, track_id=theirs["id"], body="my words")
    playlist = catalog.create_playlist(actor_id=me, data={"name": "Mine", "public": True})
    catalog.add_playlist_track(actor_id=me, playlist_id=playlist["id"], track_id=theirs["id"])
    assert catalog.report_play(actor_id=me, track_id=theirs["id"], position_s=31, duration_s=DURATION)["counted"]

    catalog.like(actor_id=other["user_id"], kind="tracks", item_id=own["id"])
    catalog.post_comment(actor_id=other["user_id"], track_id=own["id"], body="nice beat")
    catalog.report_play(actor_id=other["user_id"], track_id=own["id"], position_s=31, duration_s=DURATION)

    request_data = {"genre": genre, "bpm_min": 90, "bpm_max": 110, "mood": "my secret mood",
                    "budget_cents": 1000, "lifetime_hours": 24}
    mine = beat_requests.create(uow, tokens, me, load_new_request(request_data), now)
    theirs_request = beat_requests.create(uow, tokens, other["user_id"], load_new_request(request_data), now)
    beat_requests.respond(uow, other["user_id"], mine["id"], {"track_id": theirs["id"], "message": None}, now)
    beat_requests.respond(uow, me, theirs_request["id"], {"track_id": own["id"], "message": "try mine"}, now)
    uow.commit()
    return {"person": person, "other": other, "theirs": theirs, "own": own, "pending": pending,
            "pending_audio_key": own_audio_key(uow, pending["id"]),
            "collection": collection, "playlist": playlist, "my_request": mine, "their_request": theirs_request}


def own_audio_key(uow, track_id: str) -> str:
    return uow.session.scalar(select(Track.audio_key).where(Track.id == track_id))


def snapshot(uow, world: dict) -> dict:
    """Everything the erasure touches, as comparable values."""
    uow.session.rollback()
    me, other = world["person"]["user_id"], world["other"]["user_id"]
    own = uow.session.get(Track, world["own"]["id"])
    theirs = uow.session.get(Track, world["theirs"]["id"])
    page = uow.session.get(Artist, world["person"]["artist_id"])
    return {
        "marks": [rows_of(uow, model, user_id=me) for model in (TrackLike, CollectionLike, ProducerLike, Repost)],
        "counters": (theirs.like_count, theirs.repost_count, theirs.play_count,
                     uow.session.get(Collection, world["collection"]["id"]).like_count),
        "mine": [rows_of(uow, Playlist, owner_id=me), rows_of(uow, Comment, author_id=me),
                 rows_of(uow, HistoryEntry, listener_user_id=me), rows_of(uow, PlayWindow, listener_user_id=me),
                 rows_of(uow, Play, listener_user_id=me), rows_of(uow, Notification, user_id=me),
                 rows_of(uow, BeatRequest, requester_user_id=me),
                 rows_of(uow, BeatRequestResponse, producer_user_id=me), rows_of(uow, Track, producer_user_id=me)],
        "plays_of_theirs": rows_of(uow, Play, track_id=theirs.id),
        "own": (own.status, own.producer_user_id, own.exclusive, own.play_count, own.like_count),
        "page": (page.user_id, page.verified, page.pinned_track_id, page.name),
        "others": [rows_of(uow, Notification, user_id=other), rows_of(uow, Comment, track_id=own.id),
                   rows_of(uow, BeatRequest, requester_user_id=other)],
    }


def test_the_deleted_persons_data_is_erased_or_anonymised(catalog, bus, uow, world, media, emitted):
    me, other = world["person"]["user_id"], world["other"]["user_id"]
    before = snapshot(uow, world)
    assert before["marks"] == [1, 1, 1, 1] and before["mine"] == [1, 1, 1, 1, 1, 2, 1, 1, 2]
    assert before["others"][0] == 2  # matched by the person's request, and their response to the other's

    body = bus.publish(USER_DELETED, {"user_id": me})
    wait_until(lambda: handled(uow, body["event_id"]))
    after = snapshot(uow, world)

    assert after["marks"] == [0, 0, 0, 0]
    assert after["counters"] == (0, 0, 1, 0)  # likes and reposts gone with their marks; the counted play stays
    assert after["mine"] == [0] * 9
    assert rows_of(uow, PlaylistTrack, playlist_id=world["playlist"]["id"]) == 0
    # the play survives under an id that belongs to no one
    assert after["plays_of_theirs"] == 1
    pseudonym = uow.session.scalar(select(Play.listener_user_id).where(Play.track_id == world["theirs"]["id"]))
    assert pseudonym not in (me, other)

    status, producer, exclusive, play_count, like_count = after["own"]
    assert (status, play_count, like_count) == ("withdrawn", 1, 1)
    assert producer == pseudonym and "contact_email" not in exclusive and exclusive["price_cents"] == 50000
    assert after["page"] == (None, False, None, "Leaving Soon")
    assert catalog.artist_claim_status(artist_id=world["person"]["artist_id"])["status"] == "available"
    # the unpublished upload is gone with its file; audio is told to forget it
    assert uow.session.get(Track, world["pending"]["id"]) is None
    emitted.wait("track_deleted", world["pending"]["id"])
    # the other person's notification quoting the deleted request went (the one naming the artist page, public
    # and kept, stays); their request and their comment on the withdrawn track stay, though hidden with it
    assert after["others"] == [1, 1, 1]
    assert rows_of(uow, BeatRequestResponse, beat_request_id=world["their_request"]["id"]) == 0

    # withdrawn: out of every list and stream, for everyone (there is no owner any more)
    for call in (lambda: catalog.get_track(track_id=world["own"]["id"]),
                 lambda: catalog.stream_source(track_id=world["own"]["id"]),
                 lambda: catalog.cover_source(track_id=world["own"]["id"]),
                 lambda: catalog.list_comments(track_id=world["own"]["id"])):
        with pytest.raises(NotFound):
            call()
    listed = catalog.list_tracks(filters={"producer": world["person"]["artist_id"]})
    assert listed["items"] == [] and listed["total"] == 0
    assert catalog.list_likes(user_id=other, kind="tracks")["total"] == 0
    assert media.path(own_audio_key(uow, world["own"]["id"])).is_file()  # kept for the licences already issued
    assert not media.path(world["pending_audio_key"]).exists()


def test_handling_it_twice_changes_nothing(catalog, bus, uow, world):
    me = world["person"]["user_id"]
    first = bus.publish(USER_DELETED, {"user_id": me})
    wait_until(lambda: handled(uow, first["event_id"]))
    once = snapshot(uow, world)
    pseudonym = uow.session.scalar(select(Play.listener_user_id).where(Play.track_id == world["theirs"]["id"]))

    bus.publish(USER_DELETED, {"user_id": me}, event_id=first["event_id"])  # redelivered
    second = bus.publish(USER_DELETED, {"user_id": me})  # sent again under a new id
    wait_until(lambda: handled(uow, second["event_id"]))
    time.sleep(1.0)  # workers run concurrently: let the redelivery finish too
    assert snapshot(uow, world) == once
    assert uow.session.scalar(select(Play.listener_user_id).where(Play.track_id == world["theirs"]["id"])) == pseudonym
    assert uow.session.scalar(select(func.count()).select_from(ProcessedEvent).where(
        ProcessedEvent.consumer == CONSUMER, ProcessedEvent.event_id == first["event_id"])) == 1


def test_someone_who_never_used_the_catalog_is_handled_too(bus, uow, catalog):
    body = bus.publish(USER_DELETED, {"user_id": new_user_id()})
    wait_until(lambda: handled(uow, body["event_id"]))  # nothing to erase, and nothing failed
