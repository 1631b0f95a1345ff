"""Gunicorn settings for the gateway: ``gunicorn -c deploy/gunicorn.conf.py gateway.wsgi:app``.

One file for every way the gateway runs: ``make run`` (devtools.platform), the end-to-end tests, the
container (``deploy/docker-entrypoint.sh gateway``) and Kubernetes. Every value comes from the environment
and the defaults suit a developer laptop (loopback only, 2 workers × 8 threads); the containers set
``GATEWAY_BIND=0.0.0.0:8000``.

| variable                     | default          | gunicorn setting |
|------------------------------|------------------|------------------|
| ``GATEWAY_BIND``             | ``127.0.0.1:8000`` | bind (comma-separated for several) |
| ``GATEWAY_WORKERS``          | ``2``            | workers          |
| ``GATEWAY_THREADS``          | ``8``            | threads (gthread: one RPC connection per thread) |
| ``GATEWAY_TIMEOUT_S``        | ``30``           | timeout (a worker silent this long is restarted) |
| ``GATEWAY_GRACEFUL_TIMEOUT_S`` | ``30``         | graceful_timeout (in-flight requests on SIGTERM) |
| ``GATEWAY_KEEPALIVE_S``      | ``5``            | keepalive        |
| ``GATEWAY_CONTROL_SOCKET``   | unset (disabled) | control_socket (gunicornc); off: nothing written under $HOME |
| ``LOG_LEVEL``                | ``INFO``         | loglevel         |

Logs: the access log is one JSON object per line on stdout, gunicorn's own (error) log one JSON object per line
on stderr, with the same ``ts``/``level``/``service``/``logger``/``msg`` keys as the services' logs.

Only names that are gunicorn settings are read by gunicorn; helpers start with ``_``.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import traceback
from datetime import datetime, timezone

from gunicorn.glogging import Logger

# silences eventlet's import-time deprecation warning (nameko is pinned to 2.14 on purpose)
import services.common as _services_common  # noqa: F401,E402


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return default if value is None or value.strip() == "" else value.strip()


def _env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = _env(name, str(default))
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"configuration error: {name}={raw!r} is not an integer; set it to a whole number") from None
    if value < minimum:
        raise SystemExit(f"configuration error: {name}={value} must be at least {minimum}")
    return value


bind = [address.strip() for address in _env("GATEWAY_BIND", "127.0.0.1:8000").split(",") if address.strip()]
worker_class = "gthread"
workers = _env_int("GATEWAY_WORKERS", 2, minimum=1)
threads = _env_int("GATEWAY_THREADS", 8, minimum=1)
timeout = _env_int("GATEWAY_TIMEOUT_S", 30, minimum=1)
graceful_timeout = _env_int("GATEWAY_GRACEFUL_TIMEOUT_S", 30, minimum=0)
keepalive = _env_int("GATEWAY_KEEPALIVE_S", 5, minimum=0)
proc_name = "beatpass-gateway"
# never preload: each worker must open its own broker connections after the fork
preload_app = False
# the heartbeat file on a RAM disk (a container's /tmp may be a slow overlay); None = the default temp dir
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

_control_socket = os.environ.get("GATEWAY_CONTROL_SOCKET", "").strip()
if _control_socket:
    control_socket = _control_socket
    control_socket_disable = False
else:
    control_socket_disable = True

# The gateway logs every request itself (logger gateway.access, with its request id), so gunicorn's
# own access log is off unless GATEWAY_ACCESS_LOG=1: one JSON line per request, not two.
accesslog = "-" if _env("GATEWAY_ACCESS_LOG", "0") == "1" else None  # stdout
errorlog = "-"  # stderr
loglevel = _env("LOG_LEVEL", "INFO").lower()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class _JsonFormatter(logging.Formatter):
    """gunicorn's own messages (boot, worker exits, timeouts) as JSON lines."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": "gateway",
            "logger": record.name,
            "msg": record.getMessage(),
            "pid": record.process,
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def _headers(items) -> dict[str, str]:
    if items is None:
        return {}
    if hasattr(items, "items"):
        items = items.items()
    return {str(name).lower(): str(value) for name, value in items}


