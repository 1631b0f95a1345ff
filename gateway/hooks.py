"""Per-request plumbing: the request id, the body-size limit, the unread body of a refusal and the access
log line."""
from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from services.common.logs import set_request_id

access_log = logging.getLogger("gateway.access")

SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")

#: liveness and readiness: polled several times a second while the platform starts (``make run``, the e2e
#: tests) and every few seconds by an orchestrator for ever after
PROBE_ENDPOINTS = frozenset({"health.health", "health.ready"})


def start_request() -> None:
    g.started = time.perf_counter()
    supplied = request.headers.get("X-Request-ID", "")
    # a client's id is kept only if it cannot forge log lines or headers downstream
    g.request_id = supplied if SANE_REQUEST_ID.fullmatch(supplied) else str(uuid.uuid4())
    set_request_id(g.request_id)


def limit_body() -> None:
    """Refuse from the declared Content-Length, before anything reads the body.

    Upload views declare a larger limit of their own (``gateway.uploads.body_limit``); for them
    Werkzeug's stream cap is raised to match, and each part is then held to its own limit.
    """
    limit = current_app.config["MAX_BODY_BYTES"]
    view = current_app.view_functions.get(request.endpoint or "")
    route_limit = getattr(view, "body_limit", None)
    if route_limit is not None:
        limit = route_limit(current_app.config)
        request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge(f"the body may be at most {limit} bytes")


def finish_request(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id:
        response.headers["X-Request-ID"] = request_id
    started = g.get("started")
    access_log.log(access_level(response.status_code), "request", extra={
        "request_id": request_id,
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
        "client_ip": request.remote_addr,
    })
    return response


#: a refusal sent before the body was read (a 403 or 404 on an upload route) reads and drops up to this much of
#: the body, within DRAIN_SECONDS: gunicorn closes a connection left with more than 64 KB unread, and a client
#: still sending its body onto a closed socket may get a reset instead of the answer
DRAIN_MAX_BYTES = 16 * 1024 * 1024
#: never wait longer for the rest of a refused body (a client that sends only headers gets its answer this late)
DRAIN_SECONDS = 0.5
DRAIN_CHUNK = 256 * 1024


def drain_refused_body(response: Response) -> Response:
    """Read what is left of a refused request's body, bounded in bytes and time, so its answer arrives."""
    sock = request.environ.get("gunicorn.socket")
    length = request.content_length
    if response.status_code < 400 or sock is None or not length or length > DRAIN_MAX_BYTES:
        return response
    previous = sock.gettimeout()
    deadline = time.monotonic() + DRAIN_SECONDS
    try:
        while (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            if not request.stream.read(DRAIN_CHUNK):
                break
    except Exception:  # noqa: BLE001 — a slow, lying or departed client: gunicorn closes its connection
        pass
    finally:
        sock.settimeout(previous)
    return response


def access_level(status: int) -> int:
    """Debug for probes: a 503 from /ready is its answer ("not ready yet", with the failing checks in the
    body), not a fault of the gateway, and one line per poll would bury the lines that matter. Else error
    for a 5xx, and info for everything else: a 4xx is the client's mistake (a wrong password is a 401)."""
    if request.endpoint in PROBE_ENDPOINTS:
        return logging.DEBUG
    return logging.ERROR if status >= 500 else logging.INFO


def forget_request_id(_exc: BaseException | None) -> None:
    set_request_id(None)  # the thread serves another request next


def register(app: Flask) -> None:
    app.before_request(start_request)  # first: every later refusal carries the id
    app.before_request(limit_body)
    app.after_request(finish_request)
    app.after_request(drain_refused_body)  # runs first (after_request runs in reverse): the log times it too
    app.teardown_request(forget_request_id)
