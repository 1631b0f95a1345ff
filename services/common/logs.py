"""Structured (JSON) logs, one object a line, with the request id of the call being served."""
from __future__ import annotations

import json
import logging
import sys
import threading
from datetime import datetime, timezone

from services.contracts.errors import ServiceError

# under eventlet's monkey patching this is green-thread local, so each worker sees its own id
_context = threading.local()


def set_request_id(request_id: str | None) -> None:
    _context.request_id = request_id


def get_request_id() -> str | None:
    return getattr(_context, "request_id", None)


class JsonFormatter(logging.Formatter):
    _STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}

    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = get_request_id()
        if request_id:
            entry["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in self._STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class RefusalsAreNotErrors(logging.Filter):
    """nameko logs every exception a worker raises as an error with its traceback. A ``ServiceError``
    is the service refusing a request (a 4xx for the client), not a fault: keep one info line, naming it."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, ServiceError):
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info, record.exc_text = None, None
            record.refusal = type(error).__name__
        return True


def configure(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    handler.addFilter(RefusalsAreNotErrors())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("amqp", "kombu", "nameko", "sqlalchemy.engine"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
