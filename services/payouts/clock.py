"""The payouts service's "now": UTC, moved ahead by ``PAYOUTS_CLOCK_OFFSET_S`` seconds (default 0).

A run pays only a month that has ended, while everything a month is made of (plays, invoices, sales) is dated
by the services that record it, at the real time. The end-to-end tests run payouts a month ahead so the month
they play in has ended for payouts alone (docs/testing.md, "Paying a month in the end-to-end tests"). In
production the offset is 0; a non-zero one is logged as a warning at start.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from services.common.clock import utcnow
from services.common.config import env_int

log = logging.getLogger(__name__)

OFFSET = timedelta(seconds=env_int("PAYOUTS_CLOCK_OFFSET_S", 0))


def now() -> datetime:
    return utcnow() + OFFSET


def warn_if_moved() -> None:
    if OFFSET:
        log.warning("PAYOUTS_CLOCK_OFFSET_S=%d: this payouts service's clock stands %s ahead of real time "
                    "(for tests only; unset it in production)", OFFSET.total_seconds(), OFFSET)
