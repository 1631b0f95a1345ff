"""Deleting one's own account: through the running service, and with a paid subscription against the
local fake Stripe (the real SDK speaks to it over HTTP)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from services.accounts import deletion, schemas, users, views
from services.accounts.billing import billing, stripe_events
from services.accounts.billing.models import BillingAccount
from services.accounts.billing.stripe_client import BillingUrls
from services.accounts.conftest import PASSWORD, new_email, new_ip, new_username
from services.accounts.models import Follow, ProducerApplication, RefreshToken, User
from services.accounts.tests.integration.test_producer_program import become_producer
from services.common.messaging.models import OutboxMessage
from services.contracts.errors import BillingUnavailable, InvalidField, NotFound, Unauthorized
from services.contracts.events import REGISTRY, validate_event

pytestmark = pytest.mark.integration

URLS = BillingUrls("https://beatpass.test/ok?session_id={CHECKOUT_SESSION_ID}", "https://beatpass.test/cancel",
                   "https://beatpass.test/account")


def deleted_events(uow, user_id: str) -> list[dict]:
    rows = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == "user_deleted")).all()
    return [body for body in (json.loads(row.body) for row in rows) if body["user_id"] == user_id]


@pytest.fixture
def person(accounts) -> dict:
    email = new_email()
    return {"email": email, **accounts.register_user(email=email)}


def delete(accounts, person, password=PASSWORD):
    return accounts.delete_account(actor_id=person["id"], password=password, client_ip=new_ip())


def test_a_deleted_account_cannot_log_in_and_its_tokens_are_refused(accounts, person):
    session = accounts.login(email=person["email"], password=PASSWORD, client_ip=new_ip())
    assert delete(accounts, person) is None
    with pytest.raises(Unauthorized):
        accounts.authenticate(email=person["email"], password=PASSWORD, client_ip=new_ip())
    with pytest.raises(Unauthorized):
        accounts.refresh_session(refresh_token=session["refresh_token"])
    with pytest.raises(Unauthorized):  # its access token names nobody now: 401, not 404
        accounts.get_user(actor_id=person["id"])
    with pytest.raises(Unauthorized):
        accounts.verify_actor(actor_id=person["id"])
    with pytest.raises(Unauthorized):
        accounts.update_profile(actor_id=person["id"], changes={"city": "Montreal"})
    with pytest.raises(NotFound):
        accounts.get_public_profile(user_id=person["id"])


def test_the_email_and_username_are_free_again(accounts, person):
    delete(accounts, person)
    again = accounts.register(email=person["email"], password=PASSWORD, username=person["username"],
                              client_ip=new_ip())
    assert again["id"] != person["id"]


def test_personal_data_is_erased_and_user_deleted_is_emitted(accounts, person, uow):
    friend = accounts.register_user()
    accounts.update_profile(actor_id=person["id"], changes={"name": "Ada", "city": "London",
                                                            "links": ["https://ada.example.com"]})
    accounts.follow(actor_id=person["id"], user_id=friend["id"])
    accounts.follow(actor_id=friend["id"], user_id=person["id"])
    application = accounts.apply_producer_program(actor_id=person["id"], application=become_producer())
    deletion.delete_account(uow, None, deletion_of(person))  # in the test's transaction: the outbox is visible
    [event] = deleted_events(uow, person["id"])  # the relay publishes it once committed
    validate_event(REGISTRY["user_deleted"], event)
    uow.commit()

    row = uow.session.get(User, person["id"])
    assert row.deleted_at is not None and row.roles == []
    assert person["email"] not in row.email and row.username.startswith("deleted-")
    assert (row.name, row.city, row.links) == (None, None, [])
    assert not row.password_hash.startswith("$argon2")
    assert uow.session.scalars(select(Follow).where(
        (Follow.follower_id == person["id"]) | (Follow.followee_id == person["id"]))).all() == []
    assert accounts.get_public_profile(user_id=friend["id"])["followers_count"] == 0
    kept = uow.session.get(ProducerApplication, application["id"])
    assert (kept.first_name, kept.last_name, kept.producer_name, kept.beats_link) == (None, None, None, None)
    assert (kept.status, kept.rejection_reason) == ("rejected", deletion.WITHDRAWN)
    assert views.application(kept)["username"] is None  # the admin queue names nobody for a deleted applicant
    assert uow.session.scalars(select(RefreshToken).where(RefreshToken.user_id == person["id"])).all() == []


def test_a_wrong_password_deletes_nothing(accounts, person, uow):
    with pytest.raises(InvalidField) as caught:
        deletion.delete_account(uow, None, schemas.load_account_deletion(person["id"], "not my password", new_ip()))
    assert caught.value.details == {"password": ["is not your current password"]}
    assert deleted_events(uow, person["id"]) == []
    assert accounts.get_user(actor_id=person["id"])["email"] == person["email"]


# -- with a paid subscription ----------------------------------------------------------------------------


def deliver(uow, stripe_billing, fake) -> None:
    held, fake.pending[:] = list(fake.pending), []
    for event in held:
        stripe_events.handle(uow, stripe_billing, json.loads(json.dumps(event)))
        uow.commit()


def subscriber(uow, fake, stripe_billing) -> tuple[dict, str]:
    user = users.register(uow, schemas.load_registration(new_email(), PASSWORD, new_username(), new_ip()))
    uow.commit()
    fake.pending.clear()
    session = billing.start_checkout(uow, stripe_billing, user["id"], "plus", URLS)
    uow.commit()
    subscription_id = fake.complete_checkout(session["session_id"])["subscription"]
    deliver(uow, stripe_billing, fake)
    return user, subscription_id


def deletion_of(user: dict) -> object:
    return schemas.load_account_deletion(user["id"], PASSWORD, new_ip())


def test_an_active_subscription_is_cancelled_at_once(uow, fake, stripe_billing):
    user, subscription_id = subscriber(uow, fake, stripe_billing)
    assert fake.get(subscription_id)["status"] == "active"
    deletion.delete_account(uow, stripe_billing, deletion_of(user))
    uow.commit()
    assert fake.get(subscription_id)["status"] == "canceled"
    deliver(uow, stripe_billing, fake)  # Stripe's customer.subscription.deleted still applies to the tombstone
    account = uow.session.get(BillingAccount, user["id"], populate_existing=True)
    assert (account.status, account.stripe_subscription_id) == ("canceled", subscription_id)


def test_a_subscription_stripe_already_ended_does_not_block_a_retry(uow, fake, stripe_billing):
    user, subscription_id = subscriber(uow, fake, stripe_billing)
    stripe_billing.cancel_subscription(subscription_id)  # a first try cancelled on Stripe, then failed
    fake.pending.clear()
    deletion.delete_account(uow, stripe_billing, deletion_of(user))
    uow.commit()
    assert uow.session.get(User, user["id"]).deleted_at is not None


def test_without_stripe_an_active_subscription_stops_the_deletion(uow, fake, stripe_billing):
    user, _ = subscriber(uow, fake, stripe_billing)
    with pytest.raises(BillingUnavailable):
        deletion.delete_account(uow, None, deletion_of(user))
    uow.rollback()
    assert uow.session.get(User, user["id"]).deleted_at is None
