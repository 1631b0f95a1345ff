"""A tiny real nameko service, run in-process on the test vhost, for the RPC client to call."""
from __future__ import annotations

import eventlet
import pytest
from nameko.extensions import DependencyProvider
from nameko.rpc import rpc

from services.common.context import RequestContext
from services.contracts.errors import ERRORS_BY_NAME

SERVICE = "gateway_rpc_test"


class CallIdStack(DependencyProvider):
    def get_dependency(self, worker_ctx):
        return worker_ctx.call_id_stack


class RpcTestService:
    name = SERVICE
    context = RequestContext()
    call_id_stack = CallIdStack()

    @rpc
    def ping(self):
        return "pong"

    @rpc
    def echo(self, *args, **kwargs):
        return {"args": list(args), "kwargs": kwargs}

    @rpc
    def slow(self, seconds, answer="late"):
        eventlet.sleep(seconds)
        return answer

    @rpc
    def raise_error(self, name, message, details=None):
        raise ERRORS_BY_NAME[name](message, details)

    @rpc
    def crash(self):
        raise ValueError("connection to postgres://admin:hunter2@db failed")

    @rpc
    def worker_context(self):
        return {"data": self.context, "call_id_stack": self.call_id_stack}


@pytest.fixture
def rpc_service(container_factory, rabbit_config):
    # more workers than test threads, so concurrency is limited by the client, not the service
    container = container_factory(RpcTestService, {**rabbit_config, "max_workers": 32})
    container.start()
    return container
