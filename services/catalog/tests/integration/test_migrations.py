"""The Alembic history builds exactly the schema the models describe, on PostgreSQL and SQLite."""
import uuid
from datetime import datetime, timezone

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from services.common.db import normalize_url
from services.common.migrate import alembic_config
from tests.support.migrations import MigrationChecks

pytestmark = pytest.mark.integration


class TestMigrations(MigrationChecks):
    service = "catalog"
    tables = {"artists", "artist_images", "collections", "tracks", "track_genres"}
    tables |= {"plays", "play_windows", "listening_history"}  # plays and history
    tables |= {"track_likes", "collection_likes", "producer_likes", "reposts", "playlists", "playlist_tracks",
               "comments"}  # community
    tables |= {"beat_requests", "beat_request_responses", "notifications"}  # 0004_beat_requests


def test_0005_gives_tracks_their_stems_and_last_exclusive_sale(catalog_db):
    engine = create_engine(normalize_url(catalog_db))
    try:
        columns = {column["name"]: column for column in inspect(engine).get_columns("tracks")}
    finally:
        engine.dispose()
    added = ("stems_key", "stems", "stems_uploaded_at", "exclusive_sale")
    assert all(columns[name]["nullable"] for name in added)  # existing tracks have none


def test_0011_keeps_todays_pages_and_their_order_and_makes_them_searchable(pg):
    """Pages that existed before 0011 get their name key and, when owned, the date they were made as the date
    their account got them; afterwards an account may own a second page."""
    url = pg.create("catalog_0011")
    config = alembic_config("catalog", url)
    command.upgrade(config, "0007")
    engine = create_engine(normalize_url(url))
    owner, made = str(uuid.uuid4()), datetime(2026, 1, 2, tzinfo=timezone.utc)
    try:
        with engine.begin() as db:
            for artist_id, user_id, name in (("a1", owner, "Beyoncé  BEATS"), ("a2", None, "Old Legend")):
                db.execute(text("INSERT INTO artists (id, user_id, name, verified, genres, links, credits, created_at)"
                                " VALUES (:id, :user_id, :name, false, '[]', '[]', '[]', :made)"),
                           {"id": artist_id, "user_id": user_id, "name": name, "made": made})
        command.upgrade(config, "0011")
        with engine.begin() as db:
            rows = {row.id: row for row in db.execute(text("SELECT id, name_key, claimed_at FROM artists"))}
            assert (rows["a1"].name_key, rows["a1"].claimed_at) == ("beyonce beats", made)
            assert (rows["a2"].name_key, rows["a2"].claimed_at) == ("old legend", None)
            db.execute(text("INSERT INTO artists (id, user_id, name, name_key, verified, genres, links, credits, "
                            "created_at) VALUES ('a3', :owner, 'Alias', 'alias', false, '[]', '[]', '[]', :made)"),
                       {"owner": owner, "made": made})  # a second page of the same account
    finally:
        engine.dispose()
