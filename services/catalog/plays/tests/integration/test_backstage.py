"""The Backstage beats list (producer_beats) on the real service and PostgreSQL: the producer's tracks in every
status newest first with growth from counted plays, keyset pages, the status filter, the collaboration insights,
and the refusals (accounts' producer role from a stand-in accounts service)."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event

from services.catalog.conftest import new_user_id, stored_track
from services.catalog.shared.queries import page_statement
from services.catalog.tracks.models import Track
from services.common.pagination import PageRequest, Position
from services.catalog.plays import backstage, plays
from services.catalog.plays.schemas import load_producer_beats
from services.contracts.errors import Forbidden, InvalidField, NotFound

pytestmark = pytest.mark.integration

DAY = timedelta(days=1)
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


def play(uow, track_id: str, when: datetime, listener: str | None = None) -> None:
    """A counted play at ``when`` (the plays area's own clock injection), by a new listener unless named."""
    result = plays.report_play(uow, listener or new_user_id(), track_id, {"position_s": 60.0, "duration_s": 180.5},
                               now=when)
    assert result["counted"], result
    uow.commit()


class Roles:
    """accounts' producer role, in memory, for the use-case tests (the RPC tests use the stand-in service)."""

    def __init__(self, *producers: str):
        self.producers = set(producers)

    def require(self, actor_id: str, role: str) -> None:
        if actor_id not in self.producers:
            raise Forbidden(f"only {role}s can do this")


def test_every_status_newest_first_with_growth_in_keyset_pages(catalog, backstage_producer, uow):
    producer = backstage_producer()
    now = datetime.now(timezone.utc)
    rising = stored_track(uow, producer, created_at=now - 4 * DAY)
    falling = stored_track(uow, producer, created_at=now - 3 * DAY)
    rejected = stored_track(uow, producer, "rejected", created_at=now - 2 * DAY,
                            rejection={"code": "lossy_format", "message": "x", "details": {}})
    processing = stored_track(uow, producer, "processing", created_at=now - DAY)
    for when in (now - DAY, now - 10 * DAY):
        play(uow, rising, when)
    play(uow, rising, now - 40 * DAY)
    for when in (now - 35 * DAY, now - 50 * DAY, now - 70 * DAY):  # the last is older than both periods
        play(uow, falling, when)

    first = catalog.producer_beats(actor_id=producer["user_id"], limit=3)
    assert first["artist_id"] == producer["artist_id"] and first["total"] == 4
    assert [item["id"] for item in first["items"]] == [processing, rejected, falling]
    assert [item["status"] for item in first["items"]] == ["processing", "rejected", "published"]
    assert first["items"][1]["rejection"]["code"] == "lossy_format"
    assert first["items"][0]["growth"] == {"plays_last_30_days": 0, "plays_previous_30_days": 0, "status": "steady"}
    assert first["items"][2]["growth"] == {"plays_last_30_days": 0, "plays_previous_30_days": 2, "status": "falling"}
    assert first["items"][2]["play_count"] == 3 and first["collaborations"] == []
    second = catalog.producer_beats(actor_id=producer["user_id"], limit=3, cursor=first["next"])
    assert [item["id"] for item in second["items"]] == [rising] and second["next"] is None
    assert second["items"][0]["growth"] == {"plays_last_30_days": 2, "plays_previous_30_days": 1, "status": "rising"}

    only = catalog.producer_beats(actor_id=producer["user_id"], artist_id=producer["artist_id"], status="published")
    assert [item["id"] for item in only["items"]] == [falling, rising] and only["total"] == 2


def test_collaboration_insights_share_the_plays_of_the_tracks_shared_with_each_collaborator(catalog,
                                                                                              backstage_producer,
                                                                                              make_producer, uow):
    producer, bea, cal = backstage_producer(), make_producer("Bea Collab"), make_producer("Cal Collab")
    now = datetime.now(timezone.utc)
    with_bea = stored_track(uow, producer, collaborators=[bea["artist_id"]])
    with_both = stored_track(uow, producer, collaborators=[bea["artist_id"], cal["artist_id"]])
    alone = stored_track(uow, producer)
    stored_track(uow, producer, "processing", collaborators=[cal["artist_id"]])  # not credited until published
    for track_id, count in ((with_bea, 3), (with_both, 1), (alone, 5)):
        for _ in range(count):
            play(uow, track_id, now - DAY)

    insights = catalog.producer_beats(actor_id=producer["user_id"])["collaborations"]
    assert insights == [
        {"artist_id": bea["artist_id"], "name": "Bea Collab", "shared_tracks": 2, "plays": 4, "share_of_plays": 1.0},
        {"artist_id": cal["artist_id"], "name": "Cal Collab", "shared_tracks": 1, "plays": 1,
         "share_of_plays": 0.25},
    ]


def test_refusals_a_listener_a_producer_without_a_page_and_someone_elses_page(catalog, backstage_producer,
                                                                              producer_roles):
    producer, other = backstage_producer(), backstage_producer("Other Page")
    with pytest.raises(Forbidden):
        catalog.producer_beats(actor_id=new_user_id())
    pageless = new_user_id()
    producer_roles.add(pageless)
    with pytest.raises(NotFound) as refused:
        catalog.producer_beats(actor_id=pageless)
    assert str(refused.value) == "no artist profile"
    for artist_id in (other["artist_id"], new_user_id()):
        with pytest.raises(NotFound):
            catalog.producer_beats(actor_id=producer["user_id"], artist_id=artist_id)
    with pytest.raises(InvalidField) as refused:
        catalog.producer_beats(actor_id=new_user_id(), status="sold")
    assert list(refused.value.details) == ["status"]  # validation comes before the role check


def test_growth_periods_end_exactly_30_and_60_days_back(make_producer, uow):
    producer = make_producer()
    track = stored_track(uow, producer, created_at=NOW - 90 * DAY)
    for when in (NOW, NOW - 30 * DAY, NOW - 30 * DAY - timedelta(seconds=1), NOW - 60 * DAY,
                 NOW - 60 * DAY - timedelta(seconds=1)):
        play(uow, track, when)
    play(uow, track, NOW + DAY)  # after ``now``: not in either period
    listed = backstage.producer_beats(uow, Roles(producer["user_id"]), producer["user_id"],
                                      load_producer_beats(None, None, None, None), now=NOW)
    assert listed["items"][0]["growth"] == {"plays_last_30_days": 2, "plays_previous_30_days": 2,
                                            "status": "steady"}


def test_growth_is_one_query_however_many_tracks_are_listed(make_producer, uow):
    producer = make_producer()
    for _ in range(6):
        play(uow, stored_track(uow, producer, created_at=NOW - 90 * DAY), NOW - DAY)
    statements: list[str] = []

    def listen(conn, cursor, statement, *args):
        statements.append(statement)

    roles, query = Roles(producer["user_id"]), load_producer_beats(None, None, None, None)
    engine = uow.session.get_bind()
    event.listen(engine, "before_cursor_execute", listen)
    try:
        backstage.producer_beats(uow, roles, producer["user_id"], load_producer_beats(None, None, None, 1), now=NOW)
        one = len(statements)
        statements.clear()
        listed = backstage.producer_beats(uow, roles, producer["user_id"], query, now=NOW)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert len(listed["items"]) == 6 and len(statements) == one
    assert sum("FROM plays" in statement for statement in statements) == 1


def explain(uow, statement) -> str:
    """PostgreSQL's plan for ``statement`` (its IN lists rendered), sequential scans and sorts priced out: on the
    tiny, shared test tables either can otherwise be the cheapest plan, depending on what earlier tests left in
    them and on when autovacuum last analysed them. What stays proven is that an index serves the order."""
    compiled = statement.compile(dialect=uow.session.get_bind().dialect, compile_kwargs={"render_postcompile": True})
    cursor = uow.session.connection().connection.cursor()
    cursor.execute("SET LOCAL enable_seqscan = off")
    cursor.execute("SET LOCAL enable_sort = off")
    cursor.execute("EXPLAIN " + str(compiled), compiled.params)
    return "\n".join(row[0] for row in cursor.fetchall())


def test_a_pages_tracks_newest_first_are_an_index_range_scan(uow):
    artist_id = new_user_id()
    for page in (PageRequest(), PageRequest(Position((NOW, new_user_id())), 20)):
        plan = explain(uow, page_statement(backstage.beats_query(artist_id, None), Track.created_at, Track.id, page))
        assert "ix_tracks_artist_newest" in plan and "Sort" not in plan, plan
    uow.rollback()
