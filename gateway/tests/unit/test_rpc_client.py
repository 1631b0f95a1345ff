"""The RPC client's parts that need no broker: URIs, replies, errors, an unreachable broker."""
from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timezone

import amqp
import pytest

from gateway.rpc import RemoteFailure, RpcClient, ServiceUnavailable, _json_default, connection_params
from services.contracts.errors import ERRORS_BY_NAME, InvalidField


def reply(payload: dict) -> amqp.Message:
    return amqp.Message(json.dumps(payload).encode(), content_type="application/json")


@pytest.mark.parametrize("uri, expected", [
    ("amqp://guest:guest@127.0.0.1:5672/", {"host": "127.0.0.1:5672", "virtual_host": "/"}),
    ("amqp://u:p@rabbit/beatpass-test-1", {"host": "rabbit:5672", "virtual_host": "beatpass-test-1",
                                           "userid": "u", "password": "p"}),
    ("amqps://u:p@rabbit/%2F", {"host": "rabbit:5671", "virtual_host": "/", "ssl": True}),
])
def test_connection_params(uri, expected):
    params = connection_params(uri)
    assert {key: params[key] for key in expected} == expected


def test_a_result_is_unwrapped():
    assert RpcClient._result("accounts", "ping", reply({"result": "pong", "error": None})) == "pong"
    assert RpcClient._result("accounts", "ping", reply({"result": None, "error": None})) is None


@pytest.mark.parametrize("name", sorted(ERRORS_BY_NAME))
def test_contract_errors_are_rebuilt_from_exc_args(name):
    error = {"exc_type": name, "exc_path": f"services.contracts.errors.{name}", "value": "no",
             "exc_args": ["no", {"email": ["taken"]}]}
    with pytest.raises(ERRORS_BY_NAME[name]) as caught:
        RpcClient._result("accounts", "register", reply({"result": None, "error": error}))
    assert type(caught.value) is ERRORS_BY_NAME[name]
    assert (caught.value.message, caught.value.details) == ("no", {"email": ["taken"]})


def test_a_contract_error_without_details_still_maps():
    error = {"exc_type": "InvalidField", "exc_args": ["bad"], "value": "bad"}
    with pytest.raises(InvalidField) as caught:
        RpcClient._result("accounts", "register", reply({"result": None, "error": error}))
    assert caught.value.details == {}


@pytest.mark.parametrize("exc_type", ["ValueError", "MethodNotFound", "IncorrectSignature", "__class__"])
def test_anything_else_is_a_remote_failure_that_hides_the_text(exc_type):
    error = {"exc_type": exc_type, "exc_path": "x", "value": "SELECT * FROM users -- hunter2",
             "exc_args": ["SELECT * FROM users -- hunter2"]}
    with pytest.raises(RemoteFailure) as caught:
        RpcClient._result("accounts", "get_user", reply({"result": None, "error": error}))
    assert "hunter2" not in caught.value.message
    assert caught.value.details == {"service": "accounts"}


def test_arguments_that_json_lacks_are_sent_as_strings():
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    identifier = uuid.uuid4()
    assert _json_default(moment) == "2026-01-02T03:04:05+00:00"
    assert _json_default(identifier) == str(identifier)
    with pytest.raises(TypeError):
        _json_default(object())


def test_an_unreachable_broker_is_unavailable_quickly():
    client = RpcClient("amqp://guest:guest@127.0.0.1:1/", timeout=3.0)
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable) as caught:
        client.call("accounts", "ping")
    assert time.monotonic() - started < 2.5
    assert caught.value.message == "the message broker is unreachable"
    with pytest.raises(ServiceUnavailable):
        client.check_broker(1.0)
