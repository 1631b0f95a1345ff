"""Real infrastructure for tests: a fresh RabbitMQ vhost and fresh PostgreSQL databases per run.

Each pytest-xdist worker gets its own vhost and its own databases, so parallel workers never see
each other's messages or rows. Everything created is removed at the end of the session.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import urllib.parse
import uuid

import requests
from sqlalchemy import create_engine, text

from services.common.db import normalize_url

DEFAULT_AMQP = "amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"


def base_amqp_uri() -> str:
    return os.environ.get("TEST_AMQP_URI") or os.environ.get("AMQP_URI") or DEFAULT_AMQP


def admin_pg_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG


def run_token() -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw")
    return f"{uuid.uuid4().hex[:8]}_{worker}"


class Vhost:
    """A RabbitMQ vhost made for this run: via rabbitmqctl as root, else the management API."""

    def __init__(self, name: str):
        self.name = name
        parts = urllib.parse.urlsplit(base_amqp_uri())
        self.user = urllib.parse.unquote(parts.username or "guest")
        self.password = urllib.parse.unquote(parts.password or "guest")
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 5672
        self.uri = f"amqp://{parts.username}:{parts.password}@{self.host}:{self.port}/{urllib.parse.quote(name, safe='')}"
        self._api = os.environ.get("RABBITMQ_API", f"http://{self.host}:15672/api")

    def _use_ctl(self) -> bool:
        return shutil.which("rabbitmqctl") is not None and os.geteuid() == 0 and self.host in ("127.0.0.1", "localhost")

    def create(self) -> "Vhost":
        if self._use_ctl():
            subprocess.run(["rabbitmqctl", "-q", "add_vhost", self.name], check=True, capture_output=True)
            subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", self.name, self.user, ".*", ".*", ".*"],
                           check=True, capture_output=True)
        else:
            auth = (self.user, self.password)
            vh = urllib.parse.quote(self.name, safe="")
            requests.put(f"{self._api}/vhosts/{vh}", auth=auth, timeout=10).raise_for_status()
            requests.put(f"{self._api}/permissions/{vh}/{self.user}", auth=auth, timeout=10,
                         json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
        return self

    def delete(self) -> None:
        if self._use_ctl():
            subprocess.run(["rabbitmqctl", "-q", "delete_vhost", self.name], capture_output=True)
        else:
            vh = urllib.parse.quote(self.name, safe="")
            requests.delete(f"{self._api}/vhosts/{vh}", auth=(self.user, self.password), timeout=10)


class PgDatabases:
    """Creates ``bp_<token>_<name>`` databases on the test server and drops them afterwards."""

    def __init__(self, token: str):
        self.token = token
        self.admin_url = admin_pg_url()
        self.created: list[str] = []
        self._engine = create_engine(normalize_url(self.admin_url), isolation_level="AUTOCOMMIT")

    def url_for(self, db_name: str) -> str:
        parts = urllib.parse.urlsplit(self.admin_url)
        return normalize_url(urllib.parse.urlunsplit(parts._replace(path="/" + db_name)))

    def create(self, name: str) -> str:
        db_name = f"bp_{self.token}_{name}".lower()
        if db_name in self.created:  # two fixtures of one run asked for the same name: keep them apart
            db_name = f"{db_name}_{len(self.created)}"
        with self._engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{db_name}"'))
        self.created.append(db_name)
        return self.url_for(db_name)

    def drop_all(self) -> None:
        with self._engine.connect() as conn:
            for db_name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        self.created.clear()
        self._engine.dispose()
