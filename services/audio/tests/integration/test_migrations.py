"""The Alembic history builds exactly the schema the models describe, on PostgreSQL and SQLite."""
import pytest

from tests.support.migrations import assert_fresh_sqlite, assert_matches_models, assert_round_trip

pytestmark = pytest.mark.integration

TABLES = {"fingerprints", "deleted_tracks", "outbox", "processed_events"}


def test_the_service_database_matches_the_models(audio_db):
    assert_matches_models("audio", audio_db, TABLES)


def test_a_fresh_postgresql_database_upgrades_downgrades_and_upgrades_again(pg):
    assert_round_trip("audio", pg.create("audio_migrations"), TABLES)


def test_a_fresh_sqlite_file_upgrades_to_the_models(tmp_path):
    assert_fresh_sqlite("audio", tmp_path, TABLES)
