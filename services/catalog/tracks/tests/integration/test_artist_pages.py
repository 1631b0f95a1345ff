"""An artist page's Discography (uploaded and credited published tracks, newest first, each with the page's role),
the pages an account manages, and the pinned track (a published track of the Discography; null clears it)."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from services.catalog import erasure
from services.catalog.conftest import new_user_id, stored_track
from services.catalog.tests.integration.plan_support import plan_of, reads_the_whole_catalog, seed_catalog
from services.catalog.tracks import discography
from services.catalog.tracks.models import TrackCredit
from services.common.pagination import PageRequest, Position
from services.contracts.errors import Forbidden, InvalidField, NotFound

pytestmark = pytest.mark.integration


def ids(page: dict) -> list[str]:
    return [item["id"] for item in page["items"]]


@pytest.fixture
def pages(make_producer, upload, publish_track) -> dict:
    """``a`` uploads ``own`` and is credited on ``credited`` (uploaded by ``b``); a processing upload of ``a`` and a
    processing one crediting ``a`` are in no Discography. Published in that order: ``own`` then ``credited``."""
    a, b = make_producer("Page A"), make_producer("Page B")
    own = publish_track(upload(a), a)
    credited = publish_track(upload(b, collaborators=[a["artist_id"]], artists=["Page B", "Page A"]), b)
    upload(a)
    upload(b, collaborators=[a["artist_id"]])
    return {"a": a, "b": b, "own": own["id"], "credited": credited["id"]}


def test_the_discography_lists_uploaded_and_credited_published_tracks_newest_first(catalog, pages):
    a, b = pages["a"], pages["b"]
    listed = catalog.list_artist_tracks(artist_id=a["artist_id"])
    assert ids(listed) == [pages["credited"], pages["own"]] and listed["total"] == 2 and listed["next"] is None
    assert [item["role"] for item in listed["items"]] == ["collaborator", "uploader"]
    assert all(item["status"] == "published" for item in listed["items"])
    theirs = catalog.list_artist_tracks(artist_id=b["artist_id"])
    assert ids(theirs) == [pages["credited"]] and theirs["items"][0]["role"] == "uploader"
    # the owner sees the same list (unpublished tracks are the Backstage's), with the owner-only fields
    assert ids(catalog.list_artist_tracks(artist_id=a["artist_id"], actor_id=a["user_id"])) == ids(listed)


def test_the_discography_pages_with_a_cursor(catalog, pages):
    a = pages["a"]
    first = catalog.list_artist_tracks(artist_id=a["artist_id"], limit=1)
    assert ids(first) == [pages["credited"]] and first["total"] == 2 and first["next"]
    second = catalog.list_artist_tracks(artist_id=a["artist_id"], limit=1, cursor=first["next"])
    assert ids(second) == [pages["own"]] and second["next"] is None
    with pytest.raises(InvalidField) as caught:
        catalog.list_artist_tracks(artist_id=a["artist_id"], cursor="not-a-cursor")
    assert list(caught.value.details) == ["cursor"]


def test_the_discography_of_an_unknown_page_is_not_found(catalog):
    for artist_id in (str(uuid.uuid4()), "not-a-uuid"):
        with pytest.raises(NotFound):
            catalog.list_artist_tracks(artist_id=artist_id)


def test_a_track_the_page_both_uploaded_and_is_credited_on_is_listed_once_as_uploader(catalog, make_producer, uow):
    a = make_producer()
    track_id = stored_track(uow, a, collaborators=[a["artist_id"]], credit_rows=[TrackCredit(artist_id=a["artist_id"])])
    listed = catalog.list_artist_tracks(artist_id=a["artist_id"])
    assert ids(listed) == [track_id] and listed["items"][0]["role"] == "uploader" and listed["total"] == 1


def test_a_discography_page_reads_the_pages_own_tracks_through_their_indexes(uow):
    """On a catalog of realistic shape (PostgreSQL's plan): the uploaded part on its index after the cursor, the
    credited part through the credits' index — never a walk over every published track."""
    seed_catalog(uow)
    artist_id = new_user_id()
    halfway = datetime.now(timezone.utc) - timedelta(days=1)  # a cursor inside the seeded catalog
    for page in (PageRequest(), PageRequest(Position((halfway, new_user_id())), 20)):
        plan = plan_of(uow, discography.page_query(artist_id, page))
        assert "ix_track_credits_artist" in plan, plan
        assert not reads_the_whole_catalog(plan), plan
    uow.rollback()


# --- the pages an account manages (the Producer Profile button of its public profile) --------------------------

def test_the_pages_an_account_manages_are_its_claimed_ones(catalog, make_producer):
    producer = make_producer("Managed Page")
    assert catalog.artists_managed_by(user_id=producer["user_id"]) == [
        {"id": producer["artist_id"], "name": "Managed Page", "verified": False}]
    assert catalog.artists_managed_by(user_id=new_user_id()) == []
    assert catalog.artists_managed_by(user_id="not-a-uuid") == []


# --- the pinned track -------------------------------------------------------------------------------------------

def pin(catalog, owner: dict, track_id: str | None) -> dict:
    return catalog.update_artist(actor_id=owner["user_id"], artist_id=owner["artist_id"],
                                 changes={"pinned_track_id": track_id})


def test_a_page_pins_a_published_track_it_uploaded_or_is_credited_on_and_clears_it(catalog, pages):
    a = pages["a"]
    assert pin(catalog, a, pages["own"])["pinned_track_id"] == pages["own"]
    assert pin(catalog, a, pages["credited"])["pinned_track_id"] == pages["credited"]
    assert catalog.get_artist(artist_id=a["artist_id"])["pinned_track_id"] == pages["credited"]
    assert pin(catalog, a, None)["pinned_track_id"] is None
    assert catalog.get_artist(artist_id=a["artist_id"])["pinned_track_id"] is None


def test_only_a_published_track_of_the_discography_can_be_pinned(catalog, pages, make_producer, upload, uow):
    a, b = pages["a"], pages["b"]
    pin(catalog, a, pages["own"])
    strangers = make_producer()
    not_ours = stored_track(uow, strangers)
    processing = upload(a)["id"]
    for track_id in (not_ours, processing, str(uuid.uuid4())):
        with pytest.raises(InvalidField) as caught:
            pin(catalog, a, track_id)
        assert list(caught.value.details) == ["pinned_track_id"]
    assert catalog.get_artist(artist_id=a["artist_id"])["pinned_track_id"] == pages["own"]  # unchanged
    # b uploaded the credited track, so it may pin it too; but b cannot pin (or clear) a's page
    assert pin(catalog, b, pages["credited"])["pinned_track_id"] == pages["credited"]
    for track_id in (pages["credited"], None):
        with pytest.raises(Forbidden):
            catalog.update_artist(actor_id=b["user_id"], artist_id=a["artist_id"],
                                  changes={"pinned_track_id": track_id})
    assert catalog.get_artist(artist_id=a["artist_id"])["pinned_track_id"] == pages["own"]


def test_a_pin_goes_when_its_track_leaves_the_discography(catalog, pages, uow, media):
    """Deleted by its producer, or withdrawn with their account: no page keeps it pinned."""
    a, b = pages["a"], pages["b"]
    pin(catalog, a, pages["credited"])
    pin(catalog, b, pages["credited"])
    erasure.on_user_deleted(uow, media, {"user_id": b["user_id"]})  # b's published track is withdrawn
    uow.commit()
    assert catalog.get_artist(artist_id=a["artist_id"])["pinned_track_id"] is None
    assert catalog.get_artist(artist_id=b["artist_id"])["pinned_track_id"] is None
    pin(catalog, a, pages["own"])
    catalog.delete_track(actor_id=a["user_id"], track_id=pages["own"])
    assert catalog.get_artist(artist_id=a["artist_id"])["pinned_track_id"] is None
