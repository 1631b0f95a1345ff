"""A thread-safe RPC client speaking nameko's AMQP wire protocol.

Each thread (a gunicorn ``gthread`` worker thread, or a green thread under eventlet) owns one
AMQP connection with one exclusive reply queue, so calls never share a socket and need no lock:
publish the request, then read this connection until the reply with our correlation id arrives,
the broker returns the request as unroutable (no queue for that service), or the deadline passes.
RPC_CLIENT.md explains the choice and compares it with nameko's ClusterRpcProxy.
"""
from __future__ import annotations

import json
import logging
import select
import socket
import threading
import time
import uuid
import weakref
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import amqp
from flask import current_app, g
from kombu.utils.url import parse_url

from services.contracts.errors import ERRORS_BY_NAME, ServiceError, details_from_wire
from services.contracts.rpc import surface

log = logging.getLogger(__name__)

RPC_EXCHANGE = "nameko-rpc"
# a dead socket, a closed channel or a broker that went away: all mean "reconnect"
BROKEN = (OSError, amqp.exceptions.AMQPError)


class RpcFailure(ServiceError):
    """A call that got no usable answer; the gateway maps these like the services' errors."""


class ServiceTimeout(RpcFailure):
    code = "service_timeout"


class ServiceUnavailable(RpcFailure):
    code = "service_unavailable"


class RemoteFailure(RpcFailure):
    """The service raised something that is not one of the contract errors (a bug, not a refusal)."""

    code = "internal"


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, Decimal)):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _readable(sock: socket.socket) -> bool:
    """Whether ``sock`` has something to read now (data, or EOF), without blocking."""
    if hasattr(select, "poll"):  # select() cannot watch descriptors >= FD_SETSIZE (1024)
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))
    return bool(select.select([sock], [], [], 0)[0])  # eventlet's green select has no poll


def connection_params(amqp_uri: str) -> dict[str, Any]:
    parts = parse_url(amqp_uri)
    ssl = parts["transport"] == "amqps"
    port = parts["port"] or (5671 if ssl else 5672)
    return {
        "host": f"{parts['hostname'] or '127.0.0.1'}:{port}",
        "userid": parts["userid"] or "guest",
        "password": parts["password"] or "guest",
        "virtual_host": parts["virtual_host"] or "/",
        "ssl": ssl,
    }


class _ReplyConnection:
    """One thread's connection, channel and exclusive reply queue."""

    def __init__(self, params: dict[str, Any], connect_timeout: float):
        self.connection = amqp.Connection(**params, connect_timeout=connect_timeout,
                                          heartbeat=0)  # idle threads must not be dropped by the broker
        self.waiting_for: str | None = None
        self.reply: amqp.Message | None = None
        self.returned = False
        self.reply_to = f"rpc.reply-gateway-{uuid.uuid4()}"
        try:
            self.connection.connect()
            self.channel = self.connection.channel()
            # same declaration as nameko's, so whichever side starts first creates it
            self.channel.exchange_declare(RPC_EXCHANGE, "topic", durable=True, auto_delete=False)
            self.channel.queue_declare(self.reply_to, exclusive=True, auto_delete=True)
            self.channel.queue_bind(self.reply_to, RPC_EXCHANGE, routing_key=self.reply_to)
            self.channel.basic_consume(self.reply_to, no_ack=True, callback=self._on_reply)
            # mandatory publishes come back here when no queue is bound for the routing key
            self.channel.events["basic_return"].add(self._on_return)
        except BaseException:
            self.connection.collect()  # no half-open connection left behind
            raise

    def _on_reply(self, message: amqp.Message) -> None:
        # a late reply to an earlier, timed-out call carries another id and is dropped
        if message.properties.get("correlation_id") == self.waiting_for:
            self.reply = message

    def _on_return(self, _exc, _exchange, _routing_key, message: amqp.Message) -> None:
        if message.properties.get("correlation_id") == self.waiting_for:
            self.returned = True

    def check_alive(self) -> None:
        """Consume whatever arrived while idle (stale replies, a close from the broker, EOF).

        A socket whose peer has gone still accepts a write, so without this the first call after
        a broker restart would publish into the void and fail instead of reconnecting.
        """
        while _readable(self.connection.sock):
            try:
                self.connection.drain_events(timeout=0)
            except socket.timeout:
                return

    def publish(self, message: amqp.Message, routing_key: str, correlation_id: str) -> None:
        self.waiting_for, self.reply, self.returned = correlation_id, None, False
        self.channel.basic_publish(message, exchange=RPC_EXCHANGE, routing_key=routing_key, mandatory=True)

    def wait(self, deadline: float) -> amqp.Message | None:
        """The reply, or None if the request was returned unroutable; raises socket.timeout."""
        try:
            while self.reply is None and not self.returned:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise socket.timeout()
                try:
                    self.connection.drain_events(timeout=remaining)
                except socket.timeout:
                    continue  # loop re-checks the deadline
            return self.reply
        finally:
            self.waiting_for = None

    def close(self) -> None:
        try:
            self.connection.close()
        except BROKEN:
            self.connection.collect()


