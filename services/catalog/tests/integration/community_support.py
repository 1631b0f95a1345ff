"""Helpers of the community integration tests (test_community_*.py): published tracks made at once, row
counts, the community events seen on the bus, and PostgreSQL plans."""
from __future__ import annotations

from typing import Any, Callable

import pytest
from sqlalchemy import delete, func, select, update

from services.catalog.conftest import PNG
from services.catalog.tracks.models import PUBLISHED, Track
from services.catalog.tracks import repository
from services.common.clock import utcnow


@pytest.fixture
def producer(make_producer) -> dict:
    return make_producer("Community Maker")


@pytest.fixture
def publish(upload, uow) -> Callable[..., dict]:
    """A published track of ``producer``, without the audio round trip (test_tracks covers that): uploaded,
    then marked published in the database."""

    def make(producer: dict, **overrides: Any) -> dict:
        track = upload(producer, **overrides)
        uow.session.execute(update(Track).where(Track.id == track["id"]).values(status=PUBLISHED,
                                                                                published_at=utcnow()))
        uow.commit()
        return {**track, "status": PUBLISHED}

    return make


@pytest.fixture
def deleted_once_found(monkeypatch, session_factory) -> Callable[..., None]:
    """``deleted_once_found(lookup)``: from then on ``repository.<lookup>`` deletes each track it finds,
    in a transaction of its own that commits, before returning the row — the track's deletion racing with
    the caller between its look-up and its write."""

    def arm(lookup: str = "visible_track") -> None:
        found = getattr(repository, lookup)

        def then_deleted(session, track_id, *args: Any, **kwargs: Any):
            row = found(session, track_id, *args, **kwargs)
            if row is not None:
                with session_factory() as other:
                    other.execute(delete(Track).where(Track.id == row.id))
                    other.commit()
            return row

        monkeypatch.setattr(repository, lookup, then_deleted)

    return arm


@pytest.fixture
def make_collection(catalog, store_file) -> Callable[[dict], dict]:
    def make(producer: dict) -> dict:
        return catalog.create_collection(actor_id=producer["user_id"], data={"name": "Tape", "artists": ["DJ"]},
                                         cover_key=store_file("covers", PNG))

    return make


def count_rows(uow, model, **where: Any) -> int:
    return uow.session.scalar(select(func.count()).select_from(model).where(
        *(getattr(model, name) == value for name, value in where.items())))


def seen(emitted, name: str, **match: Any) -> list[dict]:
    """Events ``name`` on the bus whose fields equal ``match`` (after the relay had time to publish)."""
    emitted.settle()
    return [event for event in emitted.seen
            if event["type"] == name and all(event.get(key) == value for key, value in match.items())]


def explain(uow, statement) -> str:
    """PostgreSQL's plan for ``statement`` with sequential scans, bitmap scans and sorts priced out: on tiny
    test tables they are the cheapest plan even where an index applies, so a plan that still sorts means
    no index yields the page's order."""
    compiled = statement.compile(dialect=uow.session.get_bind().dialect)
    cursor = uow.session.connection().connection.cursor()
    for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
        cursor.execute(f"SET LOCAL {setting} = off")
    cursor.execute("EXPLAIN " + str(compiled), compiled.params)
    return "\n".join(row[0] for row in cursor.fetchall())
