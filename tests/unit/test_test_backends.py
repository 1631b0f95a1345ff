"""Which PostgreSQL and RabbitMQ the tests use (docs/configuration.md "What make run and make test set up"): a URL given in the environment,
else testcontainers when a Docker engine answers, else the local servers scripts/ensure-*.sh started.

The machine probe (is a Docker engine there?) is stubbed at its function boundary, and testcontainers'
container classes by fakes: this machine has no engine, so no container can really start here.
"""
import os
import subprocess
import time
from pathlib import Path

import pytest

from devtools import infra
from devtools.infra import CONTAINER, GIVEN, LOCAL, PgDatabases, Vhost, choose_server

ROOT = Path(__file__).resolve().parents[2]
PG_CONTAINER_URL = "postgresql://postgres:postgres@localhost:49153/postgres"
AMQP_CONTAINER_URI = "amqp://guest:guest@localhost:49154/"
API_CONTAINER_URL = "http://localhost:49155/api"


def probe_must_not_run():
    raise AssertionError("a given URL must not wait for the Docker probe")


# --- the decision ------------------------------------------------------------------------------

def test_a_given_url_is_used_without_asking_docker():
    assert choose_server("postgresql://u@db:5432/x", probe_must_not_run) == GIVEN


def test_no_url_and_a_docker_engine_means_a_container():
    assert choose_server(None, lambda: True) == CONTAINER


def test_no_url_and_no_docker_engine_means_the_local_server():
    assert choose_server(None, lambda: False) == LOCAL


def test_an_empty_url_counts_as_not_given():
    assert choose_server("", lambda: False) == LOCAL


def test_the_docker_probe_says_no_quickly_when_no_engine_answers(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path / 'no-engine.sock'}")
    started = time.monotonic()
    assert infra.docker_engine_answers.__wrapped__() is False  # uncached: asks now
    assert time.monotonic() - started < infra.DOCKER_PROBE_TIMEOUT_S + 2


# --- the wiring: PgDatabases and Vhost (the `pg` / `amqp_uri` fixtures) on the chosen servers ----

@pytest.fixture
def no_urls(monkeypatch):
    for name in ("TEST_DATABASE_URL", "TEST_AMQP_URI", "AMQP_URI", "RABBITMQ_API"):
        # set first, so monkeypatch records even an unset variable: afterwards it is restored, or removed
        # again if a test exported it (else the fake container URLs leak into later tests of the process)
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    return monkeypatch


@pytest.fixture
def started(no_urls):
    """Stand-ins for starting the containers (testcontainers itself), counting the starts."""
    counts = {"postgres": 0, "rabbitmq": 0}

    def postgres():
        counts["postgres"] += 1
        return PG_CONTAINER_URL

    def rabbitmq():
        counts["rabbitmq"] += 1
        return AMQP_CONTAINER_URI, API_CONTAINER_URL

    no_urls.setattr(infra, "start_postgres_container", postgres)
    no_urls.setattr(infra, "start_rabbitmq_container", rabbitmq)
    return counts


def engine(monkeypatch, answers: bool):
    monkeypatch.setattr(infra, "docker_engine_answers", lambda: answers)


def test_without_an_engine_the_tests_use_the_local_servers(no_urls, started):
    engine(no_urls, False)
    assert PgDatabases("t1").admin_url == infra.DEFAULT_PG
    assert Vhost("v1").uri == "amqp://guest:guest@127.0.0.1:5672/v1"
    assert started == {"postgres": 0, "rabbitmq": 0}
    assert "TEST_DATABASE_URL" not in os.environ and "TEST_AMQP_URI" not in os.environ


def test_with_an_engine_each_server_is_one_container_per_process(no_urls, started):
    engine(no_urls, True)
    first, second = PgDatabases("t1"), PgDatabases("t2")
    assert first.admin_url == second.admin_url == PG_CONTAINER_URL
    assert first.url_for("bp_t1_accounts") == "postgresql+psycopg2://postgres:postgres@localhost:49153/bp_t1_accounts"
    assert Vhost("v1").uri == "amqp://guest:guest@localhost:49154/v1"
    assert Vhost("v2").uri == "amqp://guest:guest@localhost:49154/v2"
    assert started == {"postgres": 1, "rabbitmq": 1}
    # exported, so processes the tests start (and the README's variables) name the same servers
    assert os.environ["TEST_DATABASE_URL"] == PG_CONTAINER_URL
    assert os.environ["TEST_AMQP_URI"] == AMQP_CONTAINER_URI
    assert os.environ["RABBITMQ_API"] == API_CONTAINER_URL


