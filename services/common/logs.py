"""Structured (JSON) logs, one object a line, with the request id of the call being served; and
a service's stderr, where every other line (tracebacks printed by eventlet's hub or the
interpreter, warnings, prints) starts with the service's name: ``[audio] Traceback ...``."""
from __future__ import annotations

import io
import json
import logging
import sys
import threading
from datetime import datetime, timezone

import eventlet.patcher

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


RAW_STDERR_FD = 2
_os = eventlet.patcher.original("os")
_thread = eventlet.patcher.original("_thread")


class NamedStderr(io.TextIOBase):
    """``sys.stderr`` of a service: writes each complete line to the process's stderr as
    ``[<service>] <line>``, in one ``write`` system call.

    It is written from green threads and from OS threads (a warning raised in ``eventlet.tpool``), so
    it takes no lock at all: unfinished lines wait in a buffer per OS thread."""

    def __init__(self, service: str, fd: int = RAW_STDERR_FD):
        super().__init__()
        self.prefix = f"[{service}] "
        self.fd = fd
        self._partial: dict[int, str] = {}  # OS thread id -> text after its last newline

    def write(self, text: str) -> int:
        thread_id = _thread.get_ident()
        *lines, rest = (self._partial.pop(thread_id, "") + text).split("\n")
        if rest:
            self._partial[thread_id] = rest
        if lines:
            self._write_raw("".join(f"{self.prefix}{line}\n" for line in lines))
        return len(text)

    def flush(self) -> None:
        rest = self._partial.pop(_thread.get_ident(), "")
        if rest:
            self._write_raw(f"{self.prefix}{rest}\n")

    def _write_raw(self, text: str) -> None:
        data = text.encode("utf-8", "backslashreplace")
        while data:
            data = data[_os.write(self.fd, data):]

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def isatty(self) -> bool:
        return _os.isatty(self.fd)

    @property
    def encoding(self) -> str:
        return "utf-8"

    @property
    def errors(self) -> str:
        return "backslashreplace"


def name_stderr_lines(service: str) -> None:
    """Route everything written to ``sys.stderr`` through ``NamedStderr``; the JSON log lines,
    which name the service already, keep going to the raw stream (``configure``)."""
    sys.stderr = NamedStderr(service)


def configure(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.__stderr__)  # raw: each line is a JSON object naming the service
    handler.setFormatter(JsonFormatter(service))
    handler.addFilter(RefusalsAreNotErrors())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("amqp", "kombu", "nameko", "sqlalchemy.engine"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
