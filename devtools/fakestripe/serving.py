"""A Werkzeug server on real OS threads, even in an eventlet-monkey-patched process (our test runs patch).

Under eventlet, green threads never get scheduled while Werkzeug's serve_forever sits in a real `select`
(the hang we hit), so the accept loop and every request run on unpatched OS threads instead."""

from __future__ import annotations

import threading
from types import ModuleType
from typing import Any, Callable

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler


def _os_threading() -> ModuleType:
    try:
        from eventlet import patcher
    except ImportError:
        return threading
    return patcher.original("threading")


_threading = _os_threading()


class QuietHandler(WSGIRequestHandler):
    def log(self, type: str, message: str, *args: Any) -> None:  # keep test output readable
        pass


class OSThreadServer(ThreadedWSGIServer):
    thread: Any = None

    def stop(self) -> None:
        # socketserver's shutdown() waits on a (green, when patched) Event set from the OS thread, which never
        # wakes; raise the flag and join the real thread instead.
        self._BaseServer__shutdown_request = True  # type: ignore[attr-defined]
        if self.thread is not None:
            self.thread.join(timeout=5)
        self.server_close()

    def process_request(self, request: Any, client_address: Any) -> None:
        t = _threading.Thread(target=self.process_request_thread, args=(request, client_address), daemon=True)
        t.start()


def run_together(tasks: list[Callable[[], Any]], timeout: float = 60) -> None:
    """Run the tasks at the same moment and wait for them all. They run on the process's own threading (green
    threads when eventlet has patched it, so a receiver in this very process keeps being scheduled), released
    together by a barrier."""
    if not tasks:
        return
    barrier = threading.Barrier(len(tasks))

    def start(task: Callable[[], Any]) -> None:
        barrier.wait()
        task()

    threads = [threading.Thread(target=start, args=(task,), daemon=True) for task in tasks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)


def serve(app: Callable[..., Any], host: str = "127.0.0.1", port: int = 0) -> OSThreadServer:
    """Start serving `app` in the background; stop with .stop()."""
    server = OSThreadServer(host, port, app, handler=QuietHandler)
    server.thread = _threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                      name="fakestripe-http", daemon=True)
    server.thread.start()
    return server
