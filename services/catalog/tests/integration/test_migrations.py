"""The Alembic history builds exactly the schema the models describe, on PostgreSQL and SQLite."""
import pytest

from tests.support.migrations import MigrationChecks

pytestmark = pytest.mark.integration


class TestMigrations(MigrationChecks):
    service = "catalog"
    tables = {"artists", "artist_images", "collections", "tracks", "track_genres"}
    tables |= {"plays", "play_windows", "listening_history"}  # plays and history
    tables |= {"track_likes", "collection_likes", "producer_likes", "reposts", "playlists", "playlist_tracks",
               "comments"}  # community
    tables |= {"beat_requests", "beat_request_responses", "notifications"}  # 0004_beat_requests
