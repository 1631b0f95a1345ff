"""Similar Artists' score (docs/business-rules.md "Similar artists"): genre Jaccard + listener share, the order of
the list and its length."""
import pytest

from services.catalog.plays import rules as play_rules
from services.catalog.plays.rules import Similarity, genre_similarity, listener_similarity, most_similar, similarity


@pytest.mark.parametrize("shared, own, theirs, expected", [
    (1, 1, 1, 1.0), (1, 2, 1, 0.5), (1, 2, 2, 1 / 3), (2, 3, 4, 0.4), (0, 3, 4, 0.0), (0, 0, 0, 0.0), (0, 0, 5, 0.0),
])
def test_genre_similarity_is_the_jaccard_index(shared, own, theirs, expected):
    assert genre_similarity(shared, own, theirs) == pytest.approx(expected)


@pytest.mark.parametrize("shared, own, expected", [(1, 1, 1.0), (1, 4, 0.25), (0, 4, 0.0), (0, 0, 0.0), (3, 2, 1.0)])
def test_listener_similarity_is_the_share_of_the_pages_listeners(shared, own, expected):
    assert listener_similarity(shared, own) == pytest.approx(expected)


def test_the_score_adds_both_and_names_what_is_shared():
    found = similarity("b", {"trap", "drill"}, own_genres=3, their_genres=2, shared_listeners=1, own_listeners=3)
    assert found == Similarity("b", round(2 / 3 + 1 / 3, 4), ("drill", "trap"), 1)
    assert similarity("c", set(), 2, 2, 0, 0).score == 0.0


def test_the_list_is_best_first_leaves_out_who_shares_nothing_and_holds_ten():
    tied_with_listeners = Similarity("z", 1.0, ("trap",), 2)
    tied_with_genres = Similarity("y", 1.0, ("drill", "trap"), 1)
    tied_by_id = [Similarity("b", 1.0, ("trap",), 1), Similarity("a", 1.0, ("trap",), 1)]
    best = Similarity("q", 1.5, (), 3)
    nothing = Similarity("n", 0.0, (), 0)
    ranked = most_similar([nothing, *tied_by_id, tied_with_genres, tied_with_listeners, best])
    assert [s.artist_id for s in ranked] == ["q", "z", "y", "a", "b"]
    many = [Similarity(f"p{n:02}", 0.1 + n / 100, ("x",), 0) for n in range(15)]
    assert len(most_similar(many)) == play_rules.SIMILAR_MAX == 10
    assert [s.artist_id for s in most_similar(many)][0] == "p14"


def test_the_strongest_candidates_are_the_highest_counts():
    assert play_rules.strongest({"a": 1, "b": 3, "c": 3, "d": 2}, limit=3) == ["b", "c", "d"]
