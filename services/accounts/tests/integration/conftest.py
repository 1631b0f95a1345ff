"""Fixtures for the accounts integration tests: the real service in a nameko container on the
test vhost, its migrated PostgreSQL database, and helpers making unique users. Claims of artist
pages are checked with the catalog, so the tests of claims start a real catalog service too.

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
from services.catalog import artists as catalog_artists
from services.catalog.service import CatalogService
from services.common.db import UnitOfWork, make_engine
from services.common.migrate import upgrade

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


class Catalog:
    """The running catalog service, and a way to make the unclaimed artist pages claims point at."""

    def __init__(self, container, database_url: str):
        self.container = container
        self.database_url = database_url

    def unclaimed_artist(self, name: str = "Old Legend") -> str:
        engine = make_engine(self.database_url)
        unit = UnitOfWork(sessionmaker(engine, expire_on_commit=False))
        try:
            page = catalog_artists.create_unclaimed(unit, name)
            unit.commit()
            return page["id"]
        finally:
            unit.close()
            engine.dispose()

    def claim_status(self, artist_id: str) -> dict:
        with entrypoint_hook(self.container, "artist_claim_status") as hook:
            return hook(artist_id)


@pytest.fixture(scope="module")
def catalog(pg, amqp_uri, tmp_path_factory) -> Catalog:
    """The catalog service on a database of its own, started once per module that needs it."""
    url = pg.create(f"catalog_for_accounts_{uuid.uuid4().hex[:6]}")
    upgrade("catalog", url)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CATALOG_DATABASE_URL", url)
        patch.setenv("MEDIA_ROOT", str(tmp_path_factory.mktemp("media")))
        container = ServiceContainer(CatalogService, {"AMQP_URI": amqp_uri, "serializer": "json", "max_workers": 10})
        container.start()
    yield Catalog(container, url)
    container.kill()
