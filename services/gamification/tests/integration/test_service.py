"""The gamification service in a nameko container on the test vhost, as it runs: events published on the real
broker (one twice) become XP, leaderboard rows and activity visible over RPC; its calls to accounts and catalog
go to stand-in services of those names, answering as their contracts say."""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

import pytest
from kombu import Connection
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ServiceRpcProxy

from services.common.entrypoints import rpc
from services.common.messaging.deadletters import list_dead_letters
from services.common.messaging.topology import declare_for_service
from services.contracts.events import EXCHANGE, PLAY_RECORDED, REGISTRY, build_event
from services.gamification.service import GamificationService
from services.gamification.tests.integration.conftest import FakeNeighbours, new_id
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

#: what the stand-in services answer (one test at a time fills it)
WORLD = FakeNeighbours()


class StandInAccounts:
    name = "accounts"

    @rpc
    def verify_actor(self, actor_id: str, role: str | None = None) -> None:
        WORLD.verify_role(actor_id, role)


class StandInCatalog:
    name = "catalog"

    @rpc
    def get_my_artist(self, actor_id: str) -> dict:
        return WORLD.my_artist(actor_id)

    @rpc
    def artist_summaries(self, artist_ids: list) -> dict:
        return WORLD.artist_summaries(artist_ids)


@pytest.fixture
def amqp_uri(own_amqp_uri):
    """Not the session's vhost: other tests' events for this service's queues wait there (conftest.py)."""
    return own_amqp_uri


@pytest.fixture
def gamification(gamification_db, container_factory, rabbit_config):
    WORLD.roles.clear()
    WORLD.artists.clear()
    for service in (StandInAccounts, StandInCatalog, GamificationService):
        container_factory(service, {**rabbit_config, "max_workers": 4}).start()
    with ServiceRpcProxy("gamification", rabbit_config, timeout=20) as proxy:
        yield proxy


def publish(amqp_uri: str, name: str, body: dict | None = None, **payload) -> dict:
    event_type = REGISTRY[name]
    body = body or build_event(event_type, payload)
    with Connection(amqp_uri) as connection:
        declare_for_service(connection, event_type.producer)
        connection.Producer().publish(json.dumps(body, default=str), exchange=EXCHANGE, routing_key=name,
                                      content_type="application/json", delivery_mode=2, retry=True)
    return body


def test_events_on_the_broker_become_xp_ranks_and_activity(gamification, amqp_uri):
    assert gamification.ping() == "pong"
    user, artist = WORLD.producer("Ana Beats")
    now = datetime.now(timezone.utc)
    track = new_id()
    publish(amqp_uri, "artist_page_changed", artist_id=artist, user_id=user)
    published = publish(amqp_uri, "track_published", track_id=track, artist_id=artist, producer_user_id=user,
                        collaborator_artist_ids=[], licensing_model="standard_exclusive", genres=["trap"],
                        published_at=now)
    publish(amqp_uri, "track_published", body=published)  # redelivered
    play = publish(amqp_uri, "play_recorded", play_id=new_id(), track_id=track, listener_user_id=new_id(),
                   producer_user_id=user, artist_id=artist, collaborator_artist_ids=[], duration_s=90.0,
                   position_s=40.0, played_at=now)
    publish(amqp_uri, "play_recorded", body={**play, "event_id": new_id()})  # the same play under a new id
    wait_until(lambda: gamification.progress(actor_id=user)["xp"] == 151, timeout=60,
               what="XP from the consumed events")  # generous: the whole suite may be loading the machine

    view = gamification.progress(actor_id=user)
    assert (view["level"], view["title"]) == (1, "Novice")
    board = gamification.leaderboard(category="points", actor_id=user)
    assert board["items"] == [{"rank": 1, "artist": {"id": artist, "name": "Ana Beats", "verified": False},
                               "value": 151.0}]
    assert board["me"] == {"rank": 1, "value": 151.0}
    activity = gamification.activity(actor_id=user, artist_id=artist)
    assert len(activity["days"]) == 365 and activity["days"][-1]["plays"] == 1
    assert gamification.dashboard(actor_id=user)["greeting"] == "Welcome back, Ana Beats!"
    assert gamification.refresh_progress(actor_id=user) == view

    with pytest.raises(RemoteError) as refused:
        gamification.progress(actor_id=new_id())
    assert refused.value.exc_type == "Forbidden"
    with pytest.raises(RemoteError) as unknown:
        gamification.leaderboard(category="likes")
    assert unknown.value.exc_type == "NotFound"


def test_a_backlog_of_plays_is_counted_once_and_a_malformed_play_is_parked(gamification, amqp_uri, caplog):
    """The play consumer takes plays in batches; the malformed one fails its batch, which is then handled one
    message at a time: that one is parked at once, every other play counts once."""
    caplog.set_level(logging.WARNING, logger="services.common.messaging.batch")
    user, artist = WORLD.producer("Bo Beats")
    now = datetime.now(timezone.utc)
    publish(amqp_uri, "artist_page_changed", artist_id=artist, user_id=user)
    bodies = [build_event(PLAY_RECORDED, {
        "play_id": new_id(), "track_id": new_id(), "listener_user_id": new_id(), "producer_user_id": user,
        "artist_id": artist, "collaborator_artist_ids": [], "duration_s": 90.0, "position_s": 40.0,
        "played_at": now}) for _ in range(150)]
    malformed = {**bodies[0], "event_id": new_id(), "artist_id": "not a page"}
    for body in bodies[:70] + [malformed, bodies[3]] + bodies[70:]:  # bodies[3] twice: counted once
        publish(amqp_uri, "play_recorded", body=body)
    wait_until(lambda: gamification.progress(actor_id=user)["xp"] == 150 + 100, timeout=60,
               what="every play's XP and the 100-play achievement")
    letters = wait_until(lambda: [d for d in list_dead_letters(amqp_uri) if d.event_id == malformed["event_id"]],
                         timeout=30, what="the malformed play parked")
    assert letters[0].attempts == 1 and "breaks its contract" in letters[0].error
    assert any("handling them one at a time" in record.getMessage() for record in caplog.records)
    board = gamification.leaderboard(category="plays", actor_id=user)
    assert board["me"] == {"rank": 1, "value": 150.0}
    assert len(gamification.activity(actor_id=user, artist_id=artist)["days"]) == 365
