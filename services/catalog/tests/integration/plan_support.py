"""Query plans worth asserting on: PostgreSQL's ``EXPLAIN`` after a catalog of a realistic shape was written and
``ANALYZE``d in the test's own transaction (rolled back afterwards). On the tiny tables of the shared test database
the planner would happily walk every published track through ``ix_tracks_status_*`` — costed as one row — where
a real catalog makes it look a page's tracks up by their own indexes; statistics of a few thousand rows show which
plan it really chooses."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert, text

from services.catalog.plays.models import Play
from services.catalog.tracks.models import PUBLISHED, Artist, PageGenre, Track, TrackCredit, TrackGenre
from services.common.persistence import new_id

#: indexes that list every published track: a plan reading one of them for a page's question reads the catalog
WHOLE_CATALOG_INDEXES = ("ix_tracks_status_newest", "ix_tracks_status_popular", "ix_tracks_status_created",
                         "ix_tracks_published")


def seed_catalog(uow, artists: int = 300, tracks: int = 3000, listeners: int = 1000, plays: int = 8000) -> None:
    """``tracks`` published tracks of ``artists`` pages in 50 genres, one in ten crediting another page, and
    ``plays`` counted plays by ``listeners`` over the last 120 days; then the tables' statistics."""
    rng = random.Random(13)
    now = datetime.now(timezone.utc)
    session = uow.session
    artist_ids = [new_id() for _ in range(artists)]
    session.execute(insert(Artist), [{"id": artist_id, "name": f"Seed {n}", "name_key": f"seed {n}"}
                                     for n, artist_id in enumerate(artist_ids)])
    track_rows = [{"id": new_id(), "artist_id": artist_ids[n % artists], "producer_user_id": new_id(),
                   "name": f"Seed {n}", "bpm": 120, "key": "A", "scale": "minor", "licensing_model": "standard",
                   "audio_key": "uploads/x/a.wav", "size_bytes": 1, "status": PUBLISHED,
                   "created_at": now - timedelta(minutes=n), "published_at": now - timedelta(minutes=n)}
                  for n in range(tracks)]
    session.execute(insert(Track), track_rows)
    session.execute(insert(TrackGenre), [{"track_id": row["id"], "genre": f"seed-{n % 50}"}
                                         for n, row in enumerate(track_rows)])
    session.execute(insert(TrackCredit), [{"track_id": row["id"], "artist_id": artist_ids[(n + 1) % artists]}
                                          for n, row in enumerate(track_rows) if n % 10 == 0])
    pages = {(row["artist_id"], f"seed-{n % 50}") for n, row in enumerate(track_rows)}
    pages |= {(artist_ids[(n + 1) % artists], f"seed-{n % 50}") for n in range(0, tracks, 10)}
    session.execute(insert(PageGenre), [{"artist_id": artist_id, "genre": genre} for artist_id, genre in pages])
    people = [new_id() for _ in range(listeners)]
    session.execute(insert(Play), [{"track_id": rng.choice(track_rows)["id"], "listener_user_id": rng.choice(people),
                                    "position_s": 60.0, "played_at": now - timedelta(minutes=rng.randrange(172_800))}
                                   for _ in range(plays)])
    session.execute(text("ANALYZE artists, tracks, track_genres, track_credits, page_genres, plays"))


def plan_of(uow, statement) -> str:
    """PostgreSQL's plan for ``statement`` (IN lists rendered), sequential scans priced out."""
    compiled = statement.compile(dialect=uow.session.get_bind().dialect, compile_kwargs={"render_postcompile": True})
    cursor = uow.session.connection().connection.cursor()
    cursor.execute("SET LOCAL enable_seqscan = off")
    cursor.execute("EXPLAIN " + str(compiled), compiled.params)
    return "\n".join(row[0] for row in cursor.fetchall())


def reads_the_whole_catalog(plan: str) -> bool:
    return "Seq Scan" in plan or any(index in plan for index in WHOLE_CATALOG_INDEXES)
