"""Playlists on the real service and PostgreSQL: visibility, owner-only edits, stored order (insert,
remove, reorder), refusals that change nothing, concurrent adds, the lists and their index range scans."""
from datetime import datetime, timezone

import eventlet
import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import select

from services.catalog.community import playlists
from services.catalog.community.models import Playlist, PlaylistTrack
from services.catalog.conftest import new_user_id
from services.catalog.shared.queries import page_statement
from services.catalog.tests.integration.community_support import (count_rows, deleted_once_found,  # noqa: F401
                                                                   explain, producer, publish)
from services.common.db import UnitOfWork
from services.common.pagination import PageRequest, Position
from services.contracts.errors import Conflict, Forbidden, InvalidField, NotFound

pytestmark = pytest.mark.integration


@pytest.fixture
def owner() -> str:
    return new_user_id()


@pytest.fixture
def tracks(producer, publish) -> list[dict]:
    return [publish(producer, name=f"Song {index}") for index in range(4)]


def new_playlist(catalog, owner: str, **data) -> dict:
    return catalog.create_playlist(actor_id=owner, data={"name": "Late night", **data})


def order(playlist: dict) -> list[str]:
    return [track["id"] for track in playlist["tracks"]]


def stored(uow, playlist_id: str) -> list[tuple[str, int]]:
    return list(uow.session.execute(select(PlaylistTrack.track_id, PlaylistTrack.position)
                                    .where(PlaylistTrack.playlist_id == playlist_id)
                                    .order_by(PlaylistTrack.position)).tuples())


def test_a_new_playlist_is_public_and_seen_by_anyone(catalog, owner):
    playlist = new_playlist(catalog, owner, description="  chill  ")
    assert (playlist["owner_id"], playlist["public"], playlist["description"], playlist["track_count"],
            playlist["tracks"]) == (owner, True, "chill", 0, [])
    assert catalog.get_playlist(playlist_id=playlist["id"])["name"] == "Late night"
    with pytest.raises(InvalidField) as caught:
        new_playlist(catalog, owner, name="x" * 101)
    assert list(caught.value.details) == ["name"]


def test_a_private_playlist_exists_for_its_owner_only(catalog, owner):
    playlist = new_playlist(catalog, owner, public=False)
    assert catalog.get_playlist(playlist_id=playlist["id"], actor_id=owner)["public"] is False
    for viewer in (None, new_user_id()):
        with pytest.raises(NotFound):
            catalog.get_playlist(playlist_id=playlist["id"], actor_id=viewer)
    with pytest.raises(NotFound):
        catalog.update_playlist(actor_id=new_user_id(), playlist_id=playlist["id"], changes={"name": "Mine"})
    with pytest.raises(NotFound):
        catalog.delete_playlist(actor_id=new_user_id(), playlist_id=playlist["id"])


def test_only_the_owner_changes_a_public_playlist(catalog, owner, tracks, uow):
    playlist = new_playlist(catalog, owner)
    catalog.add_playlist_track(actor_id=owner, playlist_id=playlist["id"], track_id=tracks[0]["id"])
    other = new_user_id()
    attempts = [
        lambda: catalog.update_playlist(actor_id=other, playlist_id=playlist["id"], changes={"name": "Mine"}),
        lambda: catalog.add_playlist_track(actor_id=other, playlist_id=playlist["id"], track_id=tracks[1]["id"]),
        lambda: catalog.remove_playlist_track(actor_id=other, playlist_id=playlist["id"], track_id=tracks[0]["id"]),
        lambda: catalog.reorder_playlist(actor_id=other, playlist_id=playlist["id"], track_ids=[tracks[0]["id"]]),
        lambda: catalog.delete_playlist(actor_id=other, playlist_id=playlist["id"]),
    ]
    for attempt in attempts:
        with pytest.raises(Forbidden):
            attempt()
    assert catalog.get_playlist(playlist_id=playlist["id"])["name"] == "Late night"
    assert stored(uow, playlist["id"]) == [(tracks[0]["id"], 0)]
    changed = catalog.update_playlist(actor_id=owner, playlist_id=playlist["id"],
                                      changes={"name": "Renamed", "description": "", "public": False})
    assert (changed["name"], changed["description"], changed["public"]) == ("Renamed", None, False)
    assert changed["updated_at"] > playlist["updated_at"]
    assert catalog.delete_playlist(actor_id=owner, playlist_id=playlist["id"]) is None
    assert count_rows(uow, PlaylistTrack, playlist_id=playlist["id"]) == 0
    with pytest.raises(NotFound):
        catalog.get_playlist(playlist_id=playlist["id"], actor_id=owner)


