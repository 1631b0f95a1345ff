"""A broker that goes away under load must not kill a service.

Every service runs as its own process (as under ``make run``) and reaches RabbitMQ through a TCP proxy
the test cuts — refusing new connections and dropping the open ones, as a killed broker does — while
16 clients call the services and events arrive for catalog. Once the proxy is back, every service
answers again, in the same process, every event was handled and every committed outbox row went out.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from gateway.rpc import RpcClient, RpcFailure
from services.common import config
from services.common.messaging.models import OutboxMessage
from services.common.messaging.publisher import ConfirmedPublisher
from services.contracts.errors import ServiceError
from services.contracts.events import PRODUCER_APPROVED, build_event
from tests.support.tcpproxy import TcpProxy

pytestmark = pytest.mark.integration

SERVICES = ("accounts", "catalog", "audio")
CLIENTS = 16
OUTAGE_S = 5.0  # longer than nameko's own publish retries (3 tries, about 1 s apart)
RPC_TIMEOUT_S = 2.0


def _proxied(amqp_uri: str, proxy: TcpProxy) -> str:
    parts = urllib.parse.urlsplit(amqp_uri)
    return parts._replace(netloc=f"{parts.username}:{parts.password}@127.0.0.1:{proxy.port}").geturl()


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


class RunningServices:
    """Each service as a ``services.common.runner`` process, its output in a log file."""

    def __init__(self, env: dict[str, str], log_dir: Path):
        self.env, self.log_dir = env, log_dir
        self.processes: dict[str, subprocess.Popen] = {}
        self._logs = []

    def start(self) -> None:
        for service in SERVICES:
            out = open(self.log_dir / f"{service}.log", "wb")
            self._logs.append(out)
            self.processes[service] = subprocess.Popen(
                [sys.executable, "-m", "services.common.runner", service], env=self.env, cwd=config.ROOT,
                stdout=out, stderr=subprocess.STDOUT)

    def logs(self) -> str:
        return "\n".join(f"--- {name} ---\n{_tail(self.log_dir / f'{name}.log')}" for name in SERVICES)

    def dead(self) -> dict[str, int]:
        return {name: proc.returncode for name, proc in self.processes.items() if proc.poll() is not None}

    def stop(self) -> None:
        for proc in self.processes.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.processes.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for out in self._logs:
            out.close()


def _wait_until(check, timeout: float, what: str, services: RunningServices) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert not services.dead(), f"{services.dead()} exited while waiting for {what}\n{services.logs()}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}\n{services.logs()}"
        time.sleep(0.2)


def _answers(client: RpcClient, service: str) -> bool:
    try:
        return client.call(service, "ping", timeout=RPC_TIMEOUT_S) == "pong"
    except RpcFailure:
        return False


class Load:
    """16 clients calling accounts and catalog, one publishing events for catalog, one registering users
    (accounts' outbox relay publishes their events)."""

    def __init__(self, client: RpcClient, amqp_uri: str, user_id: str):
        self.client, self.amqp_uri, self.user_id = client, amqp_uri, user_id
        self.running = True
        self.answered = 0
        self.producers: list[str] = []
        self.threads = [threading.Thread(target=self._calls, args=(i,), daemon=True) for i in range(CLIENTS)]
        self.threads += [threading.Thread(target=self._events, daemon=True),
                         threading.Thread(target=self._registrations, daemon=True)]

    def start(self) -> "Load":
        for thread in self.threads:
            thread.start()
        return self

    def stop(self) -> None:
        self.running = False
        for thread in self.threads:
            thread.join(timeout=10)

    def _calls(self, index: int) -> None:
        calls = [lambda: self.client.call("accounts", "get_user", [self.user_id], timeout=RPC_TIMEOUT_S),
                 lambda: self.client.call("catalog", "get_track", [str(uuid.uuid4())], timeout=RPC_TIMEOUT_S),
                 lambda: self.client.call("catalog", "list_tracks", timeout=RPC_TIMEOUT_S)]
        n = index
        while self.running:
            try:
                calls[n % len(calls)]()
            except RpcFailure:  # timeouts and an unreachable broker are expected during the outage
                time.sleep(0.05)
            except ServiceError:  # NotFound for the random track: still a full round trip
                pass
            else:
                self.answered += 1
            n += 1

    def _events(self) -> None:
        publisher = ConfirmedPublisher(self.amqp_uri)  # straight to the broker: only the services are cut off
        try:
            while self.running:
                user_id = str(uuid.uuid4())
                publisher.publish(build_event(PRODUCER_APPROVED, {
                    "user_id": user_id, "application_id": str(uuid.uuid4()), "producer_name": f"p-{user_id[:8]}",
                    "beats_link": "https://example.com/beats"}), routing_key=PRODUCER_APPROVED.name)
                self.producers.append(user_id)
                time.sleep(0.05)
        finally:
            publisher.close()

    def _registrations(self) -> None:
        n = 0
        while self.running:
            n += 1
            suffix = uuid.uuid4().hex[:10]
            try:
                self.client.call("accounts", "register", [f"r{suffix}@example.com", "password-1234", f"r{suffix}",
                                                          f"10.9.{n // 250}.{n % 250}"], timeout=RPC_TIMEOUT_S)
            except (RpcFailure, ServiceError):
                time.sleep(0.1)
            time.sleep(0.2)


@pytest.fixture
def proxy(amqp_uri):
    parts = urllib.parse.urlsplit(amqp_uri)
    tcp = TcpProxy(parts.hostname, parts.port or 5672)
    yield tcp
    tcp.close()


def test_services_survive_a_broker_outage_under_load(amqp_uri, service_databases, proxy, tmp_path) -> None:
    env = {**os.environ, "AMQP_URI": _proxied(amqp_uri, proxy), "BEATPASS_VAR_DIR": str(tmp_path),
           "MEDIA_ROOT": str(tmp_path / "media"), "LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"}
    env.update({f"{name.upper()}_DATABASE_URL": url for name, url in service_databases.items()})
    services = RunningServices(env, tmp_path)
    client = RpcClient(amqp_uri, timeout=RPC_TIMEOUT_S)  # the callers reach the broker directly
    services.start()
    load = None
    try:
        _wait_until(lambda: all(_answers(client, name) for name in SERVICES), 60, "the services to start", services)
        pids = {name: proc.pid for name, proc in services.processes.items()}
        user = client.call("accounts", "register", ["fault@example.com", "password-1234", "faulty", "10.8.0.1"])

        load = Load(client, amqp_uri, user["id"]).start()
        time.sleep(2)
        assert load.answered > 0, services.logs()
        proxy.go_down()  # the broker is gone for the services, mid-call
        time.sleep(OUTAGE_S)
        proxy.come_back()
        time.sleep(2)
        load.stop()

        assert not services.dead(), f"services exited: {services.dead()}\n{services.logs()}"
        _wait_until(lambda: all(_answers(client, name) for name in SERVICES), 30, "every service to answer again",
                    services)
        assert {name: proc.pid for name, proc in services.processes.items()} == pids
        for _ in range(10):  # and keep answering
            client.call("accounts", "get_user", [user["id"]])
            client.call("catalog", "list_tracks")

        def catalog_has_every_producer() -> bool:
            for user_id in list(load.producers):
                try:
                    client.call("catalog", "get_my_artist", [user_id], timeout=RPC_TIMEOUT_S)
                except ServiceError:
                    return False
            return True

        _wait_until(catalog_has_every_producer, 30, "catalog to handle every producer_approved event", services)

        engine = create_engine(service_databases["accounts"])
        try:
            def outbox_empty() -> bool:
                with engine.connect() as conn:
                    return conn.scalar(select(func.count()).select_from(OutboxMessage)) == 0

            _wait_until(outbox_empty, 30, "accounts' outbox relay to send every committed event", services)
        finally:
            engine.dispose()
        assert not services.dead(), services.logs()
    finally:
        if load is not None:
            load.stop()
        client.close()
        services.stop()
