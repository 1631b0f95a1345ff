"""The gamification service's "now" (UTC): which month is "this month", which 365 days the activity shows."""
from __future__ import annotations

from datetime import datetime

from services.common.clock import utcnow


def now() -> datetime:
    return utcnow()
