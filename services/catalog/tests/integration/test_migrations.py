"""The Alembic history builds exactly the schema the models describe, on PostgreSQL and SQLite."""
import pytest

from tests.support.migrations import assert_fresh_sqlite, assert_matches_models, assert_round_trip

pytestmark = pytest.mark.integration

TABLES = {"artists", "artist_images", "collections", "tracks", "track_genres", "outbox", "processed_events"}
TABLES |= {"plays", "play_windows", "listening_history"}  # plays and history
TABLES |= {"track_likes", "collection_likes", "producer_likes", "reposts", "playlists", "playlist_tracks",
           "comments"}  # community
TABLES |= {"beat_requests", "beat_request_responses", "notifications"}  # 0004_beat_requests


def test_the_service_database_matches_the_models(catalog_db):
    assert_matches_models("catalog", catalog_db, TABLES)


def test_a_fresh_postgresql_database_upgrades_downgrades_and_upgrades_again(pg):
    assert_round_trip("catalog", pg.create("catalog_migrations"), TABLES)


def test_a_fresh_sqlite_file_upgrades_to_the_models(tmp_path):
    assert_fresh_sqlite("catalog", tmp_path, TABLES)
