"""The Alembic history builds exactly the schema the models describe, on PostgreSQL and SQLite."""
import pytest

from tests.support.migrations import MigrationChecks

pytestmark = pytest.mark.integration


class TestMigrations(MigrationChecks):
    service = "audio"
    tables = {"fingerprints", "fingerprint_items", "deleted_tracks"}
