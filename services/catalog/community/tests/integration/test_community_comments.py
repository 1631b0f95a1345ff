"""Comments on the real service and PostgreSQL — and what a track's deletion takes with it (likes, reposts,
playlist entries, comments), with every counter and order left right."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from services.catalog.community import comments
from services.catalog.community.models import Comment, PlaylistTrack, Repost, TrackLike
from services.catalog.conftest import new_user_id
from services.catalog.shared.queries import page_statement
from services.catalog.tests.integration.community_support import (count_rows, deleted_once_found,  # noqa: F401
                                                                   explain, producer, publish, seen)
from services.common.pagination import PageRequest, Position
from services.contracts.errors import Forbidden, InvalidField, NotFound
from services.contracts.events import REGISTRY, validate_event

pytestmark = pytest.mark.integration

SCRIPT = "<script>alert(1)</script> & \"quotes\" <b>bold</b>\nsecond line"


def test_a_comment_is_stored_verbatim_and_emitted(catalog, producer, publish, emitted, uow):
    track = publish(producer)
    author = new_user_id()
    posted = catalog.post_comment(actor_id=author, track_id=track["id"], body=f"  {SCRIPT}  ")
    assert (posted["body"], posted["author_id"], posted["track_id"]) == (SCRIPT, author, track["id"])
    assert uow.session.scalar(select(Comment.body).where(Comment.id == posted["id"])) == SCRIPT
    [event] = seen(emitted, "comment_posted", comment_id=posted["id"])
    validate_event(REGISTRY["comment_posted"], {key: value for key, value in event.items() if key != "type"})
    assert (event["author_id"], event["producer_user_id"]) == (author, producer["user_id"])


def test_a_bad_comment_or_an_unpublished_track_stores_nothing(catalog, producer, publish, upload, uow):
    track, processing = publish(producer), upload(producer)
    author = new_user_id()
    for body in ("x" * 1001, "   ", ""):
        with pytest.raises(InvalidField) as caught:
            catalog.post_comment(actor_id=author, track_id=track["id"], body=body)
        assert list(caught.value.details) == ["body"]
    with pytest.raises(InvalidField):  # validation comes first, even for a track that does not exist
        catalog.post_comment(actor_id=author, track_id=new_user_id(), body="x" * 1001)
    for track_id in (processing["id"], new_user_id()):
        with pytest.raises(NotFound):
            catalog.post_comment(actor_id=author, track_id=track_id, body="nice")
        with pytest.raises(NotFound):
            catalog.list_comments(track_id=track_id)
    assert count_rows(uow, Comment, author_id=author) == 0
    assert len(catalog.post_comment(actor_id=author, track_id=track["id"], body="y" * 1000)["body"]) == 1000


def test_comments_are_listed_newest_first_in_pages(catalog, producer, publish):
    track = publish(producer)
    posted = [catalog.post_comment(actor_id=new_user_id(), track_id=track["id"], body=f"comment {index}")
              for index in range(3)]
    first = catalog.list_comments(track_id=track["id"], limit=2)
    assert [item["id"] for item in first["items"]] == [posted[2]["id"], posted[1]["id"]]
    assert first["total"] == 3 and first["next"]
    second = catalog.list_comments(track_id=track["id"], limit=2, cursor=first["next"])
    assert [item["id"] for item in second["items"]] == [posted[0]["id"]] and second["next"] is None


def test_the_author_or_the_tracks_producer_deletes_a_comment_nobody_else(catalog, producer, publish, emitted, uow):
    track = publish(producer)
    author = new_user_id()
    by_author, by_producer = (catalog.post_comment(actor_id=author, track_id=track["id"], body=text)
                              for text in ("one", "two"))
    with pytest.raises(Forbidden):
        catalog.delete_comment(actor_id=new_user_id(), comment_id=by_author["id"])
    assert count_rows(uow, Comment, track_id=track["id"]) == 2
    assert catalog.delete_comment(actor_id=author, comment_id=by_author["id"]) is None
    assert catalog.delete_comment(actor_id=producer["user_id"], comment_id=by_producer["id"]) is None
    assert count_rows(uow, Comment, track_id=track["id"]) == 0
    for comment_id in (by_author["id"], new_user_id(), "nope"):
        with pytest.raises(NotFound):
            catalog.delete_comment(actor_id=author, comment_id=comment_id)
    [deleted] = seen(emitted, "comment_deleted", comment_id=by_producer["id"])
    assert deleted["deleted_by"] == producer["user_id"]


def test_deleting_a_track_takes_its_likes_reposts_entries_and_comments(catalog, producer, publish, uow):
    kept, doomed = publish(producer), publish(producer)
    fan = new_user_id()
    playlist = catalog.create_playlist(actor_id=fan, data={"name": "Mix"})
    for track in (doomed, kept):
        catalog.like(actor_id=fan, kind="tracks", item_id=track["id"])
        catalog.repost(actor_id=fan, track_id=track["id"])
        catalog.add_playlist_track(actor_id=fan, playlist_id=playlist["id"], track_id=track["id"])
        catalog.post_comment(actor_id=fan, track_id=track["id"], body="nice")
    catalog.delete_track(actor_id=producer["user_id"], track_id=doomed["id"])
    for model in (TrackLike, Repost, PlaylistTrack, Comment):
        assert count_rows(uow, model, track_id=doomed["id"]) == 0, model
        assert count_rows(uow, model, track_id=kept["id"]) == 1, model
    assert [item["id"] for item in catalog.list_likes(user_id=fan, kind="tracks")["items"]] == [kept["id"]]
    assert catalog.list_likes(user_id=fan, kind="tracks")["total"] == 1
    assert catalog.list_reposts(user_id=fan)["total"] == 1
    left = catalog.get_playlist(playlist_id=playlist["id"])
    assert (left["track_count"], [track["id"] for track in left["tracks"]]) == (1, [kept["id"]])
    assert catalog.get_track(track_id=kept["id"])["like_count"] == 1
    # the playlist goes on working: a new track lands after the one left, at a fresh position
    later = publish(producer)
    grown = catalog.add_playlist_track(actor_id=fan, playlist_id=playlist["id"], track_id=later["id"])
    assert [track["id"] for track in grown["tracks"]] == [kept["id"], later["id"]]
    reordered = catalog.reorder_playlist(actor_id=fan, playlist_id=playlist["id"], track_ids=[later["id"], kept["id"]])
    assert [track["id"] for track in reordered["tracks"]] == [later["id"], kept["id"]]


def test_comment_pages_are_index_range_scans(uow):
    track_id = new_user_id()
    after = PageRequest(Position((datetime(2026, 1, 1, tzinfo=timezone.utc), new_user_id())), 20)
    for page in (PageRequest(), after):
        statement = page_statement(select(Comment).where(Comment.track_id == track_id), Comment.created_at,
                                   Comment.id, page)
        plan = explain(uow, statement)
        assert "ix_comments_track_newest" in plan and "Sort" not in plan, plan
    uow.rollback()


def test_a_comment_on_a_track_deleted_meanwhile_is_not_found_and_stores_nothing(producer, publish, uow,
                                                                                deleted_once_found):
    """The track is found, then deleted (committed) before the comment is written: NotFound, not a 500."""
    track = publish(producer)
    deleted_once_found()
    author = new_user_id()
    with pytest.raises(NotFound) as caught:
        comments.post_comment(uow, author, track["id"], "first!")
    assert (caught.value.message, caught.value.details) == ("track not found", {"track_id": track["id"]})
    uow.rollback()
    assert count_rows(uow, Comment, author_id=author) == 0
