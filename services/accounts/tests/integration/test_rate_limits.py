"""Rate limits, kept in the database (docs/rpc-accounts.md: Rate limits)."""
import time

import pytest

from services.accounts.tests.integration.conftest import PASSWORD, new_email, new_ip
from services.contracts.errors import Conflict, TooManyRequests, Unauthorized

pytestmark = pytest.mark.integration


def fail_login(accounts, email: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(Unauthorized):
            accounts.authenticate(email=email, password="wrong password!", client_ip=new_ip())


def test_five_failures_lock_the_email_even_for_the_right_password(accounts):
    email = new_email()
    accounts.register_user(email=email)
    fail_login(accounts, email, 5)
    with pytest.raises(TooManyRequests) as caught:
        accounts.authenticate(email=email, password=PASSWORD, client_ip=new_ip())
    assert 1 <= caught.value.details["retry_after"] <= 60


def test_unknown_emails_are_locked_the_same_way(accounts):
    """Otherwise the lock itself would tell an attacker which emails have accounts."""
    email = new_email()
    fail_login(accounts, email, 5)
    with pytest.raises(TooManyRequests) as caught:
        accounts.authenticate(email=email, password=PASSWORD, client_ip=new_ip())
    assert set(caught.value.details) == {"retry_after"}


def test_failures_count_per_email_in_any_case(accounts):
    email = new_email()
    accounts.register_user(email=email)
    fail_login(accounts, email.upper(), 3)
    fail_login(accounts, email, 2)
    with pytest.raises(TooManyRequests):
        accounts.authenticate(email=email, password=PASSWORD, client_ip=new_ip())


def test_a_successful_login_clears_the_failures(accounts):
    email = new_email()
    accounts.register_user(email=email)
    fail_login(accounts, email, 4)
    accounts.authenticate(email=email, password=PASSWORD, client_ip=new_ip())
    fail_login(accounts, email, 4)
    assert accounts.authenticate(email=email, password=PASSWORD, client_ip=new_ip())["email"] == email


def test_the_lock_ends_with_the_window(accounts, monkeypatch):
    monkeypatch.setenv("RATE_WINDOW_S", "1")
    email = new_email()
    accounts.register_user(email=email)
    fail_login(accounts, email, 5)
    with pytest.raises(TooManyRequests) as caught:
        accounts.authenticate(email=email, password=PASSWORD, client_ip=new_ip())
    assert caught.value.details == {"retry_after": 1}
    time.sleep(1.1)
    assert accounts.authenticate(email=email, password=PASSWORD, client_ip=new_ip())["email"] == email


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
    monkeypatch.setenv("RATE_LOGIN_FAILURES_PER_EMAIL", "0")
    email = new_email()
    accounts.register_user(email=email)
    fail_login(accounts, email, 6)
    assert accounts.authenticate(email=email, password=PASSWORD, client_ip=new_ip())["email"] == email
