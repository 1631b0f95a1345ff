"""Exclusive sales on the real PostgreSQL database against the local fake Stripe: the checkout the buyer is sent
to, the completed payment that grants the exclusive, the same webhook many times, two buyers paying at once,
and a refund that revokes the licence. Webhook events are taken from the fake and handed to ``stripe_events``
as the gateway's RPC does, so order, replays and concurrency are under the test's control."""
from __future__ import annotations

import json
import uuid

import eventlet
import numpy
import soundfile
import pytest
from sqlalchemy import func, select

from services.common.db import UnitOfWork
from services.contracts.errors import BadRequest, BillingUnavailable, Conflict, Forbidden
from services.licensing import downloads, exclusive, library, stripe_events
from services.licensing.models import ExclusiveSale, License
from services.licensing.terms import EXCLUSIVE_TERMS_VERSION
from services.licensing.tests.integration.conftest import PUBLIC, now, outbox

pytestmark = pytest.mark.integration


def checkout(uow, neighbours, payments, buyer: str, facts: dict) -> dict:
    session = exclusive.start_exclusive_checkout(uow, neighbours, payments, buyer, facts["track_id"])
    uow.commit()
    return session


def deliver(uow, neighbours, payments, media, event: dict) -> str:
    result = stripe_events.handle(uow, neighbours, payments, media, json.loads(json.dumps(event)), now())
    uow.commit()
    return result["status"]


def put_audio(media, key: str, fmt: str = "WAV", subtype: str = "PCM_24") -> numpy.ndarray:
    """A second of stereo noise stored at ``key``; returns its samples as the integers libsndfile reads."""
    rng = numpy.random.default_rng(7)
    samples = rng.uniform(-0.5, 0.5, size=(44_100, 2))
    soundfile.write(media.writable_path(key), samples, 44_100, subtype=subtype, format=fmt)
    return soundfile.read(media.path(key), dtype="int32")[0]


def take(fake) -> list[dict]:
    held, fake.pending[:] = list(fake.pending), []
    return held


def count(uow, model, *where) -> int:
    uow.session.expire_all()
    return uow.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def sale(uow, neighbours, payments, media, fake_stripe):
    """Buy the exclusive of a new track: returns (facts, buyer, the completed session's event)."""
    def buy(facts: dict | None = None, buyer: dict | None = None) -> tuple[dict, dict, dict]:
        facts = facts or neighbours.add_track()
        buyer = buyer or neighbours.add_user(can_download=False, subscription_status=None)
        session = checkout(uow, neighbours, payments, buyer["id"], facts)
        fake_stripe.complete_checkout(session["session_id"])
        [event] = take(fake_stripe)
        return facts, buyer, event

    return buy


# --- the checkout ----------------------------------------------------------------------------------------------

def test_the_checkout_is_a_payment_session_with_the_price_and_the_buyers_fee(uow, neighbours, payments, fake_stripe):
    facts = neighbours.add_track(exclusive={"price_cents": 12_345, "currency": "EUR", "status": "available"})
    buyer = neighbours.add_user(can_download=False, subscription_status=None)  # any logged-in user may buy
    answer = checkout(uow, neighbours, payments, buyer["id"], facts)
    assert (answer["price_cents"], answer["fee_cents"], answer["total_cents"], answer["currency"]) == \
        (12_345, 1_781, 14_126, "EUR")
    assert answer["url"].startswith(fake_stripe.base_url)
    session = fake_stripe.get(answer["session_id"])
    assert (session["mode"], session["amount_total"], session["currency"]) == ("payment", 14_126, "eur")
    assert session["client_reference_id"] == buyer["id"] and session["customer_email"] == buyer["email"]
    metadata = {"beatpass_purpose": "exclusive_sale", "track_id": facts["track_id"], "buyer_user_id": buyer["id"],
                "price_cents": "12345", "fee_cents": "1781"}
    assert session["metadata"] == metadata
    assert session["success_url"] == f"{PUBLIC}/exclusive/success?session_id={{CHECKOUT_SESSION_ID}}"
    assert session["cancel_url"] == f"{PUBLIC}/exclusive/cancel"
    lines = fake_stripe.store.checkout_line_items(answer["session_id"])
    assert [(line["description"], line["amount_total"]) for line in lines] == \
        [("Exclusive licence — Night Drive", 12_345), ("Buyer's fee", 1_781)]
    completed = fake_stripe.complete_checkout(answer["session_id"])
    assert fake_stripe.get(completed["payment_intent"])["metadata"] == metadata  # what charge.refunded carries


