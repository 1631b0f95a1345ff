"""What the gateway benchmarks share: one GET route loaded by 16 HTTP clients, the bare nameko RPC echo on
the same broker that each is compared with, and the result row with their ratio."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import requests

from bench.load import LoadResult, run_load

CLIENTS = 16
TARGET = "target ≥ 0.70, p99 < 50 ms"


def load_get(name: str, url: str, seconds: float, headers: dict[str, str] | None = None) -> LoadResult:
    """``CLIENTS`` threads, each with its own keep-alive session, GET ``url`` back to back; only 200 counts."""
    def make_caller():
        session = requests.Session()
        session.headers.update(headers or {})
        return lambda: session.get(url, timeout=10).status_code == 200

    return run_load(name, make_caller, CLIENTS, seconds)


def baseline_echo(amqp_uri: str, seconds: float) -> LoadResult:
    from nameko.standalone.rpc import ClusterRpcProxy

    echo = subprocess.Popen([sys.executable, "-m", "bench.echo_service"], env={**os.environ, "AMQP_URI": amqp_uri})
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


def ratio_row(benchmark: str, project: LoadResult, baseline: LoadResult) -> dict:
    """One table row: the route's rate next to the echo's rate from the same run, and their ratio."""
    ratio = project.rate / baseline.rate if baseline.rate else float("nan")
    return {"benchmark": f"{benchmark}, {CLIENTS} clients", "project": f"{project.rate:,.0f}/s",
            "baseline": f"nameko echo {baseline.rate:,.0f}/s", "ratio": f"{ratio:.2f}",
            "notes": f"p50 {project.p50:.1f} ms, p99 {project.p99:.1f} ms (echo p99 {baseline.p99:.1f}), "
                     f"errors {project.errors}; {TARGET}",
            "raw": {"benchmark": benchmark, "project_rate": round(project.rate, 1),
                    "project_p50_ms": round(project.p50, 2), "project_p99_ms": round(project.p99, 2),
                    "project_errors": project.errors, "baseline_rate": round(baseline.rate, 1),
                    "baseline_p99_ms": round(baseline.p99, 2), "ratio": round(ratio, 3)}}
