"""Registration, login and profiles through the running service."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from services.accounts.conftest import PASSWORD, new_email, new_ip, new_username
from services.accounts.models import User
from services.accounts.repository import grant_role
from services.contracts.errors import Conflict, Forbidden, InvalidField, NotFound, Unauthorized

pytestmark = pytest.mark.integration

PRIVATE_KEYS = {"id", "email", "username", "roles", "plan", "tokens", "profile", "followers_count",
                "following_count", "created_at", "avatar"}
BILLING_KEYS = {"subscription_status", "pending_plan", "cancel_at_period_end", "current_period_end", "can_download"}
EMPTY_PROFILE = {"name": None, "city": None, "country": None, "description": None, "links": []}


def test_register_returns_the_private_user_on_the_free_plan(accounts):
    email, username = new_email(), new_username()
    user = accounts.register(email=email, password=PASSWORD, username=username, client_ip=new_ip())
    assert set(user) == PRIVATE_KEYS | BILLING_KEYS
    assert (user["subscription_status"], user["can_download"], user["cancel_at_period_end"]) == (None, False, False)
    assert str(uuid.UUID(user["id"])) == user["id"]
    assert (user["email"], user["username"]) == (email, username)
    assert user["roles"] == ["listener"]
    assert (user["plan"], user["tokens"]) == ("explorer", 1)
    assert user["profile"] == EMPTY_PROFILE
    assert (user["followers_count"], user["following_count"]) == (0, 0)
    created = datetime.fromisoformat(user["created_at"])
    assert created.utcoffset() == timedelta(0)
    assert abs(datetime.now(timezone.utc) - created) < timedelta(minutes=1)


def test_register_never_returns_and_stores_no_plain_password(accounts, uow):
    user = accounts.register_user()
    assert "password" not in str(user) and "argon2" not in str(user)
    row = uow.session.get(User, user["id"])
    assert row.password_hash.startswith("$argon2id$") and PASSWORD not in row.password_hash


def test_duplicate_email_in_another_case_is_a_conflict(accounts):
    email = new_email()
    accounts.register_user(email=email)
    with pytest.raises(Conflict) as caught:
        accounts.register_user(email=email.upper())
    assert caught.value.details == {"field": "email"}


def test_duplicate_username_in_another_case_is_a_conflict(accounts):
    username = new_username()
    accounts.register_user(username=username)
    with pytest.raises(Conflict) as caught:
        accounts.register_user(username=username.upper())
    assert caught.value.details == {"field": "username"}


def test_weak_password_is_an_invalid_field(accounts):
    with pytest.raises(InvalidField) as caught:
        accounts.register_user(password="short")
    assert caught.value.details == {"password": ["must be at least 10 characters"]}


def test_password_equal_to_the_email_is_refused(accounts):
    email = new_email()
    with pytest.raises(InvalidField) as caught:
        accounts.register_user(email=email, password=email.upper())
    assert caught.value.details == {"password": ["must not be or contain your email address"]}


def test_refused_registration_creates_nothing(accounts, uow):
    email = new_email()
    with pytest.raises(InvalidField):
        accounts.register_user(email=email, password="short")
    assert uow.session.scalars(select(User).where(User.email_normalized == email)).first() is None


def test_authenticate_with_any_email_case(accounts):
    email = new_email()
    user = accounts.register_user(email=email)
    assert accounts.authenticate(email=f"  {email.upper()} ", password=PASSWORD, client_ip=new_ip()) == user


def test_unknown_email_and_wrong_password_fail_identically(accounts):
    email = new_email()
    accounts.register_user(email=email)
    with pytest.raises(Unauthorized) as wrong_password:
        accounts.authenticate(email=email, password=PASSWORD + "!", client_ip=new_ip())
    with pytest.raises(Unauthorized) as unknown_email:
        accounts.authenticate(email=new_email(), password=PASSWORD, client_ip=new_ip())
    assert (wrong_password.value.message, wrong_password.value.details) == \
        (unknown_email.value.message, unknown_email.value.details) == ("invalid email or password", {})


def test_get_user_returns_the_private_user(accounts):
    user = accounts.register_user()
    assert accounts.get_user(actor_id=user["id"]) == user


@pytest.mark.parametrize("user_id", [str(uuid.uuid4()), "not-a-uuid", None])
def test_unknown_users_are_not_found(accounts, user_id):
    with pytest.raises(Unauthorized):  # the caller's own account: its token names nobody (issue #8)
        accounts.get_user(actor_id=user_id)
    with pytest.raises(NotFound):
        accounts.get_public_profile(user_id=user_id)


def test_public_profile_hides_email_plan_tokens_and_admin(accounts):
    admin = accounts.make_admin()
    public = accounts.get_public_profile(user_id=admin["id"])
    assert set(public) == PRIVATE_KEYS - {"email", "plan", "tokens"} | {"viewer"}
    assert public["roles"] == ["listener"]
    assert admin["roles"] == ["listener", "admin"]


def test_update_profile_changes_only_what_is_sent(accounts):
    user = accounts.register_user()
    accounts.update_profile(actor_id=user["id"], changes={"name": "Ada", "city": "Montréal"})
    updated = accounts.update_profile(actor_id=user["id"], changes={
        "country": "Canada", "description": "beats", "links": ["https://ada.example.com"]})
    assert updated["profile"] == {"name": "Ada", "city": "Montréal", "country": "Canada", "description": "beats",
                                  "links": ["https://ada.example.com"]}
    assert accounts.get_public_profile(user_id=user["id"])["profile"] == updated["profile"]


def test_update_profile_can_clear_fields(accounts):
    user = accounts.register_user()
    accounts.update_profile(actor_id=user["id"], changes={"name": "Ada", "links": ["https://a.example.com"]})
    cleared = accounts.update_profile(actor_id=user["id"], changes={"name": None, "links": []})
    assert cleared["profile"] == EMPTY_PROFILE


@pytest.mark.parametrize("changes", [{"roles": ["admin"]}, {"plan": "pro"}, {"id": "x"}, {"tokens": 99},
                                     {"email": "x@example.com"}])
def test_update_profile_refuses_unknown_fields_and_changes_nothing(accounts, changes):
    user = accounts.register_user()
    with pytest.raises(InvalidField) as caught:
        accounts.update_profile(actor_id=user["id"], changes={"name": "Ada", **changes})
    assert caught.value.details == {next(iter(changes)): ["Unknown field."]}
    assert accounts.get_user(actor_id=user["id"]) == user


def test_update_profile_of_an_unknown_user_is_unauthorized(accounts):
    with pytest.raises(Unauthorized):  # the caller's own account: its token names nobody
        accounts.update_profile(actor_id=str(uuid.uuid4()), changes={"name": "Ada"})


def test_verify_actor_with_a_role_asks_for_the_role_itself(accounts, uow):
    """The gateway's check before an upload's body is read: accounts, the owner of roles, decides."""
    listener = accounts.register_user()
    with pytest.raises(Forbidden) as refused:
        accounts.verify_actor(actor_id=listener["id"], role="producer")
    assert refused.value.message == "only producers can do this"
    assert accounts.verify_actor(actor_id=listener["id"]) is None  # the plain check still passes
    grant_role(uow.session, uow.session.get(User, listener["id"]), "producer")
    uow.commit()
    assert accounts.verify_actor(actor_id=listener["id"], role="producer") is None
    with pytest.raises(InvalidField):
        accounts.verify_actor(actor_id=listener["id"], role="listener")  # implicit for all: never asked
    with pytest.raises(Unauthorized):
        accounts.verify_actor(actor_id=str(uuid.uuid4()), role="producer")
