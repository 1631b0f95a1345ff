"""A WSGI app whose ``/stuck`` request never returns (as a thread blocked for good on a dead peer would),
for testing how a gateway worker ends. Everything else answers 200."""
from __future__ import annotations

import threading

_never = threading.Event()


def app(environ, start_response):
    if environ.get("PATH_INFO") == "/stuck":
        _never.wait()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
