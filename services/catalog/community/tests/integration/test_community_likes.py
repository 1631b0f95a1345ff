"""Likes and reposts on the real service and PostgreSQL: idempotence, counters kept right under concurrent
calls, refusals that store nothing, events, the profile-tab lists and their index range scans."""
from datetime import datetime, timezone

import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.catalog.community import likes
from services.catalog.community.models import CollectionLike, ProducerLike, Repost, TrackLike
from services.catalog.conftest import new_user_id
from services.catalog.shared.models import Base
from services.catalog.shared.queries import insert_once, page_statement
from services.catalog.tests.integration.community_support import (count_rows, deleted_once_found,  # noqa: F401
                                                                   explain, make_collection, producer, publish,
                                                                   seen)
from services.common.db import make_engine
from services.common.messaging.models import OutboxMessage
from services.common.pagination import PageRequest, Position
from services.contracts.errors import InvalidField, NotFound
from services.contracts.events import REGISTRY, validate_event

pytestmark = pytest.mark.integration


def body(event: dict) -> dict:
    return {key: value for key, value in event.items() if key != "type"}


def test_liking_a_track_is_idempotent_counted_and_emitted_once(catalog, producer, publish, emitted, uow):
    track = publish(producer)
    fan, other = new_user_id(), new_user_id()
    assert catalog.like(actor_id=fan, kind="tracks", item_id=track["id"]) == {"liked": True, "like_count": 1}
    assert catalog.like(actor_id=fan, kind="tracks", item_id=track["id"]) == {"liked": True, "like_count": 1}
    assert catalog.like(actor_id=other, kind="tracks", item_id=track["id"])["like_count"] == 2
    assert catalog.get_track(track_id=track["id"])["like_count"] == 2
    assert catalog.unlike(actor_id=fan, kind="tracks", item_id=track["id"]) == {"liked": False, "like_count": 1}
    assert catalog.unlike(actor_id=fan, kind="tracks", item_id=track["id"]) == {"liked": False, "like_count": 1}
    assert count_rows(uow, TrackLike, track_id=track["id"]) == 1
    [liked] = seen(emitted, "item_liked", item_id=track["id"], user_id=fan)
    validate_event(REGISTRY["item_liked"], body(liked))
    assert (liked["kind"], liked["owner_user_id"], liked["like_count"]) == ("tracks", producer["user_id"], 1)
    [unliked] = seen(emitted, "item_unliked", item_id=track["id"])
    assert (unliked["user_id"], unliked["like_count"]) == (fan, 1)


def test_collections_and_producers_are_liked_too(catalog, producer, make_collection, uow):
    collection = make_collection(producer)
    fan = new_user_id()
    assert catalog.like(actor_id=fan, kind="collections", item_id=collection["id"]) == {"liked": True,
                                                                                         "like_count": 1}
    assert catalog.get_collection(collection_id=collection["id"])["like_count"] == 1
    for _ in range(2):
        assert catalog.like(actor_id=fan, kind="producers", item_id=producer["artist_id"]) == {"liked": True,
                                                                                                "like_count": 1}
    assert count_rows(uow, ProducerLike, artist_id=producer["artist_id"]) == 1
    assert catalog.unlike(actor_id=fan, kind="producers", item_id=producer["artist_id"])["like_count"] == 0


def test_a_missing_or_unpublished_item_is_not_found_and_nothing_is_stored(catalog, producer, upload, uow):
    processing = upload(producer)
    fan = new_user_id()
    for kind, item_id in (("tracks", processing["id"]), ("tracks", new_user_id()), ("collections", new_user_id()),
                          ("producers", new_user_id()), ("tracks", "not-a-uuid"), ("users", producer["user_id"])):
        with pytest.raises(NotFound):
            catalog.like(actor_id=fan, kind=kind, item_id=item_id)
    with pytest.raises(NotFound):  # even its producer cannot like a track before it is published
        catalog.like(actor_id=producer["user_id"], kind="tracks", item_id=processing["id"])
    with pytest.raises(NotFound):
        catalog.repost(actor_id=fan, track_id=processing["id"])
    for model in (TrackLike, CollectionLike, ProducerLike, Repost):
        assert count_rows(uow, model, user_id=fan) == 0
    with pytest.raises(InvalidField):
        catalog.like(actor_id="someone", kind="tracks", item_id=processing["id"])


