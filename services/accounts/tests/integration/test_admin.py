"""ensure_admin — one function behind the RPC, the CLI and the start-up bootstrap."""
import logging

import pytest
from sqlalchemy import func, select

from services.accounts import cli
from services.accounts.conftest import PASSWORD, new_email, new_ip, new_username
from services.accounts.models import User
from services.accounts.service import AccountsService
from services.contracts.errors import Conflict, InvalidField

pytestmark = pytest.mark.integration


def count_users(uow, email: str) -> int:
    return uow.session.scalar(select(func.count()).select_from(User).where(User.email_normalized == email.lower()))


def test_ensure_admin_creates_then_changes_nothing(accounts, uow):
    email, username = new_email(), new_username()
    created = accounts.ensure_admin(email=email, password=PASSWORD, username=username)
    assert created["roles"] == ["listener", "admin"] and created["username"] == username
    again = accounts.ensure_admin(email=email.upper(), password="another password", username=new_username())
    assert again == created
    assert count_users(uow, email) == 1
    assert accounts.authenticate(email=email, password=PASSWORD, client_ip=new_ip())["id"] == created["id"]


def test_ensure_admin_promotes_an_existing_account_and_keeps_its_password(accounts):
    user = accounts.register_user()
    promoted = accounts.ensure_admin(email=user["email"], password="not the real one", username=new_username())
    assert (promoted["id"], promoted["username"], promoted["roles"]) == (user["id"], user["username"],
                                                                          ["listener", "admin"])
    assert accounts.authenticate(email=user["email"], password=PASSWORD, client_ip=new_ip())["id"] == user["id"]


def test_ensure_admin_validates_like_registration(accounts):
    with pytest.raises(InvalidField) as caught:
        accounts.ensure_admin(email="admin", password="admin", username="admin")
    assert set(caught.value.details) == {"email", "password"}


def test_ensure_admin_with_a_taken_username_is_a_conflict(accounts):
    user = accounts.register_user()
    with pytest.raises(Conflict) as caught:
        accounts.ensure_admin(email=new_email(), password=PASSWORD, username=user["username"])
    assert caught.value.details == {"field": "username"}


def start_with_admin_env(container_factory, rabbit_config, monkeypatch, email, password, username):
    monkeypatch.setenv("BEATPASS_ADMIN_EMAIL", email)
    monkeypatch.setenv("BEATPASS_ADMIN_PASSWORD", password)
    monkeypatch.setenv("BEATPASS_ADMIN_USERNAME", username)
    container = container_factory(AccountsService, rabbit_config)
    container.start()
    return container


def test_bootstrap_at_start_is_idempotent_and_logs(accounts_db, container_factory, rabbit_config, monkeypatch,
                                                   uow, caplog):
    email, username = new_email(), new_username()
    caplog.set_level(logging.INFO, logger="services.accounts.bootstrap")
    for _ in range(2):
        container = start_with_admin_env(container_factory, rabbit_config, monkeypatch, email, PASSWORD, username)
        container.stop()
    outcomes = [record.outcome for record in caplog.records if getattr(record, "event", None) == "admin_bootstrap"]
    assert outcomes == ["created", "already_admin"]
    user = uow.session.scalars(select(User).where(User.email_normalized == email)).one()
    assert user.username == username and user.role_names() == {"admin"}


def test_bootstrap_refuses_a_weak_password_and_the_service_does_not_start(accounts_db, container_factory,
                                                                           rabbit_config, monkeypatch, uow):
    email = new_email()
    with pytest.raises(RuntimeError, match=r"BEATPASS_ADMIN_.*password: must be at least 10 characters"):
        start_with_admin_env(container_factory, rabbit_config, monkeypatch, email, "short", new_username())
    assert count_users(uow, email) == 0


def test_bootstrap_without_the_environment_does_nothing(accounts_db, container_factory, rabbit_config, monkeypatch,
                                                        caplog):
    monkeypatch.delenv("BEATPASS_ADMIN_EMAIL", raising=False)
    monkeypatch.delenv("BEATPASS_ADMIN_PASSWORD", raising=False)
    caplog.set_level(logging.INFO, logger="services.accounts.bootstrap")
    container_factory(AccountsService, rabbit_config).start()
    assert not [record for record in caplog.records if getattr(record, "event", None) == "admin_bootstrap"]


def test_cli_creates_promotes_and_explains_errors(accounts_db, uow, capsys):
    email, username = new_email(), new_username()
    args = ["create-admin", "--email", email, "--password", PASSWORD, "--username", username]
    assert cli.main(args) == 0
    assert "created admin account" in capsys.readouterr().out
    assert cli.main(args) == 0
    assert "already an admin" in capsys.readouterr().out
    assert count_users(uow, email) == 1

    assert cli.main(["create-admin", "--email", new_email(), "--password", "short"]) == 2
    assert "password: must be at least 10 characters" in capsys.readouterr().err

    assert cli.main(["create-admin", "--email", new_email(), "--password", PASSWORD, "--username", username]) == 2
    assert f"username {username!r}" in capsys.readouterr().err


def test_cli_promotes_an_existing_account(accounts, uow, capsys):
    user = accounts.register_user()
    assert cli.main(["create-admin", "--email", user["email"], "--password", PASSWORD]) == 0
    assert "promoted existing account" in capsys.readouterr().out
    assert accounts.get_user(actor_id=user["id"])["roles"] == ["listener", "admin"]


def test_cli_on_an_unmigrated_database_says_to_migrate(pg, monkeypatch, capsys):
    monkeypatch.setenv("ACCOUNTS_DATABASE_URL", pg.create("accounts_empty"))
    assert cli.main(["create-admin", "--email", new_email(), "--password", PASSWORD]) == 1
    assert "make migrate" in capsys.readouterr().err
