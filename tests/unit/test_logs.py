"""Structured logs: one JSON object a line; a refusal (ServiceError) is not logged as an error; every
other stderr line names the service."""
from __future__ import annotations

import io
import json
import logging
import os

import eventlet.patcher

from services.common.logs import JsonFormatter, NamedStderr, RefusalsAreNotErrors
from services.contracts.errors import Conflict


def emit(exc: BaseException) -> dict:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("accounts"))
    handler.addFilter(RefusalsAreNotErrors())
    logger = logging.getLogger(f"test.logs.{id(exc)}")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        raise exc
    except BaseException:
        logger.exception("error handling worker")
    return json.loads(stream.getvalue())


def test_a_refusal_is_one_info_line_without_traceback() -> None:
    entry = emit(Conflict("you already have a subscription"))
    assert entry["level"] == "info" and entry["refusal"] == "Conflict" and "exc" not in entry


def test_a_fault_keeps_its_level_and_traceback() -> None:
    entry = emit(RuntimeError("database went away"))
    assert entry["level"] == "error" and "RuntimeError: database went away" in entry["exc"]


def test_named_stderr_prefixes_every_line_and_keeps_unfinished_lines_per_thread() -> None:
    read_end, write_end = os.pipe()
    stderr = NamedStderr("audio", write_end)
    stderr.write("Traceback (most recent call last):\n  File")
    # a real OS thread (as eventlet.tpool's), not a green one: this process is monkey-patched
    other = eventlet.patcher.original("threading").Thread(target=lambda: stderr.write("a line from another thread\n"))
    other.start()
    other.join()
    stderr.write(' "x.py", line 1\nRuntimeError: boom\n')
    stderr.write("no newline yet")
    stderr.flush()
    os.close(write_end)
    with os.fdopen(read_end) as out:
        assert out.read().splitlines() == ["[audio] Traceback (most recent call last):",
                                           "[audio] a line from another thread",
                                           '[audio]   File "x.py", line 1',
                                           "[audio] RuntimeError: boom",
                                           "[audio] no newline yet"]
