"""The RPC client against a real nameko service on the real broker."""
from __future__ import annotations

import socket
import threading
import time

import pytest

from gateway.rpc import RemoteFailure, RpcClient, ServiceTimeout, ServiceUnavailable
from gateway.tests.integration.conftest import SERVICE
from services.contracts.errors import Conflict, TooManyRequests

pytestmark = pytest.mark.integration


@pytest.fixture
def client(amqp_uri):
    client = RpcClient(amqp_uri, timeout=1.0)
    yield client
    client.close()


def test_returns_the_result(rpc_service, client):
    answer = client.call(SERVICE, "echo", ["a", 1], {"b": [True, None]})
    assert answer == {"args": ["a", 1], "kwargs": {"b": [True, None]}}
    assert client.call(SERVICE, "ping") == "pong"  # a test service: it has no contract for .service() to check


def test_contract_errors_are_re_raised_as_their_class(rpc_service, client):
    with pytest.raises(Conflict) as caught:
        client.call(SERVICE, "raise_error", ["Conflict", "email taken", {"field": "email"}])
    assert caught.value.message == "email taken"
    assert caught.value.details == {"field": "email"}
    with pytest.raises(TooManyRequests) as caught:
        client.call(SERVICE, "raise_error", ["TooManyRequests", "slow down", {"retry_after": 7}])
    assert caught.value.details == {"retry_after": 7}


def test_numbers_booleans_and_nulls_in_details_keep_their_json_types(rpc_service, client):
    details = {"cost": 3, "balance": 0, "ratio": 0.5, "renewable": False, "reset_at": None, "ids": [1, 2],
               "field": {"nested": [True]}}
    with pytest.raises(Conflict) as caught:
        client.call(SERVICE, "raise_error", ["Conflict", "typed details", details])
    assert caught.value.details == details


def test_other_remote_exceptions_become_a_remote_failure_without_their_text(rpc_service, client):
    with pytest.raises(RemoteFailure) as caught:
        client.call(SERVICE, "crash")
    assert "hunter2" not in str(caught.value) and "hunter2" not in str(caught.value.details)
    with pytest.raises(RemoteFailure):  # nameko's own MethodNotFound is not a contract error either
        client.call(SERVICE, "no_such_method")


def test_a_slow_service_times_out_at_the_deadline_and_the_connection_stays_correct(rpc_service, client):
    started = time.monotonic()
    with pytest.raises(ServiceTimeout) as caught:
        client.call(SERVICE, "slow", [2.0, "late answer"])
    elapsed = time.monotonic() - started
    assert 1.0 <= elapsed < 1.4
    assert caught.value.details == {"service": SERVICE, "timeout_s": 1.0}
    time.sleep(1.3)  # the late reply is now waiting on this thread's reply queue
    assert client.call(SERVICE, "echo", ["next"]) == {"args": ["next"], "kwargs": {}}


def test_a_service_without_a_queue_is_unavailable_at_once(client):
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable) as caught:
        client.call("no_such_service_anywhere", "ping")
    assert time.monotonic() - started < 0.5  # the broker returns it; no waiting for the deadline
    assert caught.value.details == {"service": "no_such_service_anywhere"}


def test_an_unreachable_broker_is_unavailable():
    client = RpcClient("amqp://guest:guest@127.0.0.1:1/", timeout=1.0)
    with pytest.raises(ServiceUnavailable) as caught:
        client.call(SERVICE, "ping")
    assert caught.value.code == "service_unavailable"


def test_sixteen_threads_each_get_their_own_answers(rpc_service, client):
    results: dict[int, list] = {}
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            results[n] = [client.call(SERVICE, "echo", [n, i])["args"] for i in range(25)]
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert results == {n: [[n, i] for i in range(25)] for n in range(16)}
    assert len(client._all) == 16  # one connection per thread, none shared


def test_reconnects_after_the_connection_broke(rpc_service, client):
    assert client.call(SERVICE, "ping") == "pong"
    broken = client._local.conn
    broken.connection.sock.shutdown(socket.SHUT_RDWR)  # as if the broker had gone away and come back
    assert client.call(SERVICE, "echo", ["again"]) == {"args": ["again"], "kwargs": {}}
    assert client._local.conn is not broken


def test_context_travels_in_nameko_headers(rpc_service, client):
    seen = client.call(SERVICE, "worker_context", context={"request_id": "req-42", "user_id": "u-1"})
    assert seen["data"] == {"request_id": "req-42", "user_id": "u-1"}
    # the service's own call id is appended to the gateway's
    assert seen["call_id_stack"][0].startswith("gateway.call.")
    assert seen["call_id_stack"][1].startswith(f"{SERVICE}.worker_context.")
