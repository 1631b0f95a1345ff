"""Real infrastructure for tests: a fresh RabbitMQ vhost and fresh PostgreSQL databases per run.

Each pytest process gets its own vhost and its own databases, so processes running side by side never
see each other's messages or rows. Everything created is removed at the end of the session.

Which servers (docs/configuration.md "What make run and make test set up"): a URL given in the environment wins; else, when a Docker engine
answers, one throwaway container per server per process (testcontainers); else the local servers that
scripts/ensure-broker.sh and scripts/ensure-postgres.sh started. A started container's addresses are
exported as TEST_DATABASE_URL / TEST_AMQP_URI / RABBITMQ_API, so everything later in the process (and
every process it starts) uses the same server and no second container is started.
"""
from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
import time
import urllib.parse
import uuid
from collections.abc import Callable

import requests
from sqlalchemy import create_engine, text

from services.common.db import normalize_url

DEFAULT_AMQP = "amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"

POSTGRES_IMAGE = "postgres:15"
RABBITMQ_IMAGE = "rabbitmq:3-management"  # the management API creates the per-run vhosts
AMQP_PORT, MANAGEMENT_PORT = 5672, 15672
DOCKER_PROBE_TIMEOUT_S = 3
MANAGEMENT_READY_TIMEOUT_S = 60

GIVEN, CONTAINER, LOCAL = "given", "container", "local"


def choose_server(configured_url: str | None, docker_engine_answers: Callable[[], bool]) -> str:
    """Where a test server comes from: GIVEN (the configured URL), CONTAINER (a Docker engine answers)
    or LOCAL (the default address, served by what scripts/ensure-*.sh started). The engine is asked
    only when no URL is given: a given URL never waits for a Docker probe."""
    if configured_url:
        return GIVEN
    return CONTAINER if docker_engine_answers() else LOCAL


@functools.cache
def docker_engine_answers() -> bool:
    """Whether a Docker engine answers within a few seconds, asked once per process the way
    testcontainers will connect (DOCKER_HOST, the current docker context, ~/.testcontainers.properties)."""
    try:
        from testcontainers.core.docker_client import DockerClient

        return bool(DockerClient(timeout=DOCKER_PROBE_TIMEOUT_S).client.ping())
    except Exception:  # no SDK, no socket, no answer: all mean "no engine"
        return False


def configured_amqp_uri() -> str | None:
    return os.environ.get("TEST_AMQP_URI") or os.environ.get("AMQP_URI") or None


def base_amqp_uri() -> str:
    source = choose_server(configured_amqp_uri(), docker_engine_answers)
    if source == CONTAINER:
        uri, api = start_rabbitmq_container()
        os.environ["TEST_AMQP_URI"], os.environ["RABBITMQ_API"] = uri, api
        return uri
    return configured_amqp_uri() if source == GIVEN else DEFAULT_AMQP


def admin_pg_url() -> str:
    configured = os.environ.get("TEST_DATABASE_URL")
    source = choose_server(configured, docker_engine_answers)
    if source == CONTAINER:
        os.environ["TEST_DATABASE_URL"] = url = start_postgres_container()
        return url
    return configured if source == GIVEN else DEFAULT_PG


_containers: list = []  # started by this process, removed by stop_containers()


def _start(make_container: Callable, image: str, variable: str):
    """Build and start a testcontainers container, remembered for stop_containers(); a failure (no
    image, no registry) says how to do without one."""
    container = None
    try:
        container = make_container()
        container.start()
    except Exception as error:
        if container is not None:
            _stop(container)  # a half-started container must not outlive the run
        raise RuntimeError(f"Starting {image} with testcontainers failed ({error}); set {variable} to a "
                           "running server to use that instead") from error
    if not _containers:
        atexit.register(stop_containers)
    _containers.append(container)
    return container


def start_postgres_container() -> str:
    """A PostgreSQL 15 container; returns its admin URL (superuser postgres, database postgres)."""
    from testcontainers.community.postgres import PostgresContainer

    def make():
        return PostgresContainer(POSTGRES_IMAGE, username="postgres", password="postgres", dbname="postgres",
                                 driver=None).with_command("postgres -c fsync=off")  # throwaway: no durability

    return _start(make, POSTGRES_IMAGE, "TEST_DATABASE_URL").get_connection_url()


def start_rabbitmq_container() -> tuple[str, str]:
    """A RabbitMQ container with its management API; returns (AMQP URI, management API URL)."""
    from testcontainers.community.rabbitmq import RabbitMqContainer

    container = _start(lambda: RabbitMqContainer(RABBITMQ_IMAGE).with_exposed_ports(MANAGEMENT_PORT),
                       RABBITMQ_IMAGE, "TEST_AMQP_URI")
    host = container.get_container_host_ip()
    uri = f"amqp://guest:guest@{host}:{container.get_exposed_port(AMQP_PORT)}/"
    api = f"http://{host}:{container.get_exposed_port(MANAGEMENT_PORT)}/api"
    _wait_for_management_api(api)
    return uri, api


def _wait_for_management_api(api: str) -> None:
    """The container is 'ready' once AMQP answers; the management plugin may start a moment later."""
    deadline = time.monotonic() + MANAGEMENT_READY_TIMEOUT_S
    while True:
        try:
            if requests.get(f"{api}/overview", auth=("guest", "guest"), timeout=5).ok:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"RabbitMQ's management API did not answer at {api} within "
                               f"{MANAGEMENT_READY_TIMEOUT_S} s")
        time.sleep(1)


def stop_containers() -> None:
    """Remove this process's containers (testcontainers' reaper would too, a few seconds after exit)."""
    while _containers:
        _stop(_containers.pop())


def _stop(container) -> None:
    try:
        container.stop()
    except Exception:  # already gone, or never created: nothing left to remove
        pass


def run_token() -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw")
    return f"{uuid.uuid4().hex[:8]}_{worker}"


class Vhost:
    """A RabbitMQ vhost made for this run: via rabbitmqctl as root on the local broker, else the
    management API (always for an explicit RABBITMQ_API, e.g. a container's)."""

    def __init__(self, name: str):
        self.name = name
        parts = urllib.parse.urlsplit(base_amqp_uri())
        self.user = urllib.parse.unquote(parts.username or "guest")
        self.password = urllib.parse.unquote(parts.password or "guest")
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 5672
        self.uri = f"amqp://{parts.username}:{parts.password}@{self.host}:{self.port}/{urllib.parse.quote(name, safe='')}"
        self._explicit_api = os.environ.get("RABBITMQ_API")
        self._api = self._explicit_api or f"http://{self.host}:15672/api"

    def _use_ctl(self) -> bool:
        return shutil.which("rabbitmqctl") is not None and os.geteuid() == 0 and not self._explicit_api \
            and self.host in ("127.0.0.1", "localhost")

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
