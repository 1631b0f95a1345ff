"""GET /api/v1/me through the gateway at 16 clients vs a bare nameko RPC echo on the same broker."""
from __future__ import annotations

import subprocess
import sys
import time

import requests

from bench.load import LoadResult, run_load

CLIENTS = 16


def baseline_echo(amqp_uri: str, seconds: float) -> LoadResult:
    from nameko.standalone.rpc import ClusterRpcProxy

    echo = subprocess.Popen([sys.executable, "-m", "bench.echo_service"], env={**__import__("os").environ,
                                                                              "AMQP_URI": amqp_uri})
    try:
        config = {"AMQP_URI": amqp_uri, "serializer": "json"}
        deadline = time.monotonic() + 30
        while True:  # wait for the echo service's queue
            try:
                with ClusterRpcProxy(config, timeout=2) as cluster:
                    cluster.bench_echo.echo("up")
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)

        def make_caller():
            proxy = ClusterRpcProxy(config, timeout=5).start()
            payload = {"id": "3f0e2c1a-2b7d-4c55-9a43-0d5c8f6e1b20", "email": "bench@example.com"}
            return lambda: proxy.bench_echo.echo(payload) == payload

        return run_load("bare nameko RPC echo", make_caller, CLIENTS, seconds)
    finally:
        echo.terminate()
        echo.wait(10)


def gateway_me(base_url: str, token: str, seconds: float) -> LoadResult:
    def make_caller():
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        url = f"{base_url}/api/v1/me"
        return lambda: session.get(url, timeout=10).status_code == 200

    return run_load("gateway GET /api/v1/me", make_caller, CLIENTS, seconds)
