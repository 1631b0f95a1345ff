"""Rate limits, kept in the database (docs/rpc-accounts.md: Rate limits)."""
import time

import pytest

from services.accounts.conftest import PASSWORD, new_email, new_ip
from services.contracts.errors import Conflict, TooManyRequests, Unauthorized

pytestmark = pytest.mark.integration


def fail_login(accounts, email: str, times: int, client_ip: str | None = None) -> None:
    """``times`` wrong passwords, each from a new address unless ``client_ip`` is given."""
    for _ in range(times):
        with pytest.raises(Unauthorized):
            accounts.authenticate(email=email, password="wrong password!", client_ip=client_ip or new_ip())


def login(accounts, email: str, client_ip: str) -> dict:
    return accounts.authenticate(email=email, password=PASSWORD, client_ip=client_ip)


def test_failures_from_other_addresses_do_not_lock_out_the_owner(accounts):
    """Issue #8: five wrong passwords from five addresses locked the owner out of a sixth."""
    email = new_email()
    accounts.register_user(email=email)
    fail_login(accounts, email, 5)
    assert login(accounts, email, new_ip())["email"] == email


def test_five_failures_from_one_address_lock_out_that_address_only(accounts):
    email, attacker = new_email(), new_ip()
    accounts.register_user(email=email)
    fail_login(accounts, email, 5, attacker)
    with pytest.raises(TooManyRequests) as caught:
        login(accounts, email, attacker)  # even the right password, from there
    retry_after = caught.value.details["retry_after"]
    assert isinstance(retry_after, int) and 55 <= retry_after <= 60
    assert login(accounts, email, new_ip())["email"] == email


def test_each_further_lockout_of_an_address_lasts_twice_as_long(accounts, monkeypatch):
    monkeypatch.setenv("RATE_LOGIN_LOCKOUT_S", "1")
    email, attacker = new_email(), new_ip()
    accounts.register_user(email=email)
    fail_login(accounts, email, 5, attacker)
    waits = []
    for _ in range(3):
        with pytest.raises(TooManyRequests) as caught:
            login(accounts, email, attacker)
        waits.append(caught.value.details["retry_after"])
        time.sleep(caught.value.details["retry_after"] + 0.1)
        fail_login(accounts, email, 1, attacker)  # one failure after a lockout locks it out again
    assert waits == [1, 2, 4]


def test_the_lockout_is_capped(accounts, monkeypatch):
    monkeypatch.setenv("RATE_LOGIN_LOCKOUT_S", "1")
    monkeypatch.setenv("RATE_LOGIN_LOCKOUT_MAX_S", "1")
    email, attacker = new_email(), new_ip()
    accounts.register_user(email=email)
    fail_login(accounts, email, 5, attacker)
    time.sleep(1.1)
    fail_login(accounts, email, 1, attacker)
    with pytest.raises(TooManyRequests) as caught:
        login(accounts, email, attacker)
    assert caught.value.details == {"retry_after": 1}


def test_a_correct_password_forgives_that_address(accounts):
    email, ip = new_email(), new_ip()
    accounts.register_user(email=email)
    fail_login(accounts, email, 4, ip)
    login(accounts, email, ip)
    fail_login(accounts, email, 4, ip)
    assert login(accounts, email, ip)["email"] == email


def test_the_ceiling_per_email_stops_a_guess_spread_over_many_addresses(accounts):
    email = new_email()
    accounts.register_user(email=email)
    fail_login(accounts, email, 20)
    with pytest.raises(TooManyRequests) as caught:
        login(accounts, email, new_ip())  # the owner too, until the window slides
    assert 1 <= caught.value.details["retry_after"] <= 60


def test_under_the_ceiling_a_fresh_address_gets_in(accounts):
    email = new_email()
    accounts.register_user(email=email)
    fail_login(accounts, email, 19)
    assert login(accounts, email, new_ip())["email"] == email


def test_unknown_emails_are_limited_the_same_way(accounts):
    """Otherwise the limits themselves would tell an attacker which emails have accounts."""
    email, ip = new_email(), new_ip()
    fail_login(accounts, email, 5, ip)
    with pytest.raises(TooManyRequests) as caught:
        login(accounts, email, ip)
    assert set(caught.value.details) == {"retry_after"}


def test_failures_count_per_email_in_any_case(accounts):
    email, ip = new_email(), new_ip()
    accounts.register_user(email=email)
    fail_login(accounts, email.upper(), 3, ip)
    fail_login(accounts, email, 2, ip)
    with pytest.raises(TooManyRequests):
        login(accounts, email, ip)


def test_the_ceiling_ends_with_the_window(accounts, monkeypatch):
    monkeypatch.setenv("RATE_WINDOW_S", "3")  # long enough for three failures on a busy machine
    monkeypatch.setenv("RATE_LOGIN_FAILURES_PER_EMAIL_TOTAL", "3")
    email = new_email()
    accounts.register_user(email=email)
    fail_login(accounts, email, 3)
    with pytest.raises(TooManyRequests) as caught:
        login(accounts, email, new_ip())
    assert 1 <= caught.value.details["retry_after"] <= 3
    time.sleep(caught.value.details["retry_after"] + 0.1)
    assert login(accounts, email, new_ip())["email"] == email


def test_logins_per_client_address(accounts, monkeypatch):
    monkeypatch.setenv("RATE_LOGINS_PER_IP", "3")
    ip, email = new_ip(), new_email()
    accounts.register_user(email=email)
    accounts.authenticate(email=email, password=PASSWORD, client_ip=ip)
    with pytest.raises(Unauthorized):
        accounts.authenticate(email=new_email(), password=PASSWORD, client_ip=ip)
    accounts.authenticate(email=email, password=PASSWORD, client_ip=ip)
    with pytest.raises(TooManyRequests):
        accounts.authenticate(email=email, password=PASSWORD, client_ip=ip)
    assert accounts.authenticate(email=email, password=PASSWORD, client_ip=new_ip())["email"] == email


def test_registrations_per_client_address_count_refused_ones_too(accounts, monkeypatch):
    monkeypatch.setenv("RATE_REGISTRATIONS_PER_IP", "2")
    ip, email = new_ip(), new_email()
    accounts.register_user(email=email, client_ip=ip)
    with pytest.raises(Conflict):
        accounts.register_user(email=email, client_ip=ip)
    with pytest.raises(TooManyRequests) as caught:
        accounts.register_user(client_ip=ip)
    assert 1 <= caught.value.details["retry_after"] <= 60
    accounts.register_user(client_ip=new_ip())


def test_a_zero_limit_disables_it(accounts, monkeypatch):
    monkeypatch.setenv("RATE_LOGIN_FAILURES_PER_EMAIL_AND_IP", "0")
    monkeypatch.setenv("RATE_LOGIN_FAILURES_PER_EMAIL_TOTAL", "0")
    email, ip = new_email(), new_ip()
    accounts.register_user(email=email)
    fail_login(accounts, email, 25, ip)
    assert login(accounts, email, ip)["email"] == email
