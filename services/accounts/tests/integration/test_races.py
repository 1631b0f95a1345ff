"""What the database enforces when two requests pass the same check at the same moment.

Each test skips the use case's pre-check once, as a concurrent request would have, and shows the
unique index turning the race into the documented Conflict rather than a duplicate or a crash."""
import uuid

import pytest
from sqlalchemy.exc import IntegrityError

from services.accounts import admin, producer_program, schemas, users
from services.accounts.conftest import PASSWORD, new_email, new_ip, new_username
from services.accounts.models import ProducerApplication
from services.accounts.tests.integration.test_producer_program import become_producer, claim_artist, page_available
from services.contracts.errors import Conflict

pytestmark = pytest.mark.integration


def skip_first_call(monkeypatch, module, name: str) -> None:
    real = getattr(module, name)
    calls = []

    def sometimes(*args, **kwargs):
        calls.append(1)
        return None if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(module, name, sometimes)


def register(uow, email: str | None = None, username: str | None = None) -> dict:
    account = schemas.load_registration(email or new_email(), PASSWORD, username or new_username(), new_ip())
    return users.register(uow, account)


def test_concurrent_registration_of_one_email_is_a_conflict(uow, monkeypatch):
    email = new_email()
    register(uow, email=email)
    uow.commit()
    skip_first_call(monkeypatch, users, "_refuse_taken")
    with pytest.raises(Conflict) as caught:
        register(uow, email=email.upper())
    assert caught.value.details == {"field": "email"}


def test_concurrent_second_pending_application_is_a_conflict(uow, monkeypatch):
    user = register(uow)
    producer_program.apply(uow, user["id"], schemas.load_application(become_producer()), page_available)
    uow.commit()
    monkeypatch.setattr(producer_program, "_refuse_second_pending", lambda *args: None)
    with pytest.raises(Conflict) as caught:
        producer_program.apply(uow, user["id"], schemas.load_application(become_producer()), page_available)
    assert caught.value.details == {"type": "become_producer"}


def test_concurrent_approval_of_rival_claims_is_a_conflict(uow, monkeypatch):
    reviewer = admin.ensure_admin(uow, schemas.load_account(new_email(), PASSWORD, new_username())).user
    artist_id = str(uuid.uuid4())
    claims = [producer_program.apply(uow, register(uow)["id"], schemas.load_application(claim_artist(artist_id)),
                                     page_available)
              for _ in range(2)]
    producer_program.approve(uow, reviewer["id"], claims[0]["id"])
    uow.commit()
    monkeypatch.setattr(producer_program, "_refuse_claimed_artist", lambda *args: None)
    with pytest.raises(Conflict) as caught:
        producer_program.approve(uow, reviewer["id"], claims[1]["id"])
    assert caught.value.details == {"artist_id": artist_id}


def test_the_database_itself_refuses_two_pending_applications_of_a_type(uow):
    user = register(uow)
    uow.commit()
    for _ in range(2):
        uow.session.add(ProducerApplication(user_id=user["id"], type="get_verified", status="pending"))
    with pytest.raises(IntegrityError):
        uow.session.flush()
