"""One account managing several artist pages (docs/business-rules.md "Producer Program"): each approval gives
one more page, the oldest is the default of every ``artist_id``, a page the caller does not manage is as
unknown as a made-up one; ``my_artists`` with the month's uploads; the artist search by name."""
from datetime import datetime, timedelta, timezone

import pytest

from services.catalog import erasure
from services.catalog.conftest import PNG, WAV, metadata, new_user_id, stored_track
from services.catalog.tracks import artists, repository
from services.catalog.tracks.models import Artist
from services.catalog.tracks.schemas import ARTIST_SEARCH
from services.common.pagination import Position, encode_cursor
from services.contracts.errors import Forbidden, InvalidField, NotFound

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=timezone.utc)
MONTH_START = datetime(2026, 3, 1, tzinfo=timezone.utc)


def another_page(uow, producer: dict, name: str = "Second Alias", claimed: str | None = None) -> str:
    """What ``producer_approved`` does for a producer approved again."""
    page = artists.on_producer_approved(uow, {"user_id": producer["user_id"], "producer_name": name,
                                              "artist_id": claimed})
    uow.commit()
    return page.id


def page_of(producer: dict, artist_id: str) -> dict:
    return {**producer, "artist_id": artist_id}


def test_a_second_approval_gives_a_second_page_and_the_oldest_stays_the_default(catalog, make_producer, uow):
    producer, other = make_producer("First Alias"), make_producer("Someone Else")
    second = another_page(uow, producer)
    assert second != producer["artist_id"]
    actor = producer["user_id"]
    assert catalog.get_my_artist(actor_id=actor)["id"] == producer["artist_id"]
    chosen = catalog.get_my_artist(actor_id=actor, artist_id=second)
    assert (chosen["id"], chosen["name"], chosen["user_id"]) == (second, "Second Alias", actor)
    assert chosen["tracks_by_status"] == {"processing": 0, "published": 0, "rejected": 0}  # the owner's view
    for not_mine in (other["artist_id"], new_user_id(), artists.create_unclaimed(uow, "Nobody's")["id"]):
        uow.commit()
        with pytest.raises(NotFound) as refused:
            catalog.get_my_artist(actor_id=actor, artist_id=not_mine)
        assert str(refused.value) == "artist not found"
    with pytest.raises(InvalidField) as refused:
        catalog.get_my_artist(actor_id=actor, artist_id="not-an-id")
    assert list(refused.value.details) == ["artist_id"]
    listed = catalog.my_artists(actor_id=actor)
    assert [page["id"] for page in listed["items"]] == [producer["artist_id"], second]  # oldest first
    assert (listed["total"], listed["next"]) == (2, None)
    assert catalog.my_artists(actor_id=new_user_id()) == {"items": [], "total": 0, "next": None}


def test_a_producer_claiming_a_page_gets_it_after_their_own_even_when_it_is_older(uow, make_producer):
    unclaimed = artists.create_unclaimed(uow, "Old Legend")["id"]  # imported before the producer's own page
    uow.commit()
    producer = make_producer()
    claimed = another_page(uow, producer, name="ignored for a claim", claimed=unclaimed)
    assert claimed == unclaimed
    pages = repository.artists_of_user(uow.session, producer["user_id"])
    assert [page.id for page in pages] == [producer["artist_id"], unclaimed]  # by when the account got them
    assert pages[1].created_at < pages[0].created_at == pages[0].claimed_at < pages[1].claimed_at
    assert repository.artist_of_user(uow.session, producer["user_id"]).id == producer["artist_id"]
    # someone else's page named in a claim is not taken: the approved producer gets a new page instead
    rival = make_producer("Rival")
    fallback = another_page(uow, rival, name="Rival Two", claimed=producer["artist_id"])
    assert fallback not in (producer["artist_id"], rival["artist_id"])
    assert uow.session.get(Artist, producer["artist_id"]).user_id == producer["user_id"]


def test_verification_is_the_accounts_every_page_and_later_ones_show_the_badge(uow, make_producer):
    producer = make_producer()
    second = another_page(uow, producer)
    artists.on_producer_verified(uow, {"user_id": producer["user_id"]})
    uow.commit()
    third = another_page(uow, producer, name="Third Alias")
    assert [page.verified for page in repository.artists_of_user(uow.session, producer["user_id"])] == [
        True, True, True]
    assert [page.id for page in repository.artists_of_user(uow.session, producer["user_id"])][1:] == [second, third]


def test_uploads_this_month_count_each_pages_tracks_since_the_utc_month_began_except_rejected(uow, make_producer):
    producer = make_producer()
    second = another_page(uow, producer)
    stored_track(uow, producer, created_at=MONTH_START)  # the first instant of the month counts
    stored_track(uow, producer, status="processing", created_at=NOW - timedelta(days=1))
    stored_track(uow, producer, status="rejected", created_at=NOW - timedelta(days=2))  # refused: no beat
    stored_track(uow, producer, created_at=MONTH_START - timedelta(microseconds=1))  # last month
    stored_track(uow, page_of(producer, second), created_at=NOW - timedelta(days=3))
    stored_track(uow, make_producer(), created_at=NOW)  # someone else's
    listed = artists.my_artists(uow, producer["user_id"], now=NOW)["items"]
    assert [(page["id"], page["uploads_this_month"], page["monthly_commitment"], page["claim_status"])
            for page in listed] == [(producer["artist_id"], 2, 2, "claimed"), (second, 1, 2, "claimed")]
    assert set(listed[0]) == {"id", "name", "verified", "claim_status", "created_at", "claimed_at",
                              "uploads_this_month", "monthly_commitment"}
    next_month = artists.my_artists(uow, producer["user_id"], now=datetime(2026, 4, 1, tzinfo=timezone.utc))
    assert [page["uploads_this_month"] for page in next_month["items"]] == [0, 0]