def test_an_exclusive_that_is_not_for_sale_is_a_conflict(uow, neighbours, payments):
    buyer = neighbours.add_user()["id"]
    facts = neighbours.add_track()
    for not_for_sale, reason in [
        (neighbours.add_track(licensing_model="standard", exclusive=None), "standard_only"),
        (neighbours.add_track(exclusive={"price_cents": 9, "currency": "USD", "status": "private"}), "private"),
        (neighbours.add_track(exclusive={"price_cents": 9, "currency": "USD", "status": "sold"}), "sold"),
    ]:
        with pytest.raises(Conflict) as refused:
            checkout(uow, neighbours, payments, buyer, not_for_sale)
        assert refused.value.details == {"reason": reason}
    with pytest.raises(Conflict) as own:
        checkout(uow, neighbours, payments, facts["producer_user_id"], facts)
    assert own.value.details == {"reason": "own_track"}
    with pytest.raises(BillingUnavailable):
        checkout(uow, neighbours, None, buyer, facts)


# --- a completed payment ----------------------------------------------------------------------------------------

def test_a_completed_payment_grants_the_exclusive_and_stops_standard_licences(uow, neighbours, payments, media, sale):
    subscriber = neighbours.add_user()["id"]
    facts = neighbours.add_track(stems={"key": "stems/2026/12/s.zip", "size_bytes": 9, "members": []})
    earlier = downloads.download(uow, neighbours, subscriber, facts["track_id"], now())["license"]
    _, buyer, event = sale(facts)
    assert deliver(uow, neighbours, payments, media, event) == "processed"
    [sold] = outbox(uow, "exclusive_sold")
    assert (sold["track_id"], sold["buyer_user_id"], sold["producer_user_id"]) == \
        (facts["track_id"], buyer["id"], facts["producer_user_id"])
    assert (sold["price_cents"], sold["fee_cents"], sold["currency"]) == (50_000, 6_300, "USD")
    assert sold["stripe_payment_intent_id"] == event["data"]["object"]["payment_intent"]
    licence = library.get_license(uow, neighbours, buyer["id"], sold["license_id"])
    assert (licence["type"], licence["terms_version"], licence["licensee_user_id"]) == \
        ("exclusive", EXCLUSIVE_TERMS_VERSION, buyer["id"])
    assert licence["price"] == {"price_cents": 50_000, "fee_cents": 6_300, "currency": "USD"}
    assert licence["terms"]["publishing_split"] == {"producer": 20, "licensee": 80}
    assert [e["license_type"] for e in outbox(uow, "license_issued")] == ["standard", "exclusive"]
    put_audio(media, facts["original"]["key"])
    files = downloads.license_files(uow, neighbours, media, buyer["id"], licence["id"])
    assert files["stems"]["key"] == "stems/2026/12/s.zip"
    assert files["wav"]["key"] == facts["original"]["key"]  # the upload is a WAV: delivered as it is
    assert files["tagged_wav"]["filename"] == "Night Drive (tagged WAV).wav"
    # catalog has not heard yet: licensing's own sale already stops new standard licences
    with pytest.raises(Forbidden) as refused:
        downloads.download(uow, neighbours, subscriber, facts["track_id"], now())
    assert refused.value.details == {"reason": "exclusive_sold"}
    assert library.verify_license(uow, earlier["id"])["status"] == "valid"
    with pytest.raises(Conflict):
        checkout(uow, neighbours, payments, neighbours.add_user()["id"], facts)


@pytest.mark.parametrize("fmt,subtype", [("WAV", "PCM_24"), ("FLAC", "PCM_16"), ("FLAC", "PCM_24")])
def test_an_exclusive_delivers_a_wav_and_a_tagged_wav_of_the_same_samples(uow, neighbours, payments, media, sale,
                                                                         fmt, subtype):
    suffix = fmt.lower()
    facts = neighbours.add_track(original={"key": f"uploads/2026/12/{uuid.uuid4().hex}.{suffix}", "format": suffix,
                                           "content_type": f"audio/{suffix}"})
    samples = put_audio(media, facts["original"]["key"], fmt, subtype)
    _, buyer, event = sale(facts)
    deliver(uow, neighbours, payments, media, event)
    licence_id = outbox(uow, "exclusive_sold")[-1]["license_id"]
    files = downloads.license_files(uow, neighbours, media, buyer["id"], licence_id)
    wav, tagged = files["wav"], files["tagged_wav"]
    assert (wav["format"], tagged["format"], tagged["content_type"]) == ("wav", "wav", "audio/wav")
    for ref in (wav, tagged):  # sample for sample the upload, at its bit depth, in a WAV container
        with soundfile.SoundFile(media.path(ref["key"])) as out:
            assert (out.format, out.subtype, out.samplerate, out.channels) == ("WAV", subtype, 44_100, 2)
            assert numpy.array_equal(out.read(dtype="int32"), samples)
    with soundfile.SoundFile(media.path(tagged["key"])) as out:
        assert (out.title, out.artist) == ("Night Drive", "Ana Beats")
        assert out.comment == f"BeatPass exclusive licence {licence_id}; verify at {PUBLIC}/verify-license/{licence_id}"
        assert licence_id in out.copyright and out.date == now().date().isoformat()
    assert buyer["email"] not in media.path(tagged["key"]).read_bytes().decode("latin-1")
    if fmt == "WAV":
        assert wav["key"] == facts["original"]["key"]
    else:
        assert wav["key"] == f"deliverables/{licence_id}/audio.wav"
    # asked again: the same files, not made twice
    made = media.path(tagged["key"]).stat().st_mtime_ns
    again = downloads.license_files(uow, neighbours, media, buyer["id"], licence_id)
    assert again["tagged_wav"]["key"] == tagged["key"] and media.path(tagged["key"]).stat().st_mtime_ns == made