def test_tracks_keep_their_order_through_inserts_and_removals(catalog, owner, tracks, uow):
    a, b, c, d = (track["id"] for track in tracks)
    playlist = new_playlist(catalog, owner)
    add = lambda track_id, position=None: catalog.add_playlist_track(  # noqa: E731
        actor_id=owner, playlist_id=playlist["id"], track_id=track_id, position=position)
    add(a)
    add(b)
    assert order(add(c, 0)) == [c, a, b]
    assert order(add(d, 99)) == [c, a, b, d]  # past the end: appended
    assert stored(uow, playlist["id"]) == [(c, 0), (a, 1), (b, 2), (d, 3)]
    catalog.remove_playlist_track(actor_id=owner, playlist_id=playlist["id"], track_id=a)
    assert stored(uow, playlist["id"]) == [(c, 0), (b, 1), (d, 2)]  # the gap is closed
    assert order(add(a, 1)) == [c, a, b, d]
    with pytest.raises(NotFound):
        catalog.remove_playlist_track(actor_id=owner, playlist_id=playlist["id"], track_id=new_user_id())


def test_a_duplicate_an_unpublished_track_and_a_full_playlist_are_refused(catalog, owner, tracks, producer, upload,
                                                                         uow, monkeypatch):
    playlist = new_playlist(catalog, owner)
    catalog.add_playlist_track(actor_id=owner, playlist_id=playlist["id"], track_id=tracks[0]["id"])
    with pytest.raises(Conflict):
        catalog.add_playlist_track(actor_id=owner, playlist_id=playlist["id"], track_id=tracks[0]["id"])
    with pytest.raises(NotFound):
        catalog.add_playlist_track(actor_id=owner, playlist_id=playlist["id"], track_id=upload(producer)["id"])
    with pytest.raises(InvalidField) as caught:
        catalog.add_playlist_track(actor_id=owner, playlist_id=playlist["id"], track_id=tracks[1]["id"], position=-1)
    assert list(caught.value.details) == ["position"]
    monkeypatch.setattr(playlists, "PLAYLIST_MAX_TRACKS", 2)
    catalog.add_playlist_track(actor_id=owner, playlist_id=playlist["id"], track_id=tracks[1]["id"])
    with pytest.raises(Conflict) as full:
        catalog.add_playlist_track(actor_id=owner, playlist_id=playlist["id"], track_id=tracks[2]["id"])
    assert "at most 2" in str(full.value)
    assert [track_id for track_id, _ in stored(uow, playlist["id"])] == [tracks[0]["id"], tracks[1]["id"]]


def test_reordering_needs_exactly_the_playlists_tracks_and_otherwise_changes_nothing(catalog, owner, tracks, uow):
    a, b, c, d = (track["id"] for track in tracks)
    playlist = new_playlist(catalog, owner)
    for track_id in (a, b, c):
        catalog.add_playlist_track(actor_id=owner, playlist_id=playlist["id"], track_id=track_id)
    assert order(catalog.reorder_playlist(actor_id=owner, playlist_id=playlist["id"], track_ids=[c, a, b])) == [c, a, b]
    assert stored(uow, playlist["id"]) == [(c, 0), (a, 1), (b, 2)]
    for wrong, named in (([c, a, d], [d, b]), ([c, a], [b]), ([c, a, b, b], [b]), ([c, a, b, d], [d])):
        with pytest.raises(InvalidField) as caught:
            catalog.reorder_playlist(actor_id=owner, playlist_id=playlist["id"], track_ids=wrong)
        problems = " ".join(caught.value.details["track_ids"])
        assert all(track_id in problems for track_id in named), problems
        assert stored(uow, playlist["id"]) == [(c, 0), (a, 1), (b, 2)]


