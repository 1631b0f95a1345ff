"""Structured logs: one JSON object a line; a refusal (ServiceError) is not logged as an error."""
from __future__ import annotations

import io
import json
import logging

from services.common.logs import JsonFormatter, RefusalsAreNotErrors
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
