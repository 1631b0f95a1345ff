"""Plays and listening history on the real service and PostgreSQL: counting under the anti-repeat rule
(with an injected clock), race safety under concurrent reports, play_recorded, history sessions and
pages, refusals that store nothing, and index range scans."""
from datetime import datetime, timedelta, timezone

import eventlet
import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import OperationalError

from services.catalog.conftest import WAV, metadata, new_user_id
from services.catalog.plays.models import HistoryEntry, Play, PlayWindow
from services.catalog.plays import plays
from services.catalog.plays.rules import ALREADY_COUNTED, COUNTED, OWN_TRACK, TOO_EARLY
from services.catalog.plays.schemas import HISTORY
from services.catalog.shared.schemas import load_page
from services.catalog.tracks.models import Track
from services.catalog.tracks.tests.integration.test_sqlite import publish, sqlite_uow  # noqa: F401 - a fixture
from services.catalog.tracks import artists, schemas, tracks
from services.common.db import UnitOfWork
from services.common.media import MediaStore
from services.common.pagination import PageRequest
from services.contracts.errors import InvalidField, NotFound
from services.contracts.events import REGISTRY, validate_event

pytestmark = pytest.mark.integration

DURATION = 180.5  # what conftest.validated_payload says the audio service measured
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


def report(position_s: float, duration_s: float = DURATION) -> dict:
    return {"position_s": float(position_s), "duration_s": float(duration_s)}


@pytest.fixture
def producer(make_producer):
    return make_producer("Play Maker")


@pytest.fixture
def published(catalog, producer, upload, publish_track) -> dict:
    track = upload(producer)
    return publish_track(track, producer)


def count_rows(uow, model, **where) -> int:
    return uow.session.scalar(select(func.count()).select_from(model).where(
        *(getattr(model, name) == value for name, value in where.items())))


def play_count(uow, track_id: str) -> int:
    return uow.session.scalar(select(Track.play_count).where(Track.id == track_id))


def history(uow, listener: str, limit: int = 20, after=None) -> dict:
    return plays.list_history(uow, listener, PageRequest(after, limit))


# --- counting --------------------------------------------------------------------------------------

def test_a_counted_play_raises_the_count_stores_a_play_and_emits_play_recorded(catalog, published, producer,
                                                                               emitted):
    listener = new_user_id()
    result = catalog.report_play(actor_id=listener, track_id=published["id"], position_s=31, duration_s=DURATION)
    assert result["counted"] and result["reason"] == COUNTED and result["play_count"] == 1
    assert datetime.fromisoformat(result["next_count_at"]) > datetime.now(timezone.utc) + timedelta(minutes=59)
    assert catalog.get_track(track_id=published["id"])["play_count"] == 1
    [event] = emitted.wait("play_recorded", published["id"])
    body = {key: value for key, value in event.items() if key != "type"}
    validate_event(REGISTRY["play_recorded"], body)
    assert (event["listener_user_id"], event["producer_user_id"], event["artist_id"]) == (
        listener, producer["user_id"], producer["artist_id"])
    assert (event["position_s"], event["duration_s"], event["collaborator_artist_ids"]) == (31.0, DURATION, [])
    assert event["play_id"] and event["played_at"]


def test_the_anti_repeat_hour_rolls_from_the_last_counted_play(published, uow):
    listener, track_id = new_user_id(), published["id"]
    steps = [(NOW, 10, TOO_EARLY), (NOW + timedelta(minutes=1), 31, COUNTED),
             (NOW + timedelta(minutes=30), 120, ALREADY_COUNTED),
             (NOW + timedelta(minutes=60, seconds=59), 40, ALREADY_COUNTED),
             (NOW + timedelta(minutes=61), 35, COUNTED)]
    results = []
    for moment, position, _ in steps:
        results.append(plays.report_play(uow, listener, track_id, report(position), now=moment))
        uow.commit()
    assert [result["reason"] for result in results] == [reason for *_, reason in steps]
    assert [result["play_count"] for result in results] == [0, 1, 1, 1, 2]
    assert results[2]["next_count_at"] == (NOW + timedelta(minutes=61)).isoformat()
    assert count_rows(uow, Play, track_id=track_id, listener_user_id=listener) == 2
    assert play_count(uow, track_id) == 2


