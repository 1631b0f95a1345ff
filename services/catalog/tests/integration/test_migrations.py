"""The Alembic history builds exactly the schema the models describe, on PostgreSQL and SQLite."""
import pytest
from sqlalchemy import create_engine, inspect

from services.common.db import normalize_url
from tests.support.migrations import MigrationChecks

pytestmark = pytest.mark.integration


class TestMigrations(MigrationChecks):
    service = "catalog"
    tables = {"artists", "artist_images", "collections", "tracks", "track_genres"}
    tables |= {"plays", "play_windows", "listening_history"}  # plays and history
    tables |= {"track_likes", "collection_likes", "producer_likes", "reposts", "playlists", "playlist_tracks",
               "comments"}  # community
    tables |= {"beat_requests", "beat_request_responses", "notifications"}  # 0004_beat_requests
    tables |= {"artist_follows", "artist_follower_notices", "analytics_reports"}  # 0009_artist_follows


def test_0005_gives_tracks_their_stems_and_last_exclusive_sale(catalog_db):
    engine = create_engine(normalize_url(catalog_db))
    try:
        columns = {column["name"]: column for column in inspect(engine).get_columns("tracks")}
    finally:
        engine.dispose()
    added = ("stems_key", "stems", "stems_uploaded_at", "exclusive_sale")
    assert all(columns[name]["nullable"] for name in added)  # existing tracks have none
