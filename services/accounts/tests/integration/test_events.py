"""Events go through the outbox in the same transaction as the change, and the relay publishes
them to the ``beatpass.events`` exchange."""
import json
import time
import uuid

import pytest
from kombu import Connection, Exchange, Queue
from sqlalchemy import select

from services.accounts import admin, producer_program, roles, schemas, users
from services.accounts.conftest import PASSWORD, new_email, new_ip, new_username
from services.accounts.models import User
from services.accounts.tests.integration.test_producer_program import become_producer, get_verified, page_available
from services.common.messaging.models import OutboxMessage
from services.contracts.events import EXCHANGE, REGISTRY, validate_event

pytestmark = pytest.mark.integration


def outbox_events(uow, marker: str) -> list[dict]:
    rows = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.body.contains(marker))).all()
    return [{"type": row.event_type, **json.loads(row.body)} for row in rows]


def register(uow) -> dict:
    registration = schemas.load_registration(new_email(), PASSWORD, new_username(), new_ip())
    return users.register(uow, registration)


def make_admin(uow) -> dict:
    return admin.ensure_admin(uow, schemas.load_account(new_email(), PASSWORD, new_username())).user


def test_register_writes_user_registered_with_the_change(uow):
    user = register(uow)
    [event] = outbox_events(uow, user["id"])
    assert event["type"] == "user_registered"
    assert (event["user_id"], event["username"]) == (user["id"], user["username"])
    validate_event(REGISTRY["user_registered"], {k: v for k, v in event.items() if k != "type"})


def test_approval_writes_producer_approved_and_a_rollback_writes_nothing(uow):
    reviewer, applicant = make_admin(uow), register(uow)
    application = producer_program.apply(uow, applicant["id"], schemas.load_application(become_producer()),
                                         page_available)
    uow.commit()
    producer_program.approve(uow, reviewer["id"], application["id"])
    [event] = outbox_events(uow, application["id"])
    assert event["type"] == "producer_approved"
    assert (event["user_id"], event["producer_name"], event["beats_link"], event["artist_id"]) == (
        applicant["id"], "DJ Test", "https://beats.example.com/dj", None)
    uow.rollback()
    assert outbox_events(uow, application["id"]) == []
    assert roles.PRODUCER not in uow.session.get(User, applicant["id"]).role_names()


def test_verification_writes_producer_verified(uow):
    reviewer, applicant = make_admin(uow), register(uow)
    first = producer_program.apply(uow, applicant["id"], schemas.load_application(become_producer()), page_available)
    producer_program.approve(uow, reviewer["id"], first["id"])
    second = producer_program.apply(uow, applicant["id"], schemas.load_application(get_verified()), page_available)
    producer_program.approve(uow, reviewer["id"], second["id"])
    [event] = outbox_events(uow, second["id"])
    assert (event["type"], event["user_id"], event["application_id"]) == (
        "producer_verified", applicant["id"], second["id"])


@pytest.fixture
def producer_approved_queue(amqp_uri):
    """A queue of this test's own, bound like a consumer's would be."""
    exchange = Exchange(EXCHANGE, type="topic", durable=True)
    queue = Queue(f"test-accounts-{uuid.uuid4().hex[:8]}", exchange=exchange, routing_key="producer_approved",
                  auto_delete=True)
    with Connection(amqp_uri) as connection:
        bound = queue(connection.default_channel)
        exchange(connection.default_channel).declare()
        bound.declare()
        yield bound


def wait_for_message(queue, predicate, timeout: float = 15.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = queue.get(no_ack=True)
        if message is None:
            time.sleep(0.05)
            continue
        body = json.loads(message.body)
        if predicate(body):
            return {"body": body, "routing_key": message.delivery_info["routing_key"],
                    "message_id": message.properties.get("message_id")}
    raise AssertionError(f"no matching message within {timeout}s")


def test_the_relay_publishes_producer_approved_to_rabbitmq(accounts, producer_approved_queue):
    reviewer, applicant = accounts.make_admin(), accounts.register_user()
    application = accounts.apply_producer_program(actor_id=applicant["id"], application=become_producer())
    accounts.approve_application(actor_id=reviewer["id"], application_id=application["id"])
    message = wait_for_message(producer_approved_queue, lambda body: body.get("application_id") == application["id"])
    assert message["routing_key"] == "producer_approved"
    assert message["message_id"] == message["body"]["event_id"]
    assert message["body"]["user_id"] == applicant["id"]
    validate_event(REGISTRY["producer_approved"], message["body"])