def test_reposts_are_idempotent_and_counted(catalog, producer, publish, emitted):
    track = publish(producer)
    fan = new_user_id()
    for _ in range(2):
        assert catalog.repost(actor_id=fan, track_id=track["id"]) == {"reposted": True, "repost_count": 1}
    assert catalog.get_track(track_id=track["id"])["repost_count"] == 1
    for _ in range(2):
        assert catalog.unrepost(actor_id=fan, track_id=track["id"]) == {"reposted": False, "repost_count": 0}
    assert len(seen(emitted, "track_reposted", track_id=track["id"])) == 1
    assert len(seen(emitted, "track_unreposted", track_id=track["id"])) == 1


def test_concurrent_likes_keep_the_counter_right(catalog, producer, publish, rabbit_config, uow):
    """Eight different fans and one fan eight times, all at once, on concurrent workers."""
    track = publish(producer)
    fans, repeat = [new_user_id() for _ in range(8)], new_user_id()
    with ClusterRpcProxy(rabbit_config) as cluster:
        replies = [cluster.catalog.like.call_async(actor_id=user, kind="tracks", item_id=track["id"])
                   for user in fans + [repeat] * 8]
        [reply.result() for reply in replies]
    assert catalog.get_track(track_id=track["id"])["like_count"] == 9 == count_rows(uow, TrackLike,
                                                                                     track_id=track["id"])
    with ClusterRpcProxy(rabbit_config) as cluster:
        replies = [cluster.catalog.unlike.call_async(actor_id=user, kind="tracks", item_id=track["id"])
                   for user in fans[:4] + [repeat] * 4]
        [reply.result() for reply in replies]
    assert catalog.get_track(track_id=track["id"])["like_count"] == 4 == count_rows(uow, TrackLike,
                                                                                     track_id=track["id"])


def test_the_tabs_list_most_recent_first_in_pages(catalog, producer, publish, make_collection):
    fan = new_user_id()
    tracks = [publish(producer) for _ in range(3)]
    for track in tracks:
        catalog.like(actor_id=fan, kind="tracks", item_id=track["id"])
        catalog.repost(actor_id=fan, track_id=track["id"])
    first = catalog.list_likes(user_id=fan, kind="tracks", limit=2)
    assert [item["id"] for item in first["items"]] == [tracks[2]["id"], tracks[1]["id"]]
    assert first["total"] == 3 and first["next"]
    assert first["items"][0]["like_count"] == 1 and first["items"][0]["status"] == "published"
    second = catalog.list_likes(user_id=fan, kind="tracks", limit=2, cursor=first["next"])
    assert [item["id"] for item in second["items"]] == [tracks[0]["id"]] and second["next"] is None
    reposts = catalog.list_reposts(user_id=fan)
    assert [item["id"] for item in reposts["items"]] == [track["id"] for track in reversed(tracks)]
    with pytest.raises(InvalidField) as caught:  # a cursor of another list
        catalog.list_reposts(user_id=fan, cursor=first["next"])
    assert list(caught.value.details) == ["cursor"]

    collection = make_collection(producer)
    catalog.like(actor_id=fan, kind="collections", item_id=collection["id"])
    catalog.like(actor_id=fan, kind="producers", item_id=producer["artist_id"])
    [liked_collection] = catalog.list_likes(user_id=fan, kind="collections")["items"]
    assert (liked_collection["id"], liked_collection["like_count"]) == (collection["id"], 1)
    [liked_artist] = catalog.list_likes(user_id=fan, kind="producers")["items"]
    assert (liked_artist["id"], liked_artist["track_count"]) == (producer["artist_id"], 3)
    assert catalog.list_likes(user_id=new_user_id(), kind="tracks") == {"items": [], "total": 0, "next": None}


