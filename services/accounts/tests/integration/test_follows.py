"""Follows: idempotent follow/unfollow, counts, and keyset-paginated lists."""
import uuid

import pytest

from services.accounts import follows
from services.contracts.errors import InvalidField, NotFound

pytestmark = pytest.mark.integration


def test_follow_is_idempotent_and_counted_on_both_sides(accounts):
    fan, star = accounts.register_user(), accounts.register_user()
    assert accounts.follow(actor_id=fan["id"], user_id=star["id"]) == {"following": True, "followers_count": 1}
    assert accounts.follow(actor_id=fan["id"], user_id=star["id"]) == {"following": True, "followers_count": 1}
    assert accounts.get_public_profile(user_id=star["id"])["followers_count"] == 1
    assert accounts.get_user(actor_id=fan["id"])["following_count"] == 1


def test_unfollow_is_idempotent(accounts):
    fan, star = accounts.register_user(), accounts.register_user()
    accounts.follow(actor_id=fan["id"], user_id=star["id"])
    assert accounts.unfollow(actor_id=fan["id"], user_id=star["id"]) == {"following": False, "followers_count": 0}
    assert accounts.unfollow(actor_id=fan["id"], user_id=star["id"]) == {"following": False, "followers_count": 0}
    assert accounts.get_user(actor_id=fan["id"])["following_count"] == 0


def test_self_follow_is_an_invalid_field(accounts):
    me = accounts.register_user()
    for method in (accounts.follow, accounts.unfollow):
        with pytest.raises(InvalidField) as caught:
            method(actor_id=me["id"], user_id=me["id"].upper())
        assert list(caught.value.details) == ["user_id"]


@pytest.mark.parametrize("user_id", [str(uuid.uuid4()), "nobody"])
def test_following_an_unknown_user_is_not_found(accounts, user_id):
    fan = accounts.register_user()
    with pytest.raises(NotFound):
        accounts.follow(actor_id=fan["id"], user_id=user_id)
    with pytest.raises(NotFound):
        accounts.unfollow(actor_id=fan["id"], user_id=user_id)


def test_an_unknown_actor_cannot_follow(accounts):
    star = accounts.register_user()
    with pytest.raises(NotFound):
        accounts.follow(actor_id=str(uuid.uuid4()), user_id=star["id"])


def walk(list_method, user_id: str, limit: int) -> tuple[list[dict], list[int]]:
    """Every page of a list, following ``next``; returns the items and each page's total."""
    items, totals, cursor = [], [], None
    while True:
        page = list_method(user_id=user_id, cursor=cursor, limit=limit)
        assert len(page["items"]) <= limit
        items += page["items"]
        totals.append(page["total"])
        cursor = page["next"]
        if cursor is None:
            return items, totals


def test_followers_pages_newest_first_without_gaps_or_repeats(accounts):
    star = accounts.register_user()
    fans = [accounts.register_user() for _ in range(7)]
    for fan in fans:
        accounts.follow(actor_id=fan["id"], user_id=star["id"])
    items, totals = walk(accounts.list_followers, star["id"], limit=3)
    assert [item["id"] for item in items] == [fan["id"] for fan in reversed(fans)]
    assert totals == [7, 7, 7]
    assert items[0] == {"id": fans[-1]["id"], "username": fans[-1]["username"], "name": None}


def test_following_pages_and_a_page_that_fits_has_no_next(accounts):
    fan = accounts.register_user()
    stars = [accounts.register_user() for _ in range(4)]
    for star in stars:
        accounts.follow(actor_id=fan["id"], user_id=star["id"])
    items, _ = walk(accounts.list_following, fan["id"], limit=2)
    assert [item["id"] for item in items] == [star["id"] for star in reversed(stars)]
    whole = accounts.list_following(user_id=fan["id"], limit=4)
    assert (len(whole["items"]), whole["total"], whole["next"]) == (4, 4, None)


def test_summaries_carry_the_profile_name(accounts):
    fan, star = accounts.register_user(), accounts.register_user()
    accounts.update_profile(actor_id=fan["id"], changes={"name": "Ada L."})
    accounts.follow(actor_id=fan["id"], user_id=star["id"])
    assert accounts.list_followers(user_id=star["id"])["items"][0]["name"] == "Ada L."


def test_default_list_of_nobody_is_empty(accounts):
    loner = accounts.register_user()
    assert accounts.list_followers(user_id=loner["id"]) == {"items": [], "total": 0, "next": None}


def test_bad_cursor_and_cursor_of_the_other_list_are_invalid(accounts):
    fan = accounts.register_user()
    for _ in range(2):
        accounts.follow(actor_id=fan["id"], user_id=accounts.register_user()["id"])
    following_cursor = accounts.list_following(user_id=fan["id"], limit=1)["next"]
    assert following_cursor is not None
    for cursor in ("garbage", following_cursor):
        with pytest.raises(InvalidField) as caught:
            accounts.list_followers(user_id=fan["id"], cursor=cursor)
        assert list(caught.value.details) == ["cursor"]


def test_lists_of_an_unknown_user_are_not_found(accounts):
    for method in (accounts.list_followers, accounts.list_following):
        with pytest.raises(NotFound):
            method(user_id=str(uuid.uuid4()))


def test_a_profile_tells_each_caller_whether_they_follow_the_user(accounts):
    fan, other, star = accounts.register_user(), accounts.register_user(), accounts.register_user()
    assert accounts.get_public_profile(user_id=star["id"])["viewer"] is None  # anonymous
    assert accounts.get_public_profile(user_id=star["id"], actor_id=fan["id"])["viewer"] == {"following": False}
    accounts.follow(actor_id=fan["id"], user_id=star["id"])
    assert accounts.get_public_profile(user_id=star["id"], actor_id=fan["id"])["viewer"] == {"following": True}
    # the fan's follow is not the other user's, and following is one way
    assert accounts.get_public_profile(user_id=star["id"], actor_id=other["id"])["viewer"] == {"following": False}
    assert accounts.get_public_profile(user_id=fan["id"], actor_id=star["id"])["viewer"] == {"following": False}
    accounts.unfollow(actor_id=fan["id"], user_id=star["id"])
    assert accounts.get_public_profile(user_id=star["id"], actor_id=fan["id"])["viewer"] == {"following": False}


def test_whether_you_follow_is_one_primary_key_probe(session_factory):
    statement = follows.following_query(str(uuid.uuid4()), str(uuid.uuid4()))
    with session_factory() as session:
        if session.get_bind().dialect.name != "postgresql":
            pytest.fail("the accounts tests run on PostgreSQL")
        compiled = statement.compile(dialect=session.get_bind().dialect)
        cursor = session.connection().connection.cursor()
        for setting in ("enable_seqscan", "enable_bitmapscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + str(compiled), compiled.params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        session.rollback()
    assert "pk_follows" in plan, plan