def test_another_listener_counts_within_the_first_listeners_hour(published, uow):
    track_id = published["id"]
    first = plays.report_play(uow, new_user_id(), track_id, report(31), now=NOW)
    second = plays.report_play(uow, new_user_id(), track_id, report(31), now=NOW + timedelta(seconds=1))
    uow.commit()
    assert (first["reason"], second["reason"], second["play_count"]) == (COUNTED, COUNTED, 2)


def test_a_short_track_counts_at_80_percent(published, uow):
    track_id = published["id"]
    uow.session.execute(update(Track).where(Track.id == track_id).values(audio={**published["audio"],
                                                                                "duration_s": 5.0}))
    uow.commit()
    listener = new_user_id()
    assert plays.report_play(uow, listener, track_id, report(3.9, 5), now=NOW)["reason"] == TOO_EARLY
    assert plays.report_play(uow, listener, track_id, report(4, 5), now=NOW)["reason"] == COUNTED
    uow.commit()


def test_the_producers_and_collaborators_own_plays_do_not_count_but_are_their_history(
        catalog, producer, make_producer, upload, publish_track, uow):
    partner = make_producer("Partner")
    track = publish_track(upload(producer, collaborators=[partner["artist_id"]]), producer)
    for owner in (producer, partner):
        result = catalog.report_play(actor_id=owner["user_id"], track_id=track["id"], position_s=DURATION,
                                     duration_s=DURATION)
        assert (result["counted"], result["reason"], result["next_count_at"], result["play_count"]) == (
            False, OWN_TRACK, None, 0)
        [entry] = catalog.list_history(actor_id=owner["user_id"])["items"]
        assert entry["track"]["id"] == track["id"] and entry["counted"] is False
    assert count_rows(uow, Play, track_id=track["id"]) == 0


# --- race safety -----------------------------------------------------------------------------------

@pytest.mark.parametrize("earlier_play", [False, True], ids=["first-ever", "window-row-exists"])
def test_a_concurrent_report_waits_for_the_lock_and_does_not_count_twice(published, session_factory, uow,
                                                                         earlier_play):
    listener, track_id = new_user_id(), published["id"]
    if earlier_play:  # counted two hours ago: the window row exists and the hour is over
        plays.report_play(uow, listener, track_id, report(31), now=NOW - timedelta(hours=2))
        uow.commit()
    before = play_count(uow, track_id)
    first, second = UnitOfWork(session_factory), UnitOfWork(session_factory)
    try:
        assert plays.report_play(first, listener, track_id, report(31), now=NOW)["counted"]
        waiting = eventlet.spawn(plays.report_play, second, listener, track_id, report(40),
                                 now=NOW + timedelta(seconds=1))
        eventlet.sleep(0.5)
        assert not waiting.dead, "the second report must wait for the first one's lock"
        first.commit()
        result = waiting.wait()
        second.commit()
    finally:
        for unit in (first, second):
            unit.rollback()
            unit.close()
    assert (result["counted"], result["reason"], result["play_count"]) == (False, ALREADY_COUNTED, before + 1)
    assert play_count(uow, track_id) == before + 1


def test_concurrent_rpc_reports_count_one_play(catalog, published, uow, rabbit_config):
    """Six reports sent at once over RabbitMQ, handled by concurrent workers of the running service."""
    listener, track_id = new_user_id(), published["id"]
    with ClusterRpcProxy(rabbit_config) as cluster:
        replies = [cluster.catalog.report_play.call_async(actor_id=listener, track_id=track_id, position_s=31,
                                                          duration_s=DURATION) for _ in range(6)]
        results = [reply.result() for reply in replies]
    assert sorted(result["reason"] for result in results) == [ALREADY_COUNTED] * 5 + [COUNTED]
    assert count_rows(uow, Play, track_id=track_id, listener_user_id=listener) == 1
    assert count_rows(uow, HistoryEntry, track_id=track_id, listener_user_id=listener) == 1
    assert play_count(uow, track_id) == 1


