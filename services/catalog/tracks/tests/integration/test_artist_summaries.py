"""artist_summaries: the names and verification beside leaderboard rows, for up to 200 pages in one call."""
import uuid

import pytest

from services.catalog.conftest import new_user_id
from services.catalog.tracks import artists
from services.contracts.errors import InvalidField

pytestmark = pytest.mark.integration


def test_known_pages_are_summarised_and_unknown_ids_left_out(catalog, make_producer, uow):
    first, second = make_producer("Summary One"), make_producer("Summary Two")
    artists.on_producer_verified(uow, {"user_id": second["user_id"]})
    uow.commit()
    unknown = str(uuid.uuid4())
    replies = catalog.artist_summaries(artist_ids=[first["artist_id"], second["artist_id"], unknown,
                                                   first["artist_id"]])
    assert replies == {
        first["artist_id"]: {"id": first["artist_id"], "name": "Summary One", "verified": False},
        second["artist_id"]: {"id": second["artist_id"], "name": "Summary Two", "verified": True},
    }
    assert catalog.artist_summaries(artist_ids=[]) == {}


def test_ids_are_uuids_and_at_most_200(catalog, make_producer):
    page = make_producer()["artist_id"]
    assert list(catalog.artist_summaries(artist_ids=[page] + [str(uuid.uuid4()) for _ in range(199)])) == [page]
    for bad in ([str(uuid.uuid4()) for _ in range(201)], ["not-an-id"], new_user_id(), None):
        with pytest.raises(InvalidField) as refused:
            catalog.artist_summaries(artist_ids=bad)
        assert all(field.startswith("artist_ids") for field in refused.value.details), refused.value.details