def test_concurrent_adds_never_share_a_position(catalog, owner, producer, publish, rabbit_config, uow):
    songs = [publish(producer)["id"] for _ in range(6)]
    playlist = new_playlist(catalog, owner)
    with ClusterRpcProxy(rabbit_config) as cluster:
        replies = [cluster.catalog.add_playlist_track.call_async(actor_id=owner, playlist_id=playlist["id"],
                                                                 track_id=track_id) for track_id in songs]
        [reply.result() for reply in replies]
    entries = stored(uow, playlist["id"])
    assert sorted(track_id for track_id, _ in entries) == sorted(songs)
    assert [position for _, position in entries] == list(range(6))


def test_a_second_edit_waits_for_the_first_ones_lock(catalog, owner, tracks, session_factory, uow):
    playlist = new_playlist(catalog, owner)
    first, second = UnitOfWork(session_factory), UnitOfWork(session_factory)
    try:
        playlists.add_track(first, owner, playlist["id"], tracks[0]["id"])
        waiting = eventlet.spawn(playlists.add_track, second, owner, playlist["id"], tracks[1]["id"])
        eventlet.sleep(0.5)
        assert not waiting.dead, "the second add must wait for the first one's lock"
        first.commit()
        assert order(waiting.wait()) == [tracks[0]["id"], tracks[1]["id"]]
        second.commit()
    finally:
        for unit in (first, second):
            unit.rollback()
            unit.close()
    assert stored(uow, playlist["id"]) == [(tracks[0]["id"], 0), (tracks[1]["id"], 1)]


def test_own_lists_include_private_playlists_and_profile_lists_only_public_ones(catalog, owner, tracks):
    public = new_playlist(catalog, owner, name="Open")
    catalog.add_playlist_track(actor_id=owner, playlist_id=public["id"], track_id=tracks[0]["id"])
    private = new_playlist(catalog, owner, name="Secret", public=False)
    newest = new_playlist(catalog, owner, name="Newest")
    mine = catalog.list_my_playlists(actor_id=owner, limit=2)
    assert [item["id"] for item in mine["items"]] == [newest["id"], private["id"]] and mine["total"] == 3
    rest = catalog.list_my_playlists(actor_id=owner, limit=2, cursor=mine["next"])
    assert [item["id"] for item in rest["items"]] == [public["id"]] and rest["next"] is None
    assert rest["items"][0]["track_count"] == 1 and "tracks" not in rest["items"][0]
    shown = catalog.list_user_playlists(user_id=owner)
    assert [item["id"] for item in shown["items"]] == [newest["id"], public["id"]] and shown["total"] == 2
    with pytest.raises(InvalidField):
        catalog.list_user_playlists(user_id=owner, cursor=mine["next"])


def test_playlist_pages_and_entry_look_ups_use_indexes(uow):
    user = new_user_id()
    after = PageRequest(Position((datetime(2026, 1, 1, tzinfo=timezone.utc), new_user_id())), 20)
    for public_only in (False, True):
        for page in (PageRequest(), after):
            statement = page_statement(select(Playlist).where(*playlists.owned_by(user, public_only)),
                                       Playlist.created_at, Playlist.id, page)
            plan = explain(uow, statement)
            assert "ix_playlists_owner_newest" in plan and "Sort" not in plan, plan
    entries = select(PlaylistTrack.track_id).where(PlaylistTrack.playlist_id == user).order_by(PlaylistTrack.position)
    assert "uq_playlist_tracks_position" in explain(uow, entries)
    uow.rollback()


def test_adding_a_track_deleted_meanwhile_is_not_found_and_changes_nothing(catalog, owner, tracks, uow,
                                                                          deleted_once_found):
    """The track is found, then deleted (committed) before its entry is written: NotFound, not a 500."""
    playlist = new_playlist(catalog, owner)
    catalog.add_playlist_track(actor_id=owner, playlist_id=playlist["id"], track_id=tracks[0]["id"])
    deleted_once_found()
    with pytest.raises(NotFound) as caught:
        playlists.add_track(uow, owner, playlist["id"], tracks[1]["id"], position=0)
    assert caught.value.details == {"track_id": tracks[1]["id"]}
    uow.rollback()
    assert stored(uow, playlist["id"]) == [(tracks[0]["id"], 0)]
