"""The event contracts name the consumers the business rules (docs/business-rules.md) imply, including services that arrive later: their
queues are declared by the publishers from the start, so no XP-earning fact or pool input is lost before
gamification and payouts first run."""
import pytest

from services.contracts.events import REGISTRY


@pytest.mark.parametrize("event, consumer", [
    ("track_published", "gamification"),  # upload a track: +100 XP
    ("play_recorded", "gamification"),  # each counted play: +1 XP
    ("track_metadata_completed", "gamification"),  # metadata-complete: +50 XP once
    ("collaboration_credited", "gamification"),  # credit a collaboration: +25 XP
    ("subscription_paid", "payouts"),  # the pool: base prices of every paid invoice …
    ("subscription_refunded", "payouts"),  # … minus refunds
    ("play_recorded", "payouts"),  # a track's contribution value grows with its counted plays
])
def test_domain_facts_have_their_consumers_queues_from_the_start(event, consumer):
    assert consumer in REGISTRY[event].consumers


def test_each_queue_name_is_the_consumer_and_the_event():
    assert REGISTRY["play_recorded"].queue_name("payouts") == "beatpass.payouts.play_recorded"
