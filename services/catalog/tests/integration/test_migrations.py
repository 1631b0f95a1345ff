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
    tables |= {"track_credits", "page_genres"}  # 0010: Discography and Similar Artists


def test_0005_gives_tracks_their_stems_and_last_exclusive_sale(catalog_db):
    engine = create_engine(normalize_url(catalog_db))
    try:
        columns = {column["name"]: column for column in inspect(engine).get_columns("tracks")}
    finally:
        engine.dispose()
    added = ("stems_key", "stems", "stems_uploaded_at", "exclusive_sale")
    assert all(columns[name]["nullable"] for name in added)  # existing tracks have none


def test_0010_fills_the_credits_and_the_pages_genres_from_the_tracks_there_are(pg):
    """Tracks uploaded before 0010: their credited pages become rows of track_credits (a page that no longer
    exists is skipped), and every page's genres those of its published tracks, uploaded or credited on."""
    from alembic import command
    from sqlalchemy import text

    from services.common.migrate import alembic_config

    url = pg.create("catalog_0010")
    command.upgrade(alembic_config("catalog", url), "0007")
    engine = create_engine(normalize_url(url))
    a, b, gone = "a" * 8 + "-0000-4000-8000-000000000001", "b" * 8 + "-0000-4000-8000-000000000002", \
        "c" * 8 + "-0000-4000-8000-000000000003"
    track = ("INSERT INTO tracks (id, artist_id, producer_user_id, name, artists, collaborators, bpm, key, scale,"
             " genres, tags, licensing_model, audio_key, size_bytes, status, suspected_lossy_source, play_count,"
             " metadata_completeness, search_text, created_at) VALUES (:id, :artist, :artist, 'T', '[]', :credits,"
             " 120, 'A', 'minor', '[]', '[]', 'standard', 'uploads/x', 1, :status, false, 0, 0, '', now())")
    try:
        with engine.begin() as connection:
            for artist_id in (a, b):
                connection.execute(text("INSERT INTO artists (id, name, verified, genres, links, credits, created_at)"
                                        " VALUES (:id, 'P', false, '[]', '[]', '[]', now())"), {"id": artist_id})
            for track_id, artist, credits, status, genre in (
                    ("t1", a, f'["{b}"]', "published", "trap"), ("t2", a, f'["{b}", "{b}"]', "processing", "jazz"),
                    ("t3", b, f'["{gone}"]', "published", "drill")):
                connection.execute(text(track), {"id": track_id, "artist": artist, "credits": credits,
                                                 "status": status})
                connection.execute(text("INSERT INTO track_genres (track_id, genre) VALUES (:t, :g)"),
                                   {"t": track_id, "g": genre})
        command.upgrade(alembic_config("catalog", url), "head")
        with engine.connect() as connection:
            credits = set(connection.execute(text("SELECT track_id, artist_id FROM track_credits")).all())
            genres = set(connection.execute(text("SELECT artist_id, genre FROM page_genres")).all())
    finally:
        engine.dispose()
    assert credits == {("t1", b), ("t2", b)}
    assert genres == {(a, "trap"), (b, "trap"), (b, "drill")}
