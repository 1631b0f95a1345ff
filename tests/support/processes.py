"""Finding the processes a test started, however deep in the tree and whoever their parent is now:
the test gives them a unique environment variable, which every descendant inherits."""
from __future__ import annotations

import os
import signal
import socket
from pathlib import Path


def marked(name: str, value: str) -> list[int]:
    """Live (not zombie) processes whose environment holds ``name=value``."""
    needle = f"{name}={value}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue  # gone meanwhile, or not ours to read
        if state != "Z":
            pids.append(int(entry.name))
    return pids


def describe(pids: list[int]) -> str:
    lines = []
    for pid in pids:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            ppid = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]
        except OSError:
            continue
        lines.append(f"{pid} (parent {ppid}): {cmdline}")
    return "\n".join(lines)


def kill_marked(name: str, value: str) -> None:
    """Clean-up after a failed test: SIGKILL what it started and left behind."""
    for pid in marked(name, value):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds: TIME_WAIT does not count
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True