def test_the_same_webhook_ten_times_makes_one_licence(uow, neighbours, payments, media, sale):
    facts, _, event = sale()
    statuses = [deliver(uow, neighbours, payments, media, event) for _ in range(10)]
    assert statuses == ["processed"] + ["duplicate"] * 9
    assert count(uow, License, License.track_id == facts["track_id"]) == 1
    assert len(outbox(uow, "exclusive_sold")) == 1


def test_the_same_completion_under_another_event_id_changes_nothing(uow, neighbours, payments, media, sale):
    facts, _, event = sale()
    deliver(uow, neighbours, payments, media, event)
    assert deliver(uow, neighbours, payments, media, {**event, "id": event["id"] + "_resent"}) == "ignored"
    assert count(uow, License, License.track_id == facts["track_id"]) == 1


def test_a_session_that_is_not_an_exclusive_sale_is_ignored_and_other_events_refused(uow, neighbours, payments,
                                                                                     media, sale):
    _, _, event = sale()
    subscription = json.loads(json.dumps(event))
    subscription["id"] += "_sub"
    subscription["data"]["object"].update(mode="subscription", metadata={})
    assert deliver(uow, neighbours, payments, media, subscription) == "ignored"
    with pytest.raises(BadRequest):
        stripe_events.handle(uow, neighbours, payments, media, {**event, "type": "invoice.paid"}, now())


# --- two buyers ---------------------------------------------------------------------------------------------------

def two_completed_sessions(uow, neighbours, payments, fake_stripe) -> tuple[dict, list[dict], list[dict]]:
    facts = neighbours.add_track()
    buyers = [neighbours.add_user(can_download=False, subscription_status=None) for _ in range(2)]
    sessions = [checkout(uow, neighbours, payments, buyer["id"], facts)["session_id"] for buyer in buyers]
    fake_stripe.complete_checkouts(sessions)
    return facts, buyers, take(fake_stripe)


def assert_sold_once_refunded_once(uow, fake_stripe, facts, buyers, events) -> None:
    sales = uow.session.scalars(select(ExclusiveSale).where(ExclusiveSale.track_id == facts["track_id"])).all()
    assert sorted(s.status for s in sales) == ["granted", "refunded_lost"]
    winner = next(s for s in sales if s.status == "granted")
    loser = next(s for s in sales if s.status == "refunded_lost")
    assert count(uow, License, License.track_id == facts["track_id"]) == 1
    refund = fake_stripe.get(loser.refund_id)
    assert (refund["payment_intent"], refund["amount"], refund["status"]) == (loser.payment_intent_id, 56_300,
                                                                              "succeeded")
    assert fake_stripe.get(fake_stripe.get(loser.payment_intent_id)["latest_charge"])["refunded"] is True
    assert fake_stripe.get(fake_stripe.get(winner.payment_intent_id)["latest_charge"])["refunded"] is False
    [refunded] = outbox(uow, "exclusive_purchase_refunded")
    assert refunded == {**refunded, "buyer_user_id": loser.buyer_user_id, "track_id": facts["track_id"],
                        "amount_cents": 56_300, "currency": "USD", "reason": "already_sold"}
    [sold] = outbox(uow, "exclusive_sold")
    assert sold["buyer_user_id"] == winner.buyer_user_id and {winner.buyer_user_id, loser.buyer_user_id} == \
        {b["id"] for b in buyers}


def test_two_payments_one_after_the_other_sell_once_and_refund_once(uow, neighbours, payments, media, fake_stripe):
    facts, buyers, events = two_completed_sessions(uow, neighbours, payments, fake_stripe)
    assert [deliver(uow, neighbours, payments, media, e) for e in events] == ["processed", "processed"]
    assert_sold_once_refunded_once(uow, fake_stripe, facts, buyers, events)
    # the loser's refund comes back as charge.refunded: nothing more happens; a replay refunds nothing twice
    [refunded_charge] = take(fake_stripe)
    assert deliver(uow, neighbours, payments, media, refunded_charge) == "ignored"
    assert deliver(uow, neighbours, payments, media, {**events[1], "id": events[1]["id"] + "_again"}) == "ignored"
    assert take(fake_stripe) == []
    assert_sold_once_refunded_once(uow, fake_stripe, facts, buyers, events)


