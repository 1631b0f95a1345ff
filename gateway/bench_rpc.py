"""Compare gateway.rpc.RpcClient with nameko's ClusterRpcProxy on a bare echo service.

    .venv/bin/python -m gateway.bench_rpc [--seconds 5] [--threads 16] [--rounds 2]

Starts the echo service in a subprocess, then runs each client from N real (unpatched) threads, as
gunicorn's gthread workers do, back to back for a fixed time after a warm-up; prints calls/s, p50
and p99. Results and the choice they support: gateway/RPC_CLIENT.md.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from typing import Callable

SERVICE = "gateway_bench_echo"
PAYLOAD = {"id": "3f0e2c1a-2b7d-4c55-9a43-0d5c8f6e1b20", "email": "bench@example.com", "roles": ["listener"]}


def serve(amqp_uri: str) -> None:
    import eventlet

    eventlet.monkey_patch()
    from nameko.rpc import rpc
    from nameko.runners import ServiceRunner

    class Echo:
        name = SERVICE

        @rpc
        def echo(self, value):
            return value

    # more workers than client threads: the service never queues a call
    runner = ServiceRunner({"AMQP_URI": amqp_uri, "serializer": "json", "max_workers": 32})
    runner.add_service(Echo)
    runner.start()
    runner.wait()


def measure(make_call: Callable[[], Callable[[], object]], threads: int, seconds: float,
            warmup: float = 1.5) -> tuple[float, float, float, int]:
    """(calls/s, p50 ms, p99 ms, errors) of ``threads`` closed-loop callers."""
    gate = threading.Barrier(threads + 1)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    window: dict[str, float] = {}

    def worker() -> None:
        call = make_call()
        gate.wait()
        own: list[float] = []
        failed = 0
        while True:
            started = time.perf_counter()
            if started >= window["end"]:
                break
            try:
                ok = call() == PAYLOAD
            except Exception:  # noqa: BLE001 - counted, not fatal
                ok = False
            if started >= window["start"]:
                if ok:
                    own.append((time.perf_counter() - started) * 1000)
                else:
                    failed += 1
        with lock:
            latencies.extend(own)
            errors[0] += failed

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    now = time.perf_counter()
    window.update(start=now + warmup, end=now + warmup + seconds)
    gate.wait()
    for thread in pool:
        thread.join()
    latencies.sort()
    p50 = latencies[len(latencies) // 2] if latencies else float("nan")
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else float("nan")
    return len(latencies) / seconds, p50, p99, errors[0]


Factory = Callable[[str], tuple[Callable[[], Callable[[], object]], Callable[[], None]]]


def gateway_client(amqp_uri: str):
    from gateway.rpc import RpcClient

    client = RpcClient(amqp_uri, timeout=5)  # one client, a connection per thread inside

    def make_call() -> Callable[[], object]:
        return lambda: client.call(SERVICE, "echo", [PAYLOAD], context={"request_id": "bench"})

    return make_call, client.close


def nameko_proxy(amqp_uri: str):
    from nameko.standalone.rpc import ClusterRpcProxy

    proxies: list[ClusterRpcProxy] = []

    def make_call() -> Callable[[], object]:
        proxy = ClusterRpcProxy({"AMQP_URI": amqp_uri, "serializer": "json"}, timeout=5)
        proxies.append(proxy)
        cluster = proxy.start()
        return lambda: cluster[SERVICE].echo(PAYLOAD)

    def close() -> None:
        for proxy in proxies:
            proxy.stop()

    return make_call, close


def wait_for_service(amqp_uri: str) -> None:
    from gateway.rpc import RpcClient, RpcFailure

    client = RpcClient(amqp_uri, timeout=1)
    deadline = time.monotonic() + 30
    while True:
        try:
            client.call(SERVICE, "echo", [PAYLOAD])
            client.close()
            return
        except RpcFailure:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    amqp_uri = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    if args.serve:
        serve(amqp_uri)
        return

    service = subprocess.Popen([sys.executable, "-m", "gateway.bench_rpc", "--serve"])
    try:
        wait_for_service(amqp_uri)
        print(f"{args.threads} threads, {args.seconds:g} s per run, echo of a {len(str(PAYLOAD))}-char dict")
        print(f"{'client':<34}{'calls/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
        clients: dict[str, Factory] = {"gateway.rpc.RpcClient": gateway_client,
                                       "nameko ClusterRpcProxy (per thread)": nameko_proxy}
        for _ in range(args.rounds):
            for name, factory in clients.items():
                for threads in sorted({1, args.threads}):
                    make_call, close = factory(amqp_uri)
                    try:
                        rate, p50, p99, errors = measure(make_call, threads, args.seconds)
                    finally:
                        close()
                    label = f"{name} x{threads}"
                    print(f"{label:<34}{rate:>10.0f}{p50:>9.2f}{p99:>9.2f}{errors:>8}", flush=True)
    finally:
        service.terminate()
        service.wait(10)


if __name__ == "__main__":
    main()
