"""The Backstage beats list's pure rules: growth (last 30 days against the 30 before, ±10 %), the collaboration
insights, and the list's input."""
import uuid

import pytest

from services.catalog.plays.rules import FALLING, RISING, STEADY, Collaboration, collaborations, growth_status
from services.catalog.plays.schemas import load_producer_beats
from services.catalog.tracks.schemas import COLLECTIONS, load_producer_collections
from services.common.pagination import Position, encode_cursor
from services.contracts.errors import InvalidField


@pytest.mark.parametrize("last, previous, status", [
    (0, 0, STEADY),          # nothing before, nothing now
    (1, 0, RISING),          # from nothing, any play is a rise
    (0, 1, FALLING),
    (111, 100, RISING),      # more than 10 % up
    (110, 100, STEADY),      # exactly 10 % up is not more than 10 %
    (100, 100, STEADY),
    (90, 100, STEADY),       # exactly 10 % down
    (89, 100, FALLING),
    (12, 11, STEADY),        # 9.09 % up
    (11, 10, STEADY),        # 10 % exactly, in small numbers
    (12, 10, RISING),
    (9, 10, STEADY),
    (8, 10, FALLING),
])
def test_growth_is_rising_or_falling_beyond_10_percent_of_the_previous_period(last, previous, status):
    assert growth_status(last, previous) == status


def test_each_collaborator_gets_the_plays_of_the_tracks_crediting_them_as_a_share_of_all_shared_plays():
    shares = collaborations([(["a", "b"], 60), (["a"], 30), ([], 1_000), (["c", "c"], 10)])
    assert shares == {"a": Collaboration(shared_tracks=2, plays=90, share_of_plays=0.9),
                      "b": Collaboration(shared_tracks=1, plays=60, share_of_plays=0.6),
                      "c": Collaboration(shared_tracks=1, plays=10, share_of_plays=0.1)}


def test_collaborations_without_plays_have_a_share_of_0_and_none_without_collaborators():
    assert collaborations([(["a"], 0)]) == {"a": Collaboration(1, 0, 0.0)}
    assert collaborations([([], 5)]) == {}


def test_backstage_lists_check_their_input():
    page = str(uuid.uuid4())
    query = load_producer_beats(page.upper(), "rejected", None, 5)
    assert (query.artist_id, query.status, query.page.limit) == (page, "rejected", 5)
    assert load_producer_beats(None, None, None, None).page.limit == 20
    for args, field in (((("x", None, None, None)), "artist_id"), ((None, "withdrawn", None, None), "status"),
                        ((None, None, None, 0), "limit"),
                        ((None, None, encode_cursor(COLLECTIONS, Position(("x",))), None), "cursor")):
        with pytest.raises(InvalidField) as refused:
            load_producer_beats(*args)
        assert list(refused.value.details) == [field]
    assert load_producer_collections(None, "  ", None, None).q is None
    with pytest.raises(InvalidField) as refused:
        load_producer_collections(None, "x" * 201, None, None)
    assert list(refused.value.details) == ["q"]
