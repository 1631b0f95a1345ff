"""The licensing migrations build exactly the models, on PostgreSQL and SQLite, and go down and up again."""
from __future__ import annotations

import pytest

from tests.support.migrations import MigrationChecks

pytestmark = pytest.mark.integration


class TestMigrations(MigrationChecks):
    service = "licensing"
    tables = {"licenses", "exclusive_sales", "processed_stripe_events"}
