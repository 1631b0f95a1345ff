"""Beat-request rules and input checks without I/O (docs/business-rules.md "Beat requests")."""
from datetime import datetime, timedelta, timezone
import uuid

import pytest

from services.catalog.beat_requests import rules, schemas
from services.common.pagination import Position, encode_cursor
from services.contracts.errors import InvalidField

NOW = datetime(2026, 11, 26, 12, tzinfo=timezone.utc)


def valid(**changes) -> dict:
    data = {"genre": "Trap", "bpm_min": 120, "bpm_max": 140, "mood": "dark", "budget_cents": 5000,
            "lifetime_hours": 24}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not ...}


@pytest.mark.parametrize(("hours", "cost"), [(24, 1), (48, 2), (72, 3)])
def test_a_lifetime_costs_one_token_per_day(hours, cost):
    assert rules.cost_of(hours) == cost


@pytest.mark.parametrize("hours", [0, 12, 36, 96])
def test_other_lifetimes_are_not_sold(hours):
    with pytest.raises(ValueError):
        rules.cost_of(hours)


def test_status_open_then_expired_at_the_expiry_moment_and_deleted_wins():
    expires = rules.expiry(NOW, 24)
    assert expires == NOW + timedelta(hours=24)
    assert rules.status(expires, None, expires - timedelta(seconds=1)) == rules.OPEN
    assert rules.status(expires, None, expires) == rules.EXPIRED
    assert rules.status(expires, NOW, NOW) == rules.DELETED


def test_renewal_only_after_expiry_and_within_30_days():
    expired = NOW - timedelta(hours=1)
    assert rules.renewable(expired, NOW)
    assert not rules.renewable(NOW + timedelta(hours=1), NOW)  # still open
    assert rules.renewable(NOW - timedelta(days=30), NOW)  # the 30th day still counts
    assert not rules.renewable(NOW - timedelta(days=30, seconds=1), NOW)
    assert rules.RENEWAL_COST == 1 and rules.RENEWAL_LIFETIME == timedelta(hours=24)


def test_each_renewal_has_its_own_ledger_key():
    assert [rules.renewal_purpose(n) for n in range(3)] == ["renew:1", "renew:2", "renew:3"]


def test_genre_matching_ignores_case_accents_and_spacing():
    key = rules.genre_key("  Hip  Hop ")
    assert rules.matches_genre(key, ["hip hop", "Trap"])
    assert rules.matches_genre(rules.genre_key("Reggaetón"), ["REGGAETON"])
    assert not rules.matches_genre(key, ["trap"])
    assert not rules.matches_genre(key, [])


def test_a_valid_request_loads_with_cad_and_no_reference_by_default():
    loaded = schemas.load_new_request(valid(genre="  Trap  "))
    assert loaded["genre"] == "Trap" and loaded["currency"] == "CAD" and loaded["reference_track_id"] is None


@pytest.mark.parametrize(("changes", "field"), [
    ({"bpm_min": 150, "bpm_max": 140}, "bpm_min"),
    ({"bpm_min": 49}, "bpm_min"),
    ({"bpm_max": 201}, "bpm_max"),
    ({"bpm_min": "120"}, "bpm_min"),
    ({"lifetime_hours": 36}, "lifetime_hours"),
    ({"lifetime_hours": ...}, "lifetime_hours"),
    ({"genre": "   "}, "genre"),
    ({"genre": "x" * 51}, "genre"),
    ({"mood": "m" * 101}, "mood"),
    ({"mood": ""}, "mood"),
    ({"budget_cents": -1}, "budget_cents"),
    ({"budget_cents": 12.5}, "budget_cents"),
    ({"currency": "USD"}, "currency"),
    ({"reference_track_id": "nope"}, "reference_track_id"),
    ({"plan": "pro"}, "plan"),
])
def test_bad_input_names_the_field(changes, field):
    with pytest.raises(InvalidField) as caught:
        schemas.load_new_request(valid(**changes))
    assert field in caught.value.details


def test_list_filters_and_cursors_are_checked():
    query = schemas.load_open_query("trap", 130, 1000, None, None)
    assert (query.genre, query.bpm, query.budget_min, query.page.limit) == ("trap", 130, 1000, 20)
    with pytest.raises(InvalidField):
        schemas.load_open_query(None, -1, None, None, None)
    with pytest.raises(InvalidField):
        schemas.load_open_query(None, None, None, None, 101)
    foreign = encode_cursor(schemas.MY_REQUESTS, Position((NOW, str(uuid.uuid4()))))
    with pytest.raises(InvalidField) as caught:
        schemas.load_open_query(None, None, None, foreign, None)
    assert "cursor" in caught.value.details
    own = encode_cursor(schemas.OPEN_REQUESTS, Position((NOW, "x")))
    assert schemas.load_open_query(None, None, None, own, 5).page.after == Position((NOW, "x"))


def test_a_response_needs_a_track_id_and_a_short_message():
    track_id = str(uuid.uuid4())
    assert schemas.load_response({"track_id": track_id})["track_id"] == track_id
    with pytest.raises(InvalidField):
        schemas.load_response({"message": "hi"})
    with pytest.raises(InvalidField):
        schemas.load_response({"track_id": track_id, "message": "m" * 1001})


def test_the_unread_filter_takes_booleans_only():
    assert schemas.load_notifications_query(True, None, None)[0] is True
    assert schemas.load_notifications_query(False, None, 5)[1].limit == 5
    with pytest.raises(InvalidField):
        schemas.load_notifications_query("yes", None, None)


def test_accounts_refusals_come_back_as_the_same_contract_errors():
    from nameko.exceptions import RemoteError

    from services.catalog.beat_requests.beat_requests import RemoteTokens
    from services.contracts.errors import PaymentRequired

    class Accounts:
        def spend_tokens(self, **kwargs):
            raise RemoteError("PaymentRequired", "not enough beat-request tokens")

        def refund_tokens(self, **kwargs):
            raise RemoteError("KeyError", "a bug, not a refusal")

        def get_token_balance(self, actor_id):
            return {"tokens": 1, "actor": actor_id}

    remote = RemoteTokens(Accounts())
    with pytest.raises(PaymentRequired) as caught:
        remote.spend("u", "r", "create", 2)
    assert caught.value.message == "not enough beat-request tokens" and caught.value.details == {"cost": 2}
    with pytest.raises(RemoteError):
        remote.refund("u", "r", "delete")
    assert remote.balance("u") == {"tokens": 1, "actor": "u"}


def test_the_price_list_is_the_costs_the_rules_charge():
    listed = rules.price_list()
    assert listed == {"costs": [{"lifetime_hours": 24, "cost_tokens": 1}, {"lifetime_hours": 48, "cost_tokens": 2},
                                {"lifetime_hours": 72, "cost_tokens": 3}],
                      "renewal": {"lifetime_hours": 24, "cost_tokens": 1}}
    assert all(rules.cost_of(cost["lifetime_hours"]) == cost["cost_tokens"] for cost in listed["costs"])
    assert listed["renewal"]["cost_tokens"] == rules.RENEWAL_COST