# --- refusals --------------------------------------------------------------------------------------

@pytest.mark.parametrize("position, duration, field", [
    (31, 120.0, "duration_s"),   # the player thinks the track is shorter than it is
    (31, 183.0, "duration_s"),   # more than 2 s off
    (182, DURATION, "position_s"),
    (-1, DURATION, "position_s"),
    ("31", DURATION, "position_s"),
])
def test_impossible_reports_are_422_and_store_nothing(catalog, published, uow, position, duration, field):
    listener = new_user_id()
    with pytest.raises(InvalidField) as refused:
        catalog.report_play(actor_id=listener, track_id=published["id"], position_s=position, duration_s=duration)
    assert field in refused.value.details
    assert count_rows(uow, HistoryEntry, listener_user_id=listener) == 0
    assert count_rows(uow, PlayWindow, listener_user_id=listener) == 0
    assert play_count(uow, published["id"]) == 0


def test_unknown_and_unpublished_tracks_are_404(catalog, producer, upload):
    processing = upload(producer)
    for track_id in (processing["id"], new_user_id(), "not-a-uuid"):
        with pytest.raises(NotFound):
            catalog.report_play(actor_id=new_user_id(), track_id=track_id, position_s=31, duration_s=DURATION)


# --- history ---------------------------------------------------------------------------------------

def test_reports_within_the_hour_update_one_entry_and_others_start_new_ones(catalog, producer, upload,
                                                                            publish_track, uow):
    one, two = (publish_track(upload(producer), producer)["id"] for _ in range(2))
    listener = new_user_id()
    for minutes, track_id, position in [(0, one, 10), (1, one, 45), (2, two, 5), (3, one, 20), (70, one, 31)]:
        plays.report_play(uow, listener, track_id, report(position), now=NOW + timedelta(minutes=minutes))
    uow.commit()
    page = history(uow, listener)
    entries = [(item["track"]["id"], item["position_s"], item["counted"], item["listened_at"])
               for item in page["items"]]
    at = lambda minutes: (NOW + timedelta(minutes=minutes)).isoformat()  # noqa: E731
    assert entries == [(one, 31.0, True, at(70)),  # counted again: the hour of minute 1's play is over
                       (one, 20.0, False, at(3)), (two, 5.0, False, at(2)), (one, 45.0, True, at(1))]
    assert page["items"][-1]["started_at"] == at(0)
    assert page["total"] == 4 and page["next"] is None
    summary = page["items"][0]["track"]
    assert set(summary) == {"id", "name", "artists", "artist_id", "status", "has_cover", "cover_preset",
                            "collection_id"}


def test_history_pages_walk_newest_first_and_a_deleted_track_leaves_it(catalog, producer, upload, publish_track,
                                                                       uow):
    tracks = [publish_track(upload(producer), producer)["id"] for _ in range(3)]
    listener = new_user_id()
    for minutes, track_id in enumerate(tracks):
        plays.report_play(uow, listener, track_id, report(31), now=NOW + timedelta(minutes=minutes))
    uow.commit()
    first = catalog.list_history(actor_id=listener, limit=2)
    assert [item["track"]["id"] for item in first["items"]] == tracks[:0:-1] and first["total"] == 3
    second = catalog.list_history(actor_id=listener, limit=2, cursor=first["next"])
    assert [item["track"]["id"] for item in second["items"]] == tracks[:1] and second["next"] is None
    catalog.delete_track(actor_id=producer["user_id"], track_id=tracks[1])
    remaining = catalog.list_history(actor_id=listener)
    assert [item["track"]["id"] for item in remaining["items"]] == [tracks[2], tracks[0]]
    assert remaining["total"] == 2
    assert count_rows(uow, Play, track_id=tracks[1]) == 0


def test_history_refuses_a_foreign_cursor_and_a_bad_limit(catalog):
    tracks_cursor = catalog.list_tracks(limit=1)["next"]
    for arguments in ({"cursor": tracks_cursor or "x"}, {"limit": 0}, {"limit": 101}):
        with pytest.raises(InvalidField):
            catalog.list_history(actor_id=new_user_id(), **arguments)