def test_uploads_and_collections_go_to_the_chosen_page(catalog, make_producer, uow, store_file, backstage_producer):
    producer = backstage_producer("First Alias")
    second, other = another_page(uow, producer), make_producer("Other")
    actor = producer["user_id"]

    def create(artist_id=None, **overrides):
        return catalog.create_track(actor_id=actor, metadata=metadata(**overrides),
                                    audio_key=store_file("uploads", WAV, ".wav"), size_bytes=len(WAV),
                                    artist_id=artist_id)

    assert create()["artist_id"] == producer["artist_id"]
    on_second = create(artist_id=second, name="Second Page Beat")
    assert on_second["artist_id"] == second
    for not_mine in (other["artist_id"], new_user_id()):
        with pytest.raises(NotFound):
            create(artist_id=not_mine)
    collection = catalog.create_collection(actor_id=actor, data={"name": "Second Tape", "artists": ["Alias"]},
                                           cover_key=store_file("covers", PNG), artist_id=second)
    assert collection["artist_id"] == second
    with pytest.raises(NotFound):  # the default page (the oldest) does not hold the second page's collection
        create(collection_id=collection["id"])
    in_tape = create(artist_id=second, collection_id=collection["id"])
    # its owner sees the processing track in the second page's collection; nobody else does
    assert catalog.get_collection(collection_id=collection["id"], actor_id=actor)["track_ids"] == [in_tape["id"]]
    assert catalog.get_collection(collection_id=collection["id"], actor_id=other["user_id"])["track_ids"] == []
    with pytest.raises(NotFound):
        catalog.create_collection(actor_id=actor, data={"name": "Not Mine"}, cover_key=store_file("covers", PNG),
                                  artist_id=other["artist_id"])
    with pytest.raises(Forbidden):  # a listener still has no page to upload to
        catalog.create_track(actor_id=new_user_id(), metadata=metadata(), audio_key=store_file("uploads", WAV),
                             size_bytes=len(WAV))
    beats = catalog.producer_beats(actor_id=actor, artist_id=second)
    assert (beats["artist_id"], {track["id"] for track in beats["items"]}) == (second, {on_second["id"],
                                                                                        in_tape["id"]})
    assert catalog.producer_beats(actor_id=actor)["artist_id"] == producer["artist_id"]


def test_deleting_the_account_releases_every_page_it_managed(uow, make_producer, media):
    producer = make_producer()
    second = another_page(uow, producer)
    erasure.on_user_deleted(uow, media, {"user_id": producer["user_id"]})
    uow.commit()
    released = [uow.session.get(Artist, page) for page in (producer["artist_id"], second)]
    assert [(page.user_id, page.claimed_at) for page in released] == [(None, None), (None, None)]


# --- the search ------------------------------------------------------------------------------------

def test_the_search_finds_pages_by_part_of_their_name_ignoring_case_and_accents(catalog, make_producer, uow):
    token = new_user_id()[:8]
    unclaimed = artists.create_unclaimed(uow, f"Ünïque {token} Alpha")["id"]
    uow.commit()
    claimed = make_producer(f"{token.upper()} Beta")["artist_id"]
    verified = make_producer(f"zz{token}zz")
    artists.on_producer_verified(uow, {"user_id": verified["user_id"]})
    uow.commit()
    make_producer("Nothing In Common")
    found = catalog.search_artists(q=token)
    assert found["total"] == 3 and found["next"] is None
    assert [(item["id"], item["claim_status"], item["verified"]) for item in found["items"]] == [
        (claimed, "claimed", False), (unclaimed, "available", False), (verified["artist_id"], "claimed", True)]
    assert set(found["items"][0]) == {"id", "name", "verified", "claim_status"}
    assert [item["name"] for item in catalog.search_artists(q=f"  UNIQUE {token}  ")["items"]] == [
        f"Ünïque {token} Alpha"]
    assert catalog.search_artists(q=f"{token}%")["total"] == 0  # LIKE's wildcards are plain characters
    first = catalog.search_artists(q=token, limit=2)
    assert (len(first["items"]), first["total"]) == (2, 3) and first["next"]
    rest = catalog.search_artists(q=token, limit=2, cursor=first["next"])
    assert [item["id"] for item in first["items"] + rest["items"]] == [item["id"] for item in found["items"]]
    assert rest["next"] is None


def test_a_renamed_page_is_found_under_its_new_name(catalog, make_producer):
    producer, token = make_producer(), new_user_id()[:8]
    catalog.update_artist(actor_id=producer["user_id"], artist_id=producer["artist_id"],
                          changes={"name": f"Renamed {token}"})
    assert [item["id"] for item in catalog.search_artists(q=token)["items"]] == [producer["artist_id"]]


@pytest.mark.parametrize("q", [None, "", "a", "  a  ", "x" * 101])
def test_the_search_needs_two_to_a_hundred_characters(catalog, q):
    with pytest.raises(InvalidField) as refused:
        catalog.search_artists(q=q)
    assert list(refused.value.details) == ["q"]


def test_a_cursor_of_another_list_is_refused(catalog):
    for cursor in (encode_cursor("tracks:newest", Position((NOW, new_user_id()))),  # another list's
                   encode_cursor(ARTIST_SEARCH, Position((NOW, new_user_id())))):  # not the search's sort key
        with pytest.raises(InvalidField) as refused:
            catalog.search_artists(q="alias", cursor=cursor)
        assert list(refused.value.details) == ["cursor"]
