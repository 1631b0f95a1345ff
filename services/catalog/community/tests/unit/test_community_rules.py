"""Community rules without I/O: the playlist-order check, the input loaders' limits (comments, playlists,
positions, kinds) and the cursors of each list."""
import uuid

import pytest

from services.catalog.community import schemas as community, likes
from services.catalog.community.playlists import order_problems
from services.catalog.shared.schemas import load_page
from services.common.pagination import Position, encode_cursor
from services.contracts.errors import InvalidField, NotFound

A, B, C, D = (str(uuid.uuid4()) for _ in range(4))


# --- reordering a playlist -------------------------------------------------------------------------

def test_a_permutation_has_no_problems():
    assert order_problems([A, B, C], [C, A, B]) == []
    assert order_problems([], []) == []


def test_foreign_missing_and_repeated_ids_are_each_named():
    problems = order_problems([A, B, C], [A, A, D, B])
    assert problems == [f"not in this playlist: {D}", f"missing from the new order: {C}",
                        f"listed more than once: {A}"]


def test_an_empty_order_names_every_missing_track():
    assert order_problems([A, B], []) == [f"missing from the new order: {A}, {B}"]


def test_a_foreign_id_sent_twice_is_named_once():
    assert order_problems([A], [A, D, D]) == [f"not in this playlist: {D}"]


# --- comments --------------------------------------------------------------------------------------

def test_a_comment_is_trimmed_and_otherwise_kept_verbatim():
    body = "  <script>alert(1)</script> & <b>bold</b>\nline two  "
    assert community.load_comment_body(body) == "<script>alert(1)</script> & <b>bold</b>\nline two"


def test_a_comment_of_exactly_1000_characters_after_trimming_is_accepted():
    assert len(community.load_comment_body("  " + "x" * 1000 + "\n")) == 1000


@pytest.mark.parametrize("body", ["", "   \n\t", "x" * 1001, None, 42, ["hi"], "nul\x00byte"])
def test_a_bad_comment_names_the_body(body):
    with pytest.raises(InvalidField) as caught:
        community.load_comment_body(body)
    assert list(caught.value.details) == ["body"]


# --- playlists -------------------------------------------------------------------------------------

def test_a_new_playlist_is_public_by_default_and_trimmed():
    assert community.load_new_playlist({"name": "  Late night  "}) == {"name": "Late night", "description": None,
                                                                       "public": True}


@pytest.mark.parametrize("data, field", [
    ({}, "name"), ({"name": " "}, "name"), ({"name": "n" * 101}, "name"),
    ({"name": "ok", "description": "d" * 1001}, "description"), ({"name": "ok", "public": "yes"}, "public"),
    ({"name": "ok", "public": 1}, "public"), ({"name": "ok", "owner_id": A}, "owner_id"),
])
def test_a_bad_new_playlist_names_the_field(data, field):
    with pytest.raises(InvalidField) as caught:
        community.load_new_playlist(data)
    assert field in caught.value.details


def test_changes_may_clear_the_description_but_not_the_name():
    assert community.load_playlist_changes({"description": "  "}) == {"description": None}
    assert community.load_playlist_changes({"public": False}) == {"public": False}
    with pytest.raises(InvalidField) as caught:
        community.load_playlist_changes({"name": ""})
    assert list(caught.value.details) == ["name"]


@pytest.mark.parametrize("track_id, position, field", [
    ("not-a-uuid", None, "track_id"), (A, -1, "position"), (A, 1.5, "position"), (A, "2", "position"),
    (A, True, "position"),
])
def test_a_bad_entry_names_the_field(track_id, position, field):
    with pytest.raises(InvalidField) as caught:
        community.load_playlist_entry(B, track_id, position)
    assert list(caught.value.details) == [field]


def test_an_entry_is_loaded_with_canonical_ids():
    assert community.load_playlist_entry(B.upper(), A, 0) == {"playlist_id": B, "track_id": A, "position": 0}


@pytest.mark.parametrize("track_ids", [None, "abc", ["x"], [A] * 501])
def test_a_bad_order_names_track_ids(track_ids):
    with pytest.raises(InvalidField) as caught:
        community.load_playlist_order(track_ids)
    assert list(caught.value.details) == ["track_ids"]


# --- likes and pages -------------------------------------------------------------------------------

def test_an_unknown_like_kind_is_not_found_for_a_mark_and_invalid_for_a_list():
    with pytest.raises(NotFound):
        likes.like_kind("users")
    with pytest.raises(InvalidField):
        community.load_like_kind("users")
    assert community.load_like_kind("producers") == "producers"


def test_a_page_takes_only_its_own_lists_cursor():
    from datetime import datetime, timezone

    position = Position((datetime(2026, 1, 1, tzinfo=timezone.utc), A))
    page = load_page("comments", encode_cursor("comments", position), 5)
    assert (page.after, page.limit) == (position, 5)
    for cursor in (encode_cursor("likes:tracks", position), encode_cursor("comments", Position((1, 2, 3))), "!!"):
        with pytest.raises(InvalidField) as caught:
            load_page("comments", cursor, 5)
        assert list(caught.value.details) == ["cursor"]
    for limit in (0, 101, "5"):
        with pytest.raises(InvalidField):
            load_page("comments", None, limit)
    assert load_page("comments", None, None).limit == 20


def test_user_ids_must_be_uuids():
    assert community.load_user_id(A.upper()) == A
    with pytest.raises(InvalidField) as caught:
        community.load_user_id("me", "actor_id")
    assert list(caught.value.details) == ["actor_id"]
