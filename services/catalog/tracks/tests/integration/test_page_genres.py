"""Each page's genres (``page_genres``, what Similar Artists compares) follow its Discography: a track published,
its genres edited, deleted or withdrawn with its producer's account changes the genres of its uploader's page and
of its credited pages — never those of an unpublished track."""
import pytest
from sqlalchemy import select

from services.catalog import erasure
from services.catalog.tracks.models import PageGenre

pytestmark = pytest.mark.integration


def genres(session_factory, artist_id: str) -> set[str]:
    with session_factory() as session:
        return set(session.scalars(select(PageGenre.genre).where(PageGenre.artist_id == artist_id)))


def test_a_pages_genres_follow_its_published_and_credited_tracks(catalog, make_producer, upload, publish_track,
                                                                  session_factory, uow, media):
    a, b = make_producer(), make_producer()
    own = upload(a, genres=["Trap", "Dark Trap"])
    assert genres(session_factory, a["artist_id"]) == set()  # processing: not yet in the Discography
    publish_track(own, a)
    assert genres(session_factory, a["artist_id"]) == {"trap", "dark trap"}
    credited = publish_track(upload(b, genres=["Drill"], collaborators=[a["artist_id"]]), b)
    assert genres(session_factory, a["artist_id"]) == {"trap", "dark trap", "drill"}
    assert genres(session_factory, b["artist_id"]) == {"drill"}

    catalog.update_track(actor_id=a["user_id"], track_id=own["id"], changes={"genres": ["Lo-Fi"]})
    assert genres(session_factory, a["artist_id"]) == {"lo-fi", "drill"}
    catalog.update_track(actor_id=b["user_id"], track_id=credited["id"], changes={"genres": ["Jazz", "Drill"]})
    assert genres(session_factory, a["artist_id"]) == {"lo-fi", "drill", "jazz"}

    catalog.delete_track(actor_id=a["user_id"], track_id=own["id"])
    assert genres(session_factory, a["artist_id"]) == {"drill", "jazz"}
    erasure.on_user_deleted(uow, media, {"user_id": b["user_id"]})  # b's published track is withdrawn
    uow.commit()
    assert genres(session_factory, a["artist_id"]) == set() == genres(session_factory, b["artist_id"])
