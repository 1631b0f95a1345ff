"""Following artist pages on the real service and PostgreSQL: idempotent follows and their count, the
Followers tab, unknown pages, the "New follower" notification of verified owners only (once per follower),
concurrent follows, and the erasure of a deleted follower."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from services.catalog.audience import follows
from services.catalog.audience.models import ArtistFollow, FollowerNotice
from services.catalog.beat_requests.models import Notification
from services.catalog.conftest import new_user_id, wait_until
from services.catalog.tests.integration.community_support import count_rows, explain
from services.catalog.tracks import artists
from services.common.messaging.models import ProcessedEvent
from services.contracts.errors import InvalidField, NotFound
from services.contracts.events import USER_DELETED

pytestmark = pytest.mark.integration


@pytest.fixture
def verified(uow, make_producer) -> dict:
    producer = make_producer("Verified Maker")
    artists.on_producer_verified(uow, {"user_id": producer["user_id"]})
    uow.commit()
    return producer


def inbox(catalog, user_id: str, kind: str = "new_follower") -> list[dict]:
    return [n for n in catalog.list_notifications(actor_id=user_id, limit=100)["items"] if n["kind"] == kind]


def test_following_is_idempotent_and_counted_on_the_page(catalog, make_producer, uow):
    page = make_producer()["artist_id"]
    fan, other = new_user_id(), new_user_id()
    assert catalog.get_artist(artist_id=page)["followers_count"] == 0
    assert catalog.follow_artist(actor_id=fan, artist_id=page) == {"following": True, "followers_count": 1}
    assert catalog.follow_artist(actor_id=fan, artist_id=page) == {"following": True, "followers_count": 1}
    assert catalog.follow_artist(actor_id=other, artist_id=page)["followers_count"] == 2
    assert count_rows(uow, ArtistFollow, artist_id=page) == 2
    assert catalog.get_artist(artist_id=page)["followers_count"] == 2
    assert catalog.unfollow_artist(actor_id=fan, artist_id=page) == {"following": False, "followers_count": 1}
    assert catalog.unfollow_artist(actor_id=fan, artist_id=page) == {"following": False, "followers_count": 1}
    assert count_rows(uow, ArtistFollow, artist_id=page) == 1


def test_an_unclaimed_page_can_be_followed_and_following_is_not_liking(catalog, uow):
    page = artists.create_unclaimed(uow, "Old Legend")
    uow.commit()
    fan = new_user_id()
    assert catalog.follow_artist(actor_id=fan, artist_id=page["id"])["followers_count"] == 1
    assert catalog.list_likes(user_id=fan, kind="producers")["total"] == 0
    assert catalog.like(actor_id=fan, kind="producers", item_id=page["id"]) == {"liked": True, "like_count": 1}
    assert catalog.get_artist(artist_id=page["id"])["followers_count"] == 1  # a like is not a follow


def test_an_unknown_page_is_not_found_and_nothing_is_stored(catalog, uow):
    fan = new_user_id()
    for call in (catalog.follow_artist, catalog.unfollow_artist):
        for unknown in (new_user_id(), "not-an-id"):
            with pytest.raises(NotFound):
                call(actor_id=fan, artist_id=unknown)
    with pytest.raises(NotFound):
        catalog.list_artist_followers(artist_id=new_user_id())
    with pytest.raises(InvalidField):
        catalog.follow_artist(actor_id="nobody", artist_id=new_user_id())
    assert count_rows(uow, ArtistFollow, user_id=fan) == 0


def test_the_followers_tab_lists_the_most_recent_first_page_by_page(catalog, make_producer):
    page = make_producer()["artist_id"]
    fans = [new_user_id() for _ in range(5)]
    for fan in fans:
        catalog.follow_artist(actor_id=fan, artist_id=page)
    first = catalog.list_artist_followers(artist_id=page, limit=3)
    assert first["total"] == 5 and len(first["items"]) == 3 and first["next"]
    second = catalog.list_artist_followers(artist_id=page, cursor=first["next"], limit=3)
    assert second["next"] is None
    listed = [item["user_id"] for item in first["items"] + second["items"]]
    assert listed == list(reversed(fans))
    assert all(item["followed_at"] for item in first["items"])
    with pytest.raises(InvalidField):
        catalog.list_artist_followers(artist_id=page, limit=0)


def test_a_verified_owner_hears_of_a_new_follower_once_per_follower(catalog, verified):
    page, owner = verified["artist_id"], verified["user_id"]
    fan, other = new_user_id(), new_user_id()
    catalog.follow_artist(actor_id=fan, artist_id=page)
    catalog.follow_artist(actor_id=fan, artist_id=page)
    catalog.unfollow_artist(actor_id=fan, artist_id=page)
    catalog.follow_artist(actor_id=fan, artist_id=page)  # back again: not a second notification
    catalog.follow_artist(actor_id=other, artist_id=page)
    told = inbox(catalog, owner)
    assert [n["payload"]["follower_user_id"] for n in told] == [other, fan]
    assert told[1]["payload"] == {"artist_id": page, "artist_name": "Verified Maker", "follower_user_id": fan,
                                  "followers_count": 1}
    assert told[0]["payload"]["followers_count"] == 2
    assert inbox(catalog, fan) == [] and inbox(catalog, other) == []


def test_an_unverified_or_absent_owner_and_the_owner_themself_hear_nothing(catalog, make_producer, verified, uow):
    unverified = make_producer("Not Yet Verified")
    unclaimed = artists.create_unclaimed(uow, "Nobody's Page")
    uow.commit()
    fan = new_user_id()
    catalog.follow_artist(actor_id=fan, artist_id=unverified["artist_id"])
    catalog.follow_artist(actor_id=fan, artist_id=unclaimed["id"])
    catalog.follow_artist(actor_id=verified["user_id"], artist_id=verified["artist_id"])  # one's own page
    assert catalog.list_notifications(actor_id=unverified["user_id"])["total"] == 0
    assert inbox(catalog, verified["user_id"]) == []
    assert count_rows(uow, Notification, kind="new_follower", user_id=verified["user_id"]) == 0


def test_concurrent_follows_of_one_page_are_all_counted(catalog, verified, rabbit_config, uow):
    page, fans = verified["artist_id"], [new_user_id() for _ in range(8)]

    def follow_twice(fan: str) -> None:
        with ClusterRpcProxy(rabbit_config) as cluster:
            cluster.catalog.follow_artist(actor_id=fan, artist_id=page)
            cluster.catalog.follow_artist(actor_id=fan, artist_id=page)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(follow_twice, fans + fans))
    assert catalog.get_artist(artist_id=page)["followers_count"] == 8
    assert count_rows(uow, FollowerNotice, artist_id=page) == 8
    assert len(inbox(catalog, verified["user_id"])) == 8


def test_a_deleted_follower_is_erased_from_the_pages_they_followed(catalog, bus, uow, verified, make_producer):
    other_page = make_producer("Also Followed")["artist_id"]
    leaving, staying = new_user_id(), new_user_id()
    for fan in (leaving, staying):
        catalog.follow_artist(actor_id=fan, artist_id=verified["artist_id"])
    catalog.follow_artist(actor_id=leaving, artist_id=other_page)
    deliver_deletion(bus, uow, leaving)
    assert catalog.get_artist(artist_id=verified["artist_id"])["followers_count"] == 1
    assert catalog.get_artist(artist_id=other_page)["followers_count"] == 0
    assert [i["user_id"] for i in catalog.list_artist_followers(artist_id=verified["artist_id"])["items"]] == [staying]
    assert [n["payload"]["follower_user_id"] for n in inbox(catalog, verified["user_id"])] == [staying]
    assert count_rows(uow, ArtistFollow, user_id=leaving) == 0
    assert count_rows(uow, FollowerNotice, follower_id=leaving) == 0
    deliver_deletion(bus, uow, leaving)  # again, under a new event id: no count goes down twice
    assert catalog.get_artist(artist_id=verified["artist_id"])["followers_count"] == 1
    assert catalog.get_artist(artist_id=other_page)["followers_count"] == 0


def deliver_deletion(bus, uow, user_id: str) -> None:
    body = bus.publish(USER_DELETED, {"user_id": user_id})

    def handled() -> bool:
        uow.session.rollback()  # a fresh snapshot: the consumer commits in its own transaction
        return uow.session.get(ProcessedEvent, ("catalog.on_user_deleted", body["event_id"])) is not None

    wait_until(handled, what="user_deleted")


def test_get_artist_tells_each_caller_whether_they_follow_the_page(catalog, make_producer):
    page = make_producer()["artist_id"]
    fan, other = new_user_id(), new_user_id()
    assert catalog.get_artist(artist_id=page)["viewer"] is None  # anonymous
    assert catalog.get_artist(artist_id=page, actor_id=fan)["viewer"] == {"following": False}
    catalog.follow_artist(actor_id=fan, artist_id=page)
    assert catalog.get_artist(artist_id=page, actor_id=fan)["viewer"] == {"following": True}
    # another caller does not see the fan's follow as theirs; liking is not following
    catalog.like(actor_id=other, kind="producers", item_id=page)
    assert catalog.get_artist(artist_id=page, actor_id=other)["viewer"] == {"following": False}
    assert catalog.get_artist(artist_id=page)["viewer"] is None
    catalog.unfollow_artist(actor_id=fan, artist_id=page)
    assert catalog.get_artist(artist_id=page, actor_id=fan)["viewer"] == {"following": False}
    with pytest.raises(NotFound):
        catalog.get_artist(artist_id=new_user_id(), actor_id=fan)


def test_following_is_one_primary_key_probe(uow):
    plan = explain(uow, follows.following_query(new_user_id(), new_user_id()))
    assert "pk_artist_follows" in plan, plan
    uow.rollback()