# --- indexes ---------------------------------------------------------------------------------------

def explain(uow, statement) -> str:
    """PostgreSQL's plan for ``statement``, with sequential scans priced out (tiny test tables would
    otherwise make them the cheapest plan even where an index applies)."""
    compiled = statement.compile(dialect=uow.session.get_bind().dialect)
    cursor = uow.session.connection().connection.cursor()
    cursor.execute("SET LOCAL enable_seqscan = off")
    cursor.execute("EXPLAIN " + str(compiled), compiled.params)
    return "\n".join(row[0] for row in cursor.fetchall())


def test_history_pages_and_counting_look_ups_are_index_range_scans(uow):
    listener = new_user_id()
    after = PageRequest(plays.Position((NOW, new_user_id())), 20)
    for statement in (plays.history_page(listener, PageRequest()), plays.history_page(listener, after),
                      plays.latest_entry(listener)):
        plan = explain(uow, statement)
        assert "ix_listening_history_listener_newest" in plan and "Sort" not in plan, plan
    window = select(PlayWindow).where(PlayWindow.listener_user_id == listener, PlayWindow.track_id == new_user_id())
    assert "pk_play_windows" in explain(uow, window)
    uow.rollback()


# --- SQLite (make run's default) -------------------------------------------------------------------

def test_counting_and_history_work_on_sqlite(sqlite_uow, tmp_path):
    """SQLite returns naive datetimes and has no row locks: the same rules hold there."""
    media = MediaStore(tmp_path / "media")
    producer_id = new_user_id()
    artists.on_producer_approved(sqlite_uow, {"user_id": producer_id, "producer_name": "Lite", "artist_id": None})
    upload = {"audio_key": "uploads/x/a.wav", "size_bytes": len(WAV), "cover_key": None}
    track = tracks.create_track(sqlite_uow, media, producer_id, schemas.load_track_metadata(metadata()), upload)
    publish(sqlite_uow, media, track["id"])  # 60 s long
    sqlite_uow.commit()
    listener = new_user_id()
    reasons = []
    for minutes, position in [(0, 31), (1, 40), (62, 50)]:  # 61 min after the last report: a new session
        reasons.append(plays.report_play(sqlite_uow, listener, track["id"], report(position, 60),
                                         now=NOW + timedelta(minutes=minutes))["reason"])
        sqlite_uow.commit()
    assert reasons == [COUNTED, ALREADY_COUNTED, COUNTED]
    page = plays.list_history(sqlite_uow, listener, PageRequest(limit=1))
    assert page["total"] == 2 and page["items"][0]["position_s"] == 50.0
    rest = plays.list_history(sqlite_uow, listener, load_page(HISTORY, page["next"], 1))
    assert [item["position_s"] for item in rest["items"]] == [40.0] and rest["next"] is None
    assert sqlite_uow.session.scalar(select(Track.play_count).where(Track.id == track["id"])) == 2


def test_a_track_cannot_be_deleted_between_a_reports_look_up_and_its_writes(published, session_factory, uow,
                                                                            monkeypatch):
    """The report reads its track under a key-share lock: a deletion trying to commit in between waits
    (here: gives up after its lock timeout) instead of making the report's writes fail with a 500."""
    listener, track_id = new_user_id(), published["id"]
    lock_window, deletion = plays._lock_window, []

    def deletion_first(session, listener_id: str, track: str):
        with session_factory() as other:
            other.execute(text("SET LOCAL lock_timeout = '200ms'"))
            try:
                other.execute(delete(Track).where(Track.id == track))
                other.commit()
                deletion.append("deleted")
            except OperationalError:
                other.rollback()
                deletion.append("waited")
        return lock_window(session, listener_id, track)

    monkeypatch.setattr(plays, "_lock_window", deletion_first)
    assert plays.report_play(uow, listener, track_id, report(31), now=NOW)["counted"]
    uow.commit()
    assert deletion == ["waited"] and play_count(uow, track_id) == 1
