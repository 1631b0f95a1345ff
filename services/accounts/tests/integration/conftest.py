"""Fixtures for the accounts integration tests: the real service in a nameko container on the
test vhost, its migrated PostgreSQL database, and helpers making unique users.

Tests share one database per session, so every email, username and client address is unique."""
from __future__ import annotations

import itertools
import random
import uuid
from typing import Any

import pytest
from nameko.containers import ServiceContainer
from nameko.testing.services import entrypoint_hook
from sqlalchemy.orm import sessionmaker

from services.accounts.service import AccountsService
from services.common.db import UnitOfWork, make_engine

PASSWORD = "correct horse battery"
_addresses = itertools.count(1)


def new_email() -> str:
    return f"user-{uuid.uuid4().hex[:12]}@example.com"


def new_username() -> str:
    return f"u_{uuid.uuid4().hex[:12]}"


def new_ip() -> str:
    """A client address no other test uses, so per-address limits never interfere."""
    n = next(_addresses)
    return f"10.{random.randint(0, 255)}.{n // 256 % 256}.{n % 256}"


class Accounts:
    """Calls the running service's RPC methods, in a worker, as nameko would."""

    def __init__(self, container):
        self.container = container

    def __getattr__(self, method: str):
        def call(*args, **kwargs):
            with entrypoint_hook(self.container, method) as hook:
                return hook(*args, **kwargs)

        return call

    def register_user(self, **overrides: Any) -> dict:
        data = {"email": new_email(), "password": PASSWORD, "username": new_username(), "client_ip": new_ip()}
        return self.register(**{**data, **overrides})

    def make_admin(self) -> dict:
        return self.ensure_admin(email=new_email(), password=PASSWORD, username=new_username())


@pytest.fixture
def accounts_db(service_databases) -> str:
    return service_databases["accounts"]


@pytest.fixture(scope="module")
def accounts(service_databases, amqp_uri) -> Accounts:
    """The service, started once per test module: its workers keep no state between calls, and
    stopping a container costs about a second. (Tests of start-up itself use ``container_factory``.)"""
    container = ServiceContainer(AccountsService, {"AMQP_URI": amqp_uri, "serializer": "json", "max_workers": 10})
    container.start()
    yield Accounts(container)
    container.kill()


@pytest.fixture
def session_factory(accounts_db):
    engine = make_engine(accounts_db)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture
def uow(session_factory):
    """A unit of work on the test database, for calling use cases directly and inspecting rows."""
    unit = UnitOfWork(session_factory)
    yield unit
    unit.rollback()
    unit.close()
