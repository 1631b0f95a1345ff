"""Kubernetes probe for a service pod: ``python -m deploy.probe`` (exit 0 healthy, 1 not).

A nameko service serves no HTTP, so the probe checks what a working service always has: an established TCP
connection from this pod to the broker (the port of ``AMQP_URI``; 5672, or 5671 for ``amqps``). It reads the
pod's own socket table (/proc/net/tcp and tcp6) and sends nothing, so a probe costs no broker work and one
pod's probe says nothing about another pod. A service whose connection is gone — the broker restarted and it
did not reconnect — fails it; the liveness probe then restarts the pod after a few minutes of that.
"""
from __future__ import annotations

import sys
import urllib.parse
from pathlib import Path

ESTABLISHED = "01"
TABLES = ("/proc/net/tcp", "/proc/net/tcp6")


def broker_port(amqp_uri: str) -> int:
    parts = urllib.parse.urlsplit(amqp_uri)
    if parts.port:
        return parts.port
    return 5671 if parts.scheme in ("amqps", "pyamqps") else 5672


def established_remote_ports(table: str) -> set[int]:
    """Remote ports of the ESTABLISHED connections in a /proc/net/tcp(6) table."""
    ports: set[int] = set()
    for line in table.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 4 or fields[3] != ESTABLISHED:
            continue
        _, _, port_hex = fields[2].rpartition(":")
        try:
            ports.add(int(port_hex, 16))
        except ValueError:
            continue
    return ports


def connected(port: int, tables: tuple[str, ...]) -> bool:
    return any(port in established_remote_ports(table) for table in tables)


def main(argv: list[str] | None = None) -> int:
    from services.common import config

    port = broker_port(config.amqp_uri())
    tables = tuple(Path(path).read_text() for path in TABLES if Path(path).exists())
    if connected(port, tables):
        return 0
    print(f"no established connection to the broker port {port}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
