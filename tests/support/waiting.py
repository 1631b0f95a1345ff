"""Waiting for something a service does in its own time (an event handled, a process restarted)."""
from __future__ import annotations

import time
from typing import Any, Callable


def wait_until(check: Callable[[], Any], timeout: float = 15.0, what: str = "condition", poll_s: float = 0.05) -> Any:
    """``check()``'s first truthy result; AssertionError naming ``what`` when ``timeout`` seconds pass first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(poll_s)
    raise AssertionError(f"{what}: not met within {timeout} s")