def test_tab_pages_are_index_range_scans(uow):
    user = new_user_id()
    after = PageRequest(Position((datetime(2026, 1, 1, tzinfo=timezone.utc), new_user_id())), 20)
    marks = {"ix_track_likes_user_newest": likes.LIKES["tracks"],
             "ix_collection_likes_user_newest": likes.LIKES["collections"],
             "ix_producer_likes_user_newest": likes.LIKES["producers"], "ix_reposts_user_newest": likes.REPOSTS}
    for index, mark in marks.items():
        for page in (PageRequest(), after):
            plan = explain(uow, page_statement(likes.list_query(mark, user), mark.model.created_at, mark.item, page))
            assert index in plan and "Sort" not in plan, plan
    uow.rollback()


@pytest.mark.parametrize("mark", ["like", "repost"])
def test_a_mark_racing_with_the_tracks_deletion_is_not_found_and_stores_nothing(mark, producer, publish, uow,
                                                                                  deleted_once_found):
    """The track is found, then deleted by a transaction that commits before the mark is inserted: the
    insert's foreign key fails, which is the track's NotFound (404), not a 500."""
    track = publish(producer)
    deleted_once_found()
    fan = new_user_id()
    with pytest.raises(NotFound) as caught:
        if mark == "like":
            likes.like(uow, fan, "tracks", track["id"])
        else:
            likes.repost(uow, fan, track["id"])
    assert (caught.value.message, caught.value.details) == ("track not found", {"track_id": track["id"]})
    uow.rollback()
    assert count_rows(uow, TrackLike, user_id=fan) == count_rows(uow, Repost, user_id=fan) == 0
    assert uow.session.scalar(select(func.count()).select_from(OutboxMessage)
                              .where(OutboxMessage.body.contains(fan))) == 0  # no event either


def test_insert_once_of_a_missing_item_is_not_found_on_sqlite_too(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'catalog.db'}")
    Base.metadata.create_all(engine)
    with Session(engine) as session, pytest.raises(NotFound) as caught:
        insert_once(session, CollectionLike, {"user_id": new_user_id(), "collection_id": "missing",
                                              "created_at": datetime.now(timezone.utc)})
    assert caught.value.details == {"collection_id": "missing"}


def test_get_track_tells_each_caller_their_own_like_and_repost(catalog, producer, publish):
    track = publish(producer)
    fan, other = new_user_id(), new_user_id()
    assert catalog.get_track(track_id=track["id"])["viewer"] is None  # anonymous
    assert catalog.get_track(track_id=track["id"], actor_id=fan)["viewer"] == {"liked": False, "reposted": False}
    catalog.like(actor_id=fan, kind="tracks", item_id=track["id"])
    assert catalog.get_track(track_id=track["id"], actor_id=fan)["viewer"] == {"liked": True, "reposted": False}
    catalog.repost(actor_id=fan, track_id=track["id"])
    seen_by_fan = catalog.get_track(track_id=track["id"], actor_id=fan)
    assert seen_by_fan["viewer"] == {"liked": True, "reposted": True}
    assert (seen_by_fan["like_count"], seen_by_fan["repost_count"]) == (1, 1)
    # another caller does not see the fan's marks as theirs, nor does the anonymous one
    assert catalog.get_track(track_id=track["id"], actor_id=other)["viewer"] == {"liked": False, "reposted": False}
    assert catalog.get_track(track_id=track["id"])["viewer"] is None
    catalog.like(actor_id=other, kind="tracks", item_id=track["id"])
    catalog.unlike(actor_id=fan, kind="tracks", item_id=track["id"])
    assert catalog.get_track(track_id=track["id"], actor_id=fan)["viewer"] == {"liked": False, "reposted": True}
    assert catalog.get_track(track_id=track["id"], actor_id=other)["viewer"] == {"liked": True, "reposted": False}


def test_the_owner_sees_their_unpublished_track_with_a_viewer_and_others_get_not_found(catalog, producer, upload):
    processing = upload(producer)
    seen = catalog.get_track(track_id=processing["id"], actor_id=producer["user_id"])
    assert seen["viewer"] == {"liked": False, "reposted": False}
    with pytest.raises(NotFound):
        catalog.get_track(track_id=processing["id"], actor_id=new_user_id())


def test_the_viewer_is_one_statement_probing_both_primary_keys(uow):
    plan = explain(uow, likes.viewer_query(new_user_id(), new_user_id()))
    assert "pk_track_likes" in plan and "pk_reposts" in plan, plan
    uow.rollback()
