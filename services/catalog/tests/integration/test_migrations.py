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
    tables |= {"artist_follows", "artist_follower_notices", "analytics_reports"}  # 0009_artist_follows
    tables |= {"track_credits", "page_genres"}  # 0010: Discography and Similar Artists


def test_0005_gives_tracks_their_stems_and_last_exclusive_sale(catalog_db):
    engine = create_engine(normalize_url(catalog_db))
    try:
        columns = {column["name"]: column for column in inspect(engine).get_columns("tracks")}
    finally:
        engine.dispose()
    added = ("stems_key", "stems", "stems_uploaded_at", "exclusive_sale")
    assert all(columns[name]["nullable"] for name in added)  # existing tracks have none


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_0008_stores_preset_covers_as_preset_ids(dialect, pg, tmp_path):
    """A track's genre-name preset becomes that genre's first preset; a name matching no genre takes the preset of
    the track's first genre that does, else the default genre's."""
    import json
    import uuid

    from alembic import command
    from sqlalchemy import text

    from services.common.db import make_engine
    from services.common.migrate import alembic_config, upgrade

    url = (pg.create(f"catalog_presets_{uuid.uuid4().hex[:8]}") if dialect == "postgresql"
           else f"sqlite:///{tmp_path / 'catalog.db'}")
    upgrade("catalog", url)
    command.downgrade(alembic_config("catalog", url), "0007")
    artist = str(uuid.uuid4())
    stored = {"Trap": ["trap"], "lo fi": [], "Jazz": ["Jazz", "Boom Bap"], "polka": ["polka"], "drill-2": []}
    ids = {value: str(uuid.uuid4()) for value in stored}
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO artists (id, name, verified, genres, links, credits, created_at) "
                              "VALUES (:id, 'A', false, '[]', '[]', '[]', CURRENT_TIMESTAMP)"), {"id": artist})
            for value, genres in stored.items():
                conn.execute(text(
                    "INSERT INTO tracks (id, artist_id, producer_user_id, name, artists, collaborators, bpm, key, "
                    "scale, genres, tags, licensing_model, cover_preset, audio_key, size_bytes, status, "
                    "suspected_lossy_source, play_count, like_count, repost_count, metadata_completeness, "
                    "search_text, created_at) VALUES (:id, :artist, :artist, 'T', '[]', '[]', 100, 'C', 'major', "
                    ":genres, '[]', 'standard', :preset, 'uploads/x.wav', 1, 'published', false, 0, 0, 0, 0, '', "
                    "CURRENT_TIMESTAMP)"),
                    {"id": ids[value], "artist": artist, "genres": json.dumps(genres), "preset": value})
        upgrade("catalog", url)
        with engine.connect() as conn:
            found = dict(conn.execute(text("SELECT id, cover_preset FROM tracks")).all())
            collections = {column["name"]: column for column in inspect(conn).get_columns("collections")}
    finally:
        engine.dispose()
    assert {value: found[track_id] for value, track_id in ids.items()} == {
        "Trap": "trap-1", "lo fi": "lo-fi-1", "Jazz": "boom-bap-1", "polka": "hip-hop-1", "drill-2": "drill-2"}
    assert collections["cover_key"]["nullable"] and collections["cover_preset"]["nullable"]


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