class RpcClient:
    """Calls ``service.method(*args, **kwargs)`` on nameko services; usable from any thread."""

    def __init__(self, amqp_uri: str, timeout: float = 5.0, connect_timeout: float = 2.0):
        self.params = connection_params(amqp_uri)
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self._local = threading.local()
        self._all: weakref.WeakSet[_ReplyConnection] = weakref.WeakSet()
        self._lock = threading.Lock()

    # -- connections -------------------------------------------------------------------------

    def _connect(self, deadline: float) -> _ReplyConnection:
        timeout = max(min(self.connect_timeout, deadline - time.monotonic()), 0.05)
        try:
            conn = _ReplyConnection(self.params, timeout)
        except BROKEN as exc:
            raise ServiceUnavailable("the message broker is unreachable",
                                     {"broker": self.params["host"], "reason": type(exc).__name__}) from None
        self._local.conn = conn
        with self._lock:
            self._all.add(conn)
        return conn

    def _discard(self, conn: _ReplyConnection) -> None:
        if getattr(self._local, "conn", None) is conn:
            self._local.conn = None
        try:
            conn.connection.collect()  # the socket is suspect: tear down without talking to it
        except BROKEN:
            pass

    def _connection(self, deadline: float) -> _ReplyConnection:
        conn: _ReplyConnection | None = getattr(self._local, "conn", None)
        if conn is not None:
            try:
                conn.check_alive()
                return conn
            except BROKEN:
                self._discard(conn)
        return self._connect(deadline)

    def check_broker(self, timeout: float | None = None) -> None:
        """Raise ServiceUnavailable unless this thread has a working broker connection."""
        self._connection(time.monotonic() + (timeout or self.timeout))

    def close(self) -> None:
        with self._lock:
            conns = list(self._all)
            self._all.clear()
        for conn in conns:
            conn.close()
        self._local = threading.local()

    # -- calls -------------------------------------------------------------------------------

    def call(self, service: str, method: str, args: tuple | list = (), kwargs: dict | None = None,
             context: dict[str, Any] | None = None, timeout: float | None = None) -> Any:
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        target = f"{service}.{method}"
        correlation_id = str(uuid.uuid4())
        headers = {f"nameko.{key}": value for key, value in (context or {}).items() if value is not None}
        headers["nameko.call_id_stack"] = [f"gateway.call.{correlation_id}"]
        body = json.dumps({"args": list(args), "kwargs": kwargs or {}}, default=_json_default)

        conn = self._connection(deadline)
        message = amqp.Message(
            body, content_type="application/json", content_encoding="utf-8",
            reply_to=conn.reply_to, correlation_id=correlation_id, application_headers=headers,
            delivery_mode=1,  # RPC requests need no disk: the caller gives up at the deadline anyway
            expiration=str(max(int(timeout * 1000), 1)),  # never run a request its caller gave up on
        )
        try:
            conn.publish(message, target, correlation_id)
        except BROKEN:
            # the connection died while idle in a way check_alive could not see: one fresh try
            self._discard(conn)
            conn = self._connect(deadline)
            message.properties["reply_to"] = conn.reply_to
            try:
                conn.publish(message, target, correlation_id)
            except BROKEN:
                self._discard(conn)
                raise ServiceUnavailable("the message broker is unreachable", {"service": service}) from None

        try:
            reply = conn.wait(deadline)
        except socket.timeout:
            raise ServiceTimeout(f"{service} did not answer within {timeout:g} s",
                                 {"service": service, "timeout_s": timeout}) from None
        except BROKEN:
            self._discard(conn)
            raise ServiceUnavailable(f"lost the broker connection while waiting for {service}",
                                     {"service": service}) from None
        if reply is None:
            raise ServiceUnavailable(f"the {service} service is not running", {"service": service})
        return self._result(service, method, reply)

    @staticmethod
    def _result(service: str, method: str, reply: amqp.Message) -> Any:
        payload = json.loads(reply.body)
        error = payload.get("error")
        if not error:
            return payload.get("result")
        cls = ERRORS_BY_NAME.get(error.get("exc_type", ""))
        if cls is not None:
            exc_args = error.get("exc_args") or [error.get("value", "")]
            message = str(exc_args[0]) if exc_args else ""
            details = details_from_wire(exc_args[1]) if len(exc_args) > 1 else {}
            raise cls(message, details)
        # a bug in the service: log what it said, tell the client nothing about it
        log.error("remote failure in %s.%s: %s: %s", service, method,
                  error.get("exc_type"), error.get("value"),
                  extra={"remote_exc_type": error.get("exc_type"), "remote_exc_path": error.get("exc_path")})
        raise RemoteFailure(f"the {service} service failed to handle the request", {"service": service})

    def service(self, name: str, context: dict[str, Any] | None = None,
                timeout: float | None = None) -> "ServiceProxy":
        return ServiceProxy(self, name, context, timeout)


class ServiceProxy:
    """``proxy.method(**kwargs)`` sugar over :meth:`RpcClient.call`, checked against the service's contract
    (services/contracts/rpc/): an undeclared method or argument raises ``UndeclaredRpc`` before anything
    is sent, so a typo is a bug found by the first test, not a 500 from the service."""

    def __init__(self, client: RpcClient, name: str, context: dict[str, Any] | None, timeout: float | None):
        self._client, self._name, self._context, self._timeout = client, name, context, timeout
        self._surface = surface(name)

    def __getattr__(self, method: str):
        declared = self._surface[method]

        def call(*args: Any, **kwargs: Any) -> Any:
            declared.check_call(self._name, args, kwargs)
            return self._client.call(self._name, method, args, kwargs, self._context, self._timeout)

        return call


def remote(service: str, timeout: float | None = None) -> ServiceProxy:
    """The current app's client for ``service``, carrying this request's id and caller."""
    client: RpcClient = current_app.extensions["rpc"]
    context = {"request_id": g.get("request_id"), "user_id": g.get("user_id")}
    return client.service(service, context, timeout)
