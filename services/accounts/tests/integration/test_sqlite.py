"""`make run` uses SQLite by default: the use cases whose SQL differs most between the two
databases (keyset pages, ON CONFLICT, partial unique indexes, time windows) work on it too."""
from datetime import timedelta

import pytest

from services.accounts import admin, follows, producer_program, schemas, sessions, users
from services.accounts.conftest import PASSWORD, new_email, new_ip, new_username
from services.accounts.tests.integration.test_producer_program import become_producer, page_available
from services.contracts.errors import Conflict, TooManyRequests, Unauthorized
from tests.support.services import sqlite_unit_of_work
from services.common.clock import utcnow

pytestmark = pytest.mark.integration


@pytest.fixture
def sqlite_uow(tmp_path):
    with sqlite_unit_of_work("accounts", tmp_path) as unit:
        yield unit


def register(uow, email: str | None = None) -> dict:
    user = users.register(uow, schemas.load_registration(email or new_email(), PASSWORD, new_username(), new_ip()))
    uow.commit()
    return user


def test_follow_pages_on_sqlite(sqlite_uow):
    star = register(sqlite_uow)
    fans = [register(sqlite_uow) for _ in range(5)]
    for fan in fans + fans[:2]:  # following twice changes nothing
        follows.follow(sqlite_uow, fan["id"], star["id"])
    sqlite_uow.commit()
    seen, page = [], schemas.load_page(follows.FOLLOWERS, None, 2)
    while True:
        result = follows.list_followers(sqlite_uow, star["id"], page)
        seen += [item["id"] for item in result["items"]]
        if result["next"] is None:
            break
        page = schemas.load_page(follows.FOLLOWERS, result["next"], 2)
    assert seen == [fan["id"] for fan in reversed(fans)]
    assert result["total"] == 5


def test_producer_program_on_sqlite(sqlite_uow):
    reviewer = admin.ensure_admin(sqlite_uow, schemas.load_account(new_email(), PASSWORD, new_username())).user
    applicant = register(sqlite_uow)
    application = producer_program.apply(sqlite_uow, applicant["id"], schemas.load_application(become_producer()),
                                         page_available)
    sqlite_uow.commit()
    with pytest.raises(Conflict):
        producer_program.apply(sqlite_uow, applicant["id"], schemas.load_application(become_producer()), page_available)
    sqlite_uow.rollback()
    producer_program.approve(sqlite_uow, reviewer["id"], application["id"])
    sqlite_uow.commit()
    assert users.get_user(sqlite_uow, applicant["id"])["roles"] == ["listener", "producer"]


def test_failed_logins_lock_on_sqlite(sqlite_uow):
    email, ip = new_email(), new_ip()
    register(sqlite_uow, email)
    for _ in range(5):
        with pytest.raises(Unauthorized):
            users.authenticate(sqlite_uow, schemas.load_credentials(email, "wrong password", ip))
    with pytest.raises(TooManyRequests):
        users.authenticate(sqlite_uow, schemas.load_credentials(email, PASSWORD, ip))
    assert users.authenticate(sqlite_uow, schemas.load_credentials(email, PASSWORD, new_ip()))["email"] == email


def test_refresh_tokens_rotate_on_sqlite(sqlite_uow):
    email = new_email()
    register(sqlite_uow, email)
    session = users.login(sqlite_uow, schemas.load_credentials(email, PASSWORD, new_ip()))
    sqlite_uow.commit()
    used = utcnow()
    renewed = sessions.rotate(sqlite_uow, session["refresh_token"], used)
    sqlite_uow.commit()
    later = used + timedelta(seconds=sessions.reuse_grace_s() + 1)  # past the grace: a second use is a copy
    with pytest.raises(Unauthorized):
        sessions.rotate(sqlite_uow, session["refresh_token"], later)
    with pytest.raises(Unauthorized):
        sessions.rotate(sqlite_uow, renewed["refresh_token"], later)
