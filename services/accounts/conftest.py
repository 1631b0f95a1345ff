"""Fixtures for the accounts integration tests: the real service in a nameko container on the
test vhost, its migrated PostgreSQL database, and helpers making unique users. Claims of artist
pages are checked against accounts' copy of the catalog's pages, which catalog's events fill, so the
tests of claims start a real catalog service too — as its own process, the way it runs in production,
without importing its code.

Tests share one database per session, so every email, username and client address is unique."""
from __future__ import annotations

import itertools
import json
import os
import random
import subprocess
import sys
import time
import uuid
from typing import Any

import pytest
from nameko.containers import ServiceContainer
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy.orm import sessionmaker

from services.accounts.models import ArtistPage
from services.accounts.service import AccountsService
from tests.support.services import ServiceCaller
from services.common import config
from services.common.db import make_engine
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


class Accounts(ServiceCaller):
    """Calls the running service's RPC methods, in a worker, as nameko would."""

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


class Catalog:
    """The running catalog service, and a way to make the unclaimed artist pages claims point at."""

    def __init__(self, env: dict[str, str], amqp_uri: str, accounts_db: str):
        self.env = env
        self.amqp_uri = amqp_uri
        self.accounts_db = accounts_db

    def unclaimed_artist(self, name: str = "Old Legend") -> str:
        """A new page, once accounts' copy knows it (its ``artist_page_changed`` has arrived)."""
        done = subprocess.run([sys.executable, "-m", "services.catalog.cli", "create-artist", "--name", name],
                              env=self.env, cwd=config.ROOT, capture_output=True, text=True, check=True)
        artist_id = json.loads(done.stdout)["id"]
        self.wait_for_accounts_copy(artist_id, claimed=False)
        return artist_id

    def claim_status(self, artist_id: str) -> dict:
        with ServiceRpcProxy("catalog", {"AMQP_URI": self.amqp_uri, "serializer": "json"}, timeout=10) as catalog:
            return catalog.artist_claim_status(artist_id)

    def wait_for_accounts_copy(self, artist_id: str, claimed: bool, timeout_s: float = 15) -> None:
        engine = make_engine(self.accounts_db)
        deadline = time.monotonic() + timeout_s
        try:
            while True:
                with engine.connect() as connection:
                    row = connection.execute(ArtistPage.__table__.select().where(
                        ArtistPage.artist_id == artist_id)).first()
                if row is not None and row.claimed == claimed:
                    return
                assert time.monotonic() < deadline, f"accounts' copy of page {artist_id} never showed {claimed=}"
                time.sleep(0.05)
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def catalog(pg, amqp_uri, tmp_path_factory, service_databases) -> Catalog:
    """The catalog service as its own process on a database of its own, started once per module."""
    url = pg.create(f"catalog_for_accounts_{uuid.uuid4().hex[:6]}")
    upgrade("catalog", url)
    env = {**os.environ, "CATALOG_DATABASE_URL": url, "AMQP_URI": amqp_uri,
           "MEDIA_ROOT": str(tmp_path_factory.mktemp("media")), "LOG_LEVEL": "WARNING"}
    process = subprocess.Popen([sys.executable, "-m", "services.common.runner", "catalog"], env=env, cwd=config.ROOT)
    running = Catalog(env, amqp_uri, service_databases["accounts"])
    deadline = time.monotonic() + 60
    while True:  # ready once it answers RPC
        try:
            with ServiceRpcProxy("catalog", {"AMQP_URI": amqp_uri, "serializer": "json"}, timeout=2) as proxy:
                proxy.ping()
            break
        except Exception:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("the catalog service did not start for the accounts claim tests")
            time.sleep(0.3)
    yield running
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def fake():
    """A fake Stripe with no webhook endpoint: its events wait in ``fake.pending`` until a test delivers them."""
    from devtools.fakestripe import FakeStripe

    with FakeStripe(webhook_url=None) as running:
        yield running


@pytest.fixture(scope="module")
def stripe_billing(fake):
    """Accounts' Stripe client on that fake, with the plans' prices created."""
    from devtools.stripe_setup import ensure_prices
    from services.accounts.billing.stripe_client import StripeBilling
    from services.common.stripe_api import make_client

    client = make_client("sk_test_accounts", fake.base_url)
    ensure_prices(client)
    return StripeBilling(client)
