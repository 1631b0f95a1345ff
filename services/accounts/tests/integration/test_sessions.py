"""Sessions (refresh tokens) and password changes through the running service."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from services.accounts import sessions
from services.common.clock import utcnow

from services.accounts.conftest import PASSWORD, new_email, new_ip
from services.accounts.models import RefreshToken
from services.accounts.sessions import token_hash
from services.contracts.errors import InvalidField, TooManyRequests, Unauthorized

pytestmark = pytest.mark.integration

NEW_PASSWORD = "a brand new passphrase"


def log_in(accounts, email: str, password: str = PASSWORD) -> dict:
    return accounts.login(email=email, password=password, client_ip=new_ip())


@pytest.fixture
def person(accounts) -> dict:
    email = new_email()
    return {"email": email, **accounts.register_user(email=email)}


def test_login_answers_the_user_and_a_new_session(accounts, person, uow):
    first, second = log_in(accounts, person["email"]), log_in(accounts, person["email"])
    assert first["user"]["id"] == person["id"] and first["refresh_expires_in"] == 30 * 24 * 3600
    assert first["session_id"] != second["session_id"]
    assert len(first["refresh_token"]) >= 40 and first["refresh_token"] != second["refresh_token"]
    row = uow.session.scalars(select(RefreshToken).where(RefreshToken.user_id == person["id"])).first()
    assert row.token_hash in {token_hash(first["refresh_token"]), token_hash(second["refresh_token"])}
    stored = " ".join(str(v) for r in uow.session.scalars(select(RefreshToken)) for v in vars(r).values())
    assert first["refresh_token"] not in stored  # only the hash is kept


def test_a_refresh_rotates_the_token_within_the_session(accounts, person):
    session = log_in(accounts, person["email"])
    renewed = accounts.refresh_session(refresh_token=session["refresh_token"])
    assert (renewed["user_id"], renewed["session_id"]) == (person["id"], session["session_id"])
    assert renewed["refresh_token"] != session["refresh_token"]
    again = accounts.refresh_session(refresh_token=renewed["refresh_token"])
    assert again["session_id"] == session["session_id"]


def test_a_token_presented_twice_at_once_keeps_the_session(accounts, person):
    # two tabs opening together, or a reload while the first answer was on its way: the same browser, twice
    session = log_in(accounts, person["email"])
    first = accounts.refresh_session(refresh_token=session["refresh_token"])
    second = accounts.refresh_session(refresh_token=session["refresh_token"])
    assert first["session_id"] == second["session_id"] == session["session_id"]
    assert len({session["refresh_token"], first["refresh_token"], second["refresh_token"]}) == 3
    for renewed in (first, second):  # both go on working
        assert accounts.refresh_session(refresh_token=renewed["refresh_token"])["user_id"] == person["id"]


def test_a_reused_token_ends_the_whole_session(accounts, person, monkeypatch):
    monkeypatch.setenv("REFRESH_REUSE_GRACE_S", "0")  # no grace: any second use is a copy
    session = log_in(accounts, person["email"])
    renewed = accounts.refresh_session(refresh_token=session["refresh_token"])
    with pytest.raises(Unauthorized) as caught:
        accounts.refresh_session(refresh_token=session["refresh_token"])  # the copied old one
    assert "already used" in caught.value.message
    with pytest.raises(Unauthorized):
        accounts.refresh_session(refresh_token=renewed["refresh_token"])  # the legitimate newest one too
    other = log_in(accounts, person["email"])  # other sessions are not touched
    assert accounts.refresh_session(refresh_token=other["refresh_token"])["user_id"] == person["id"]


def test_unknown_and_expired_tokens_are_refused(accounts, person, monkeypatch):
    with pytest.raises(Unauthorized):
        accounts.refresh_session(refresh_token="not-a-token-we-issued")
    with pytest.raises(InvalidField):
        accounts.refresh_session(refresh_token="")
    monkeypatch.setenv("REFRESH_TOKEN_TTL_S", "0")
    expired = log_in(accounts, person["email"])
    with pytest.raises(Unauthorized) as caught:
        accounts.refresh_session(refresh_token=expired["refresh_token"])
    assert "expired" in caught.value.message


def test_logout_ends_the_session_and_may_be_repeated(accounts, person):
    session = log_in(accounts, person["email"])
    renewed = accounts.refresh_session(refresh_token=session["refresh_token"])
    assert accounts.logout(refresh_token=renewed["refresh_token"]) is None
    with pytest.raises(Unauthorized):
        accounts.refresh_session(refresh_token=renewed["refresh_token"])
    accounts.logout(refresh_token=renewed["refresh_token"])
    accounts.logout(refresh_token="never-issued")


def change(accounts, person, old=PASSWORD, new=NEW_PASSWORD, session_id=None, client_ip=None):
    return accounts.change_password(actor_id=person["id"], old_password=old, new_password=new,
                                    client_ip=client_ip or new_ip(), session_id=session_id)


def test_changing_the_password_keeps_this_session_and_ends_the_others(accounts, person):
    mine, other = log_in(accounts, person["email"]), log_in(accounts, person["email"])
    assert change(accounts, person, session_id=mine["session_id"]) is None
    with pytest.raises(Unauthorized):
        log_in(accounts, person["email"])  # the old password
    assert log_in(accounts, person["email"], NEW_PASSWORD)["user"]["id"] == person["id"]
    assert accounts.refresh_session(refresh_token=mine["refresh_token"])["session_id"] == mine["session_id"]
    with pytest.raises(Unauthorized):
        accounts.refresh_session(refresh_token=other["refresh_token"])


def test_without_a_session_id_every_session_ends(accounts, person):
    session = log_in(accounts, person["email"])
    change(accounts, person)
    with pytest.raises(Unauthorized):
        accounts.refresh_session(refresh_token=session["refresh_token"])


def test_a_wrong_current_password_and_a_weak_new_one_are_reported_together(accounts, person):
    with pytest.raises(InvalidField) as caught:
        change(accounts, person, old="not my password", new="short")
    assert set(caught.value.details) == {"old_password", "new_password"}
    with pytest.raises(InvalidField) as caught:
        change(accounts, person, new=f"x{person['email']}x")
    assert caught.value.details == {"new_password": ["must not be or contain your email address"]}
    with pytest.raises(InvalidField) as caught:
        change(accounts, person, new=PASSWORD)
    assert caught.value.details == {"new_password": ["must differ from your current password"]}
    assert log_in(accounts, person["email"])["user"]["id"] == person["id"]  # nothing changed


def test_wrong_current_passwords_count_as_failed_logins(accounts, person):
    ip = new_ip()
    for _ in range(5):
        with pytest.raises(InvalidField):
            change(accounts, person, old="not my password", client_ip=ip)
    with pytest.raises(TooManyRequests):
        change(accounts, person, client_ip=ip)


def test_within_the_grace_a_second_use_is_the_same_browser_and_past_it_a_copy(accounts, person, uow):
    token = log_in(accounts, person["email"])["refresh_token"]
    used = utcnow()
    sessions.rotate(uow, token, used)
    uow.commit()
    again = sessions.rotate(uow, token, used + timedelta(seconds=10))  # the grace's last moment
    uow.commit()
    with pytest.raises(Unauthorized) as caught:
        sessions.rotate(uow, token, used + timedelta(seconds=10.5))  # counted from the first use, not the last
    assert "already used" in caught.value.message
    with pytest.raises(Unauthorized):
        accounts.refresh_session(refresh_token=again["refresh_token"])  # the whole session ended
