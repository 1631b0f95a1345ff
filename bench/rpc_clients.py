"""Compare the gateway's RpcClient with nameko's ClusterRpcProxy on the bare echo service.

    AMQP_URI=… .venv/bin/python -m bench.rpc_clients [--seconds 5] [--threads 16] [--rounds 2]

Each client runs from N real (unpatched) threads, as gunicorn's gthread workers do, back to back
for a fixed time after a warm-up. Results and the choice they support: gateway/RPC_CLIENT.md.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from typing import Callable

from bench.load import run_load
from services.common import config

SERVICE = "bench_echo"
PAYLOAD = {"id": "3f0e2c1a-2b7d-4c55-9a43-0d5c8f6e1b20", "email": "bench@example.com", "roles": ["listener"]}

Factory = Callable[[str], tuple[Callable[[], Callable[[], bool]], Callable[[], None]]]


def gateway_client(amqp_uri: str):
    from gateway.rpc import RpcClient

    client = RpcClient(amqp_uri, timeout=5)  # one client, a connection per thread inside

    def make_call() -> Callable[[], bool]:
        return lambda: client.call(SERVICE, "echo", [PAYLOAD], context={"request_id": "bench"}) == PAYLOAD

    return make_call, client.close


def nameko_proxy(amqp_uri: str):
    from nameko.standalone.rpc import ClusterRpcProxy

    proxies: list[ClusterRpcProxy] = []

    def make_call() -> Callable[[], bool]:
        proxy = ClusterRpcProxy({"AMQP_URI": amqp_uri, "serializer": "json"}, timeout=5)
        proxies.append(proxy)
        cluster = proxy.start()
        return lambda: cluster[SERVICE].echo(PAYLOAD) == PAYLOAD

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
    args = parser.parse_args()
    amqp_uri = config.amqp_uri()
    service = subprocess.Popen([sys.executable, "-m", "bench.echo_service"], env={**os.environ, "AMQP_URI": amqp_uri})
    try:
        wait_for_service(amqp_uri)
        print(f"{args.threads} threads, {args.seconds:g} s per run")
        print(f"{'client':<40}{'calls/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
        clients: dict[str, Factory] = {"gateway.rpc.RpcClient": gateway_client,
                                       "nameko ClusterRpcProxy (per thread)": nameko_proxy}
        for _ in range(args.rounds):
            for name, factory in clients.items():
                for threads in sorted({1, args.threads}):
                    make_call, close = factory(amqp_uri)
                    try:
                        result = run_load(name, make_call, threads, args.seconds, warmup=1.5)
                    finally:
                        close()
                    label = f"{name} x{threads}"
                    print(f"{label:<40}{result.rate:>10.0f}{result.p50:>9.2f}{result.p99:>9.2f}{result.errors:>8}",
                          flush=True)
    finally:
        service.terminate()
        service.wait(10)


if __name__ == "__main__":
    main()