def test_two_payments_handled_at_the_same_moment_sell_once(uow, session_factory, neighbours, payments, media,
                                                          fake_stripe):
    """Each completion in its own transaction, concurrently: the unique index on the track's granted sale lets one
    commit and makes the other's insert fail, which then refunds."""
    facts, buyers, events = two_completed_sessions(uow, neighbours, payments, fake_stripe)

    def handle(event: dict) -> str:
        return UnitOfWork(session_factory).run(
            lambda unit: stripe_events.handle(unit, neighbours, payments, media, event, now())["status"])

    threads = [eventlet.spawn(handle, event) for event in events]
    assert [thread.wait() for thread in threads] == ["processed", "processed"]
    assert_sold_once_refunded_once(uow, fake_stripe, facts, buyers, events)


def test_a_payment_for_an_exclusive_no_longer_for_sale_is_refunded(uow, neighbours, payments, media, fake_stripe,
                                                                   sale):
    facts, buyer, event = sale()
    facts["exclusive"]["status"] = "private"  # the producer withdrew the offer while the buyer paid
    deliver(uow, neighbours, payments, media, event)
    [refunded] = outbox(uow, "exclusive_purchase_refunded")
    assert (refunded["reason"], refunded["buyer_user_id"]) == ("not_available", buyer["id"])
    assert count(uow, License, License.track_id == facts["track_id"]) == 0


# --- a refunded sale -------------------------------------------------------------------------------------------

def test_a_refunded_sale_revokes_the_exclusive_and_frees_the_track(uow, neighbours, payments, media, fake_stripe,
                                                                  sale):
    facts, buyer, event = sale()
    deliver(uow, neighbours, payments, media, event)
    licence_id = outbox(uow, "exclusive_sold")[0]["license_id"]
    cached = library.certificate_source(uow, neighbours, media, buyer["id"], licence_id)["key"]
    put_audio(media, facts["original"]["key"])
    tagged = downloads.license_files(uow, neighbours, media, buyer["id"], licence_id)["tagged_wav"]["key"]
    assert media.exists(tagged)
    uow.commit()
    fake_stripe.refund_payment(event["data"]["object"]["payment_intent"], amount=1_000)  # partial: stands
    [partial] = take(fake_stripe)
    assert deliver(uow, neighbours, payments, media, partial) == "ignored"
    fake_stripe.refund_payment(event["data"]["object"]["payment_intent"])
    [full] = take(fake_stripe)
    assert [deliver(uow, neighbours, payments, media, full) for _ in range(2)] == ["processed", "duplicate"]
    shown = library.verify_license(uow, licence_id)
    assert shown["status"] == "revoked" and shown["revoked_at"]
    [revoked] = outbox(uow, "exclusive_refunded")
    assert (revoked["license_id"], revoked["track_id"], revoked["price_cents"], revoked["currency"]) == \
        (licence_id, facts["track_id"], 50_000, "USD")
    assert not media.exists(cached)  # the next certificate says revoked
    assert not media.exists(tagged)  # the revoked licence's deliverables go
    with pytest.raises(Conflict):
        downloads.license_files(uow, neighbours, media, buyer["id"], licence_id)
    # Available again once catalog hears it: licensing holds no granted sale any more
    assert not downloads.sale_granted(uow, facts["track_id"])
    _, second_buyer, second = sale(facts)
    assert deliver(uow, neighbours, payments, media, second) == "processed"
    assert outbox(uow, "exclusive_sold")[-1]["buyer_user_id"] == second_buyer["id"]


def test_a_payment_refunded_before_its_completion_arrives_grants_nothing(uow, neighbours, payments, media,
                                                                         fake_stripe, sale):
    """Stripe's webhooks come in any order: charge.refunded first, then checkout.session.completed."""
    facts, buyer, completed = sale()
    fake_stripe.refund_payment(completed["data"]["object"]["payment_intent"])
    [refunded] = take(fake_stripe)
    assert deliver(uow, neighbours, payments, media, refunded) == "ignored"  # no sale yet
    assert deliver(uow, neighbours, payments, media, completed) == "processed"
    assert outbox(uow, "exclusive_sold") == [] and outbox(uow, "license_issued") == []
    assert count(uow, License) == 0 and not downloads.sale_granted(uow, facts["track_id"])
    intent = completed["data"]["object"]["payment_intent"]
    assert [r["payment_intent"] for r in fake_stripe.store.of_kind("refund")].count(intent) == 1  # refunded once
    assert deliver(uow, neighbours, payments, media, completed) == "duplicate"
