"""The gamification migrations build exactly the models, on PostgreSQL and SQLite, and go down and up again."""
from __future__ import annotations

import pytest

from tests.support.migrations import MigrationChecks

pytestmark = pytest.mark.integration


class TestMigrations(MigrationChecks):
    service = "gamification"
    tables = {"artists", "verified_users", "tracks", "xp_entries", "daily_activity", "licenses", "sales", "earnings",
              "collab_credits", "achievements_earned", "aggregates"}