def access_entry(resp, req, environ, request_time) -> dict:
    """The access-log record of one request (the query string is left out: it may carry tokens)."""
    status = resp.status
    if isinstance(status, str):
        status = status.split(None, 1)[0]
    try:
        status = int(status)
    except (TypeError, ValueError):
        pass
    request_headers = _headers(getattr(req, "headers", None))
    response_headers = _headers(getattr(resp, "headers", None))
    entry = {
        "ts": _now(),
        "level": "info",
        "service": "gateway",
        "logger": "gunicorn.access",
        "msg": "request",
        "method": environ.get("REQUEST_METHOD"),
        "path": environ.get("PATH_INFO"),
        "protocol": environ.get("SERVER_PROTOCOL"),
        "status": status,
        "bytes": getattr(resp, "sent", None),
        "duration_ms": round(request_time.total_seconds() * 1000, 3),
        "remote_addr": environ.get("REMOTE_ADDR"),
        "user_agent": environ.get("HTTP_USER_AGENT"),
    }
    request_id = response_headers.get("x-request-id") or request_headers.get("x-request-id")
    if request_id:
        entry["request_id"] = request_id
    forwarded_for = request_headers.get("x-forwarded-for")
    if forwarded_for:
        entry["forwarded_for"] = forwarded_for
    return entry


class JsonLogger(Logger):
    """gunicorn's Logger with JSON lines: access log on stdout, error log on stderr."""

    def setup(self, cfg):
        super().setup(cfg)
        for handler in self.error_log.handlers:
            if getattr(handler, "_gunicorn", False):
                handler.setFormatter(_JsonFormatter())

    def access(self, resp, req, environ, request_time):
        if not getattr(self, "access_log_enabled", True):
            return
        try:
            self.access_log.info(json.dumps(access_entry(resp, req, environ, request_time), default=str))
        except Exception:
            self.error(traceback.format_exc())


logger_class = JsonLogger


def on_starting(server) -> None:
    """The master refuses to start without a download-URL secret: every worker (and replica) must sign and
    check /api/v1/files/<token> with the same one (gateway/settings.py says why there is no fallback). Then it
    deletes what a killed gateway left in the media store (gateway/leftovers.py)."""
    from gateway.settings import require_download_secret

    require_download_secret(os.environ.get("DOWNLOAD_URL_SECRET"))
    _sweep_leftovers(server)


def _sweep_leftovers(server) -> None:
    from pathlib import Path

    from gateway import leftovers
    from gateway import settings as gateway_settings
    from services.common.media import GATEWAY, MediaStore

    settings = gateway_settings.load({"JWT_SECRET": "not read here"})  # the sweep signs nothing
    media = MediaStore(Path(settings["MEDIA_ROOT"]), owner=GATEWAY)
    age = leftovers.max_age_s(float(settings["UPLOAD_MAX_SECONDS"]), float(settings["RECON_TIMEOUT_S"]))
    try:
        removed = leftovers.sweep(media, age)
    except OSError as exc:  # a media store that cannot be read now is the requests' problem, not the start's
        server.log.warning("could not sweep leftover uploads in %s: %s", media.root, exc)
        return
    if removed:
        server.log.info("removed %d leftover upload(s) of killed requests from %s", len(removed), media.root)


def worker_exit(server, worker) -> None:
    """At the very end of a worker process, leave at once instead of through interpreter shutdown.

    By now the worker has served its in-flight requests (up to graceful_timeout) and closed its sockets.
    Interpreter shutdown would then join every request thread, and one stuck for good (say, on a broker
    that stopped answering) would keep the worker alive forever — deaf to SIGTERM, its parent gone,
    still holding the gateway's port. gunicorn also calls this hook in the master for a worker it reaped:
    there it does nothing.
    """
    if os.getpid() != worker.pid:
        return
    exc = sys.exc_info()[1]  # the SystemExit the worker is leaving with
    code = exc.code if isinstance(exc, SystemExit) and isinstance(exc.code, int) else (0 if exc is None else 1)
    logging.shutdown()  # flush every handler, gunicorn's "Worker exiting" line included
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code & 0xFF)