def test_given_urls_win_over_an_engine(no_urls, started):
    no_urls.setattr(infra, "docker_engine_answers", probe_must_not_run)
    no_urls.setenv("TEST_DATABASE_URL", "postgresql://ci@db.example:5432/postgres")
    no_urls.setenv("AMQP_URI", "amqp://u:p@mq.example:5672/")
    assert PgDatabases("t1").admin_url == "postgresql://ci@db.example:5432/postgres"
    assert Vhost("v1").uri == "amqp://u:p@mq.example:5672/v1"
    no_urls.setenv("TEST_AMQP_URI", "amqp://t:t@tests-mq.example:5673/")
    assert Vhost("v2").uri == "amqp://t:t@tests-mq.example:5673/v2"  # TEST_AMQP_URI before AMQP_URI
    assert started == {"postgres": 0, "rabbitmq": 0}


def test_each_server_is_decided_on_its_own(no_urls, started):
    engine(no_urls, True)
    no_urls.setenv("TEST_DATABASE_URL", "postgresql://ci@db.example:5432/postgres")
    assert PgDatabases("t1").admin_url == "postgresql://ci@db.example:5432/postgres"
    assert Vhost("v1").uri.startswith(AMQP_CONTAINER_URI)
    assert started == {"postgres": 0, "rabbitmq": 1}


class FakeResponse:
    def raise_for_status(self):
        return None


def test_a_containers_vhosts_are_made_through_its_management_api_even_as_root(no_urls, started):
    engine(no_urls, True)
    no_urls.setattr(infra.shutil, "which", lambda name: f"/usr/sbin/{name}")  # rabbitmqctl "installed"
    no_urls.setattr(infra.os, "geteuid", lambda: 0)  # and usable: root
    no_urls.setattr(infra.subprocess, "run", lambda *a, **k: pytest.fail("rabbitmqctl manages the local broker"))
    puts = []
    no_urls.setattr(infra.requests, "put", lambda url, **kw: puts.append(url) or FakeResponse())

    session_vhost = Vhost("beatpass-test-1").create()
    no_urls.setenv("AMQP_URI", session_vhost.uri)  # as the amqp_uri fixture does for the session
    Vhost("beatpass-e2e-1").create()

    api = API_CONTAINER_URL
    assert puts == [f"{api}/vhosts/beatpass-test-1", f"{api}/permissions/beatpass-test-1/guest",
                    f"{api}/vhosts/beatpass-e2e-1", f"{api}/permissions/beatpass-e2e-1/guest"]
    assert started["rabbitmq"] == 1


def test_the_local_broker_is_still_managed_with_rabbitmqctl_as_root(no_urls, started):
    engine(no_urls, False)
    no_urls.setattr(infra.shutil, "which", lambda name: f"/usr/sbin/{name}")
    no_urls.setattr(infra.os, "geteuid", lambda: 0)
    assert Vhost("v1")._use_ctl()


# --- starting the containers (testcontainers' classes replaced by fakes) ------------------------

class FakeContainer:
    instances: list = []

    def __init__(self, image, **kwargs):
        self.image, self.kwargs = image, kwargs
        self.exposed, self.command, self.state = [], None, "created"
        FakeContainer.instances.append(self)

    def with_exposed_ports(self, *ports):
        self.exposed.extend(ports)
        return self

    def with_command(self, command):
        self.command = command
        return self

    def start(self):
        self.state = "started"
        return self

    def stop(self):
        self.state = "removed"

    def get_connection_url(self):
        return PG_CONTAINER_URL

    def get_container_host_ip(self):
        return "localhost"

    def get_exposed_port(self, port):
        return {5672: 49154, 15672: 49155}[port]


class FailingContainer(FakeContainer):
    def start(self):
        raise RuntimeError("pull access denied for postgres")


@pytest.fixture
def fakes(monkeypatch):
    from testcontainers.community import postgres, rabbitmq

    FakeContainer.instances = []
    monkeypatch.setattr(infra, "_containers", [])
    monkeypatch.setattr(infra.atexit, "register", lambda function: None)
    monkeypatch.setattr(postgres, "PostgresContainer", FakeContainer)
    monkeypatch.setattr(rabbitmq, "RabbitMqContainer", FakeContainer)
    waited = []
    monkeypatch.setattr(infra, "_wait_for_management_api", waited.append)
    return monkeypatch, waited


