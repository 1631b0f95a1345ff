"""The payouts migrations build exactly the models, on PostgreSQL and SQLite, and go down and up again."""
from __future__ import annotations

import pytest

from tests.support.migrations import MigrationChecks

pytestmark = pytest.mark.integration


class TestMigrations(MigrationChecks):
    service = "payouts"
    tables = {"connect_accounts", "ledger_entries", "revenue", "refunds", "tracks", "track_artists", "plays",
              "play_counts", "runs", "splits", "connect_payouts", "processed_stripe_events"}
