"""Session-wide test infrastructure (real RabbitMQ vhost, real PostgreSQL databases).

The servers: TEST_DATABASE_URL / TEST_AMQP_URI (or AMQP_URI) when given, else one testcontainers
container each per pytest process when a Docker engine answers, else the local servers that
scripts/ensure-*.sh started (devtools/infra.py decides, on first use).

eventlet is monkey-patched first, as in every running service, so nameko containers can run
inside the test process.

pytest-xdist cannot be used: execnet's channels hang in a monkey-patched process. `make test`
runs independent pytest processes side by side instead (scripts/run-tests.sh).
"""


def _browser_tests_only(config) -> bool:
    """The browser tests (tests/browser) run unpatched: Playwright's driver deadlocks under eventlet, and they start
    no container in-process. A pytest process given only tests/browser is left as it is."""
    browser = (config.rootpath / "tests" / "browser").resolve()
    paths = [(config.invocation_params.dir / arg.split("::")[0]).resolve() for arg in config.args]
    return bool(paths) and all(path == browser or browser in path.parents for path in paths)


def pytest_configure(config):
    if _browser_tests_only(config):
        return
    import eventlet

    eventlet.monkey_patch()
    from psycogreen.eventlet import patch_psycopg

    patch_psycopg()  # as in the services: a slow query must not freeze the in-process containers


import os  # noqa: E402 - stdlib only up here; everything else is imported after patching

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def run_id() -> str:
    from devtools.infra import run_token

    return run_token()


@pytest.fixture(scope="session")
def amqp_uri(run_id):
    """A fresh vhost for this test session; AMQP_URI points at it for everything started here."""
    from devtools.infra import Vhost

    vhost = Vhost(f"beatpass-test-{run_id}").create()
    previous = os.environ.get("AMQP_URI")
    os.environ["AMQP_URI"] = vhost.uri
    yield vhost.uri
    if previous is None:
        os.environ.pop("AMQP_URI", None)
    else:
        os.environ["AMQP_URI"] = previous
    vhost.delete()


@pytest.fixture
def own_amqp_uri(run_id):
    """A vhost of one test's own, for a downstream service's container started on the broker: the session's vhost
    holds the events other tests published for that service's durable queues (a catalog test's plays wait in
    gamification's and payouts' queues), which the container would consume first."""
    import uuid

    from devtools.infra import Vhost

    vhost = Vhost(f"beatpass-test-{run_id}-{uuid.uuid4().hex[:8]}").create()
    yield vhost.uri
    vhost.delete()


@pytest.fixture(scope="session")
def pg(run_id):
    from devtools.infra import PgDatabases

    databases = PgDatabases(run_id)
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def service_databases(pg):
    """A fresh, migrated PostgreSQL database per service, exported as <SERVICE>_DATABASE_URL."""
    from services.common import config
    from services.common.migrate import upgrade

    urls = {}
    for service in config.SERVICES:
        url = pg.create(service)
        upgrade(service, url)
        os.environ[f"{service.upper()}_DATABASE_URL"] = url
        urls[service] = url
    return urls


@pytest.fixture
def rabbit_config(amqp_uri):
    """nameko's container_factory / runner_factory read their config from this fixture."""
    return {"AMQP_URI": amqp_uri, "serializer": "json", "max_workers": 10}


@pytest.fixture
def uow(session_factory):
    """A unit of work on a service's test database (each service's conftest provides
    ``session_factory``), for calling use cases directly and inspecting rows."""
    from services.common.db import UnitOfWork

    unit = UnitOfWork(session_factory)
    yield unit
    unit.rollback()
    unit.close()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    session.config.stash[_EXIT_STATUS] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """Leave as soon as the report is written. At interpreter exit eventlet's tpool joins its OS
    threads, and one blocked there (a hub started inside a worker thread) would hang the run forever
    after every test has finished."""
    status = config.stash.get(_EXIT_STATUS, None)
    if status is not None:
        import sys

        infra = sys.modules.get("devtools.infra")  # containers exist only if it was used
        if infra is not None:
            infra.stop_containers()  # os._exit skips atexit: remove this process's test containers first
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


_EXIT_STATUS = pytest.StashKey[int]()