def test_postgres_starts_as_postgres_15_with_a_plain_postgresql_url(fakes):
    assert infra.start_postgres_container() == PG_CONTAINER_URL
    (container,) = FakeContainer.instances
    assert container.image == "postgres:15"
    assert container.kwargs["driver"] is None  # postgresql://, which normalize_url makes psycopg2 (green)
    assert container.kwargs["username"] == "postgres" and container.kwargs["dbname"] == "postgres"
    assert container.state == "started"


def test_rabbitmq_starts_with_its_management_api_published_and_waited_for(fakes):
    _, waited = fakes
    assert infra.start_rabbitmq_container() == (AMQP_CONTAINER_URI, API_CONTAINER_URL)
    (container,) = FakeContainer.instances
    assert container.image == "rabbitmq:3-management"
    assert 15672 in container.exposed
    assert waited == [API_CONTAINER_URL]


def test_the_containers_are_removed_at_the_end(fakes):
    infra.start_postgres_container()
    infra.start_rabbitmq_container()
    infra.stop_containers()
    assert [c.state for c in FakeContainer.instances] == ["removed", "removed"]
    infra.stop_containers()  # a second call (atexit after conftest's) has nothing left to do


def test_a_container_that_cannot_start_says_which_url_to_set_and_is_removed(fakes):
    monkeypatch, _ = fakes
    from testcontainers.community import postgres

    monkeypatch.setattr(postgres, "PostgresContainer", FailingContainer)
    with pytest.raises(RuntimeError, match="TEST_DATABASE_URL") as raised:
        infra.start_postgres_container()
    assert "pull access denied" in str(raised.value)
    assert [c.state for c in FakeContainer.instances] == ["removed"]
    assert infra._containers == []


# --- scripts/ensure-*.sh with a Docker engine (a stand-in `docker` whose `info` succeeds) --------

def run_script(tmp_path, *args, **env_overrides):
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir(exist_ok=True)
    docker = fake_bin / "docker"
    docker.write_text('#!/bin/sh\necho "$*" >> "$(dirname "$0")/calls"\n[ "$1" = info ]\n')
    docker.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_URL", "TEST_AMQP_URI", "AMQP_URI")}
    env.update(env_overrides, PATH=f"{fake_bin}:{os.environ['PATH']}")
    result = subprocess.run(["bash", *args], check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    calls = (fake_bin / "calls").read_text().split("\n") if (fake_bin / "calls").exists() else []
    return result, [c for c in calls if c]


def test_ensure_postgres_starts_nothing_when_the_tests_will_use_a_container(tmp_path):
    result, docker_calls = run_script(tmp_path, "scripts/ensure-postgres.sh")
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines() == [
        "A Docker engine answers and no TEST_DATABASE_URL is set: the tests start PostgreSQL with testcontainers."]
    assert docker_calls == ["info"]


def test_ensure_broker_for_the_tests_starts_nothing_when_they_will_use_a_container(tmp_path):
    result, docker_calls = run_script(tmp_path, "scripts/ensure-broker.sh", "--for-tests")
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines() == [
        "A Docker engine answers and no TEST_AMQP_URI/AMQP_URI is set: the tests start RabbitMQ with testcontainers."]
    assert docker_calls == ["info"]


def test_ensure_scripts_still_check_a_given_url_when_an_engine_answers(tmp_path):
    # 127.0.0.2 is not "this machine" to the scripts and nothing listens there: they must say so
    pg, _ = run_script(tmp_path, "scripts/ensure-postgres.sh",
                       TEST_DATABASE_URL="postgresql://postgres@127.0.0.2:1/postgres")
    mq, docker_calls = run_script(tmp_path, "scripts/ensure-broker.sh", "--for-tests",
                                  TEST_AMQP_URI="amqp://guest:guest@127.0.0.2:1/")
    assert pg.returncode == 1 and "points at 127.0.0.2" in pg.stderr and "testcontainers" not in pg.stderr
    assert mq.returncode == 1 and "points at 127.0.0.2" in mq.stderr and "testcontainers" not in mq.stderr
    assert docker_calls == []  # with a URL given, the engine is not even asked
