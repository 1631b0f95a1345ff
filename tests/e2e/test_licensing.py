"""Licensing end to end, through the gateway only: downloads under the standard licence with signed URLs,
certificates and public verification, and exclusive sales paid on the fake Stripe's hosted page (a race of two
buyers and a refund included) — issue #10's "Done when", on both database backends."""
from __future__ import annotations

import hashlib
import io
import time
import uuid
from typing import Any, Callable

import numpy
import pypdf
import pytest
import requests
import soundfile

from gateway import signed_urls
from services.common.stripe_api import make_client
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.e2e.test_billing import page_forms, submit, webhook
from tests.e2e.test_uploads import make_producer, track_metadata, upload, wait_until_done
from tests.support import audio
from tests.support.api import Api
from tests.support.billing import Subscriber, assert_delivered

PRICE_CENTS, FEE_CENTS = 50_000, 6_300  # the fee: (50000 * 12 + 50) // 100 + 300
EXCLUSIVE = {"licensing_model": "standard_exclusive",
             "exclusive": {"price_cents": PRICE_CENTS, "currency": "CAD", "contact_email": "sales@example.com"}}
PLANS = ("Classic", "Plus", "Pro")


# -- fixtures: one producer and one standard track per platform (module), fresh exclusive tracks per test ---------

class Shop:
    def __init__(self, platform, producer: Api, track: dict[str, Any], original: bytes):
        self.platform, self.producer, self.track, self.original = platform, producer, track, original


@pytest.fixture(scope="module")
def shop(platform, tmp_path_factory) -> Shop:
    admin = Api(platform.url)
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    producer = make_producer(platform, admin)
    wav = audio.make_wav(tmp_path_factory.mktemp("licensing") / "beat.wav", seed=uuid.uuid4().int % 10**6)
    return Shop(platform, producer, publish(producer, wav), wav.read_bytes())


@pytest.fixture
def stripe(platform):
    platform.stripe.auto_deliver = True
    yield platform.stripe
    platform.stripe.auto_deliver = True
    platform.stripe.pending.clear()


@pytest.fixture
def exclusive_track(shop, tmp_path) -> Callable[[], dict[str, Any]]:
    """A new track of the shop's producer whose exclusive is for sale."""
    def make() -> dict[str, Any]:
        wav = audio.make_wav(tmp_path / f"{uuid.uuid4().hex}.wav", seed=uuid.uuid4().int % 10**6)
        return publish(shop.producer, wav, **EXCLUSIVE)
    return make


# -- helpers ------------------------------------------------------------------------------------------------------

def publish(api: Api, path, **metadata: Any) -> dict[str, Any]:
    response = upload(api, path, track_metadata(**metadata))
    assert response.status_code == 202, response.text
    track = wait_until_done(api, response.json()["id"])
    assert track["status"] == "published", track.get("rejection")
    return track


def subscriber(platform, stripe, plan: str = "classic") -> Subscriber:
    member = Subscriber(Api(platform.url), stripe)
    member.subscribe(plan)
    return member


def explorer(platform) -> Api:
    api = Api(platform.url)
    api.register()
    return api


def download(api: Api, track_id: str) -> requests.Response:
    return api.post(f"tracks/{track_id}/download")


def refused(response: requests.Response, status: int = 403) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return response.json()


def fetch(platform, url: str, **headers: str) -> requests.Response:
    """A signed URL as a browser fetches it: no Authorization header at all."""
    assert url.startswith(signed_urls.PREFIX)
    return requests.get(f"{platform.url}{url}", headers=headers, timeout=30)


def token_of(url: str) -> str:
    return url.removeprefix(signed_urls.PREFIX)


def eventually(check: Callable[[], Any], timeout: float = 20.0, what: str = "") -> Any:
    """``check()``'s first truthy answer (events reach the other services asynchronously)."""
    deadline = time.monotonic() + timeout
    while not (answer := check()):
        assert time.monotonic() < deadline, f"not within {timeout:.0f} s: {what}"
        time.sleep(0.2)
    return answer


def masked(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[0]}***@{domain}"


def verification(platform, license_id: str) -> requests.Response:
    return requests.get(f"{platform.url}/api/v1/verify-license/{license_id}", timeout=10)


def verify_page(platform, license_id: str) -> requests.Response:
    return requests.get(f"{platform.url}/verify-license/{license_id}", timeout=10)


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def my_licenses(api: Api) -> list[dict[str, Any]]:
    response = api.get("me/licenses")
    assert response.status_code == 200, response.text
    return response.json()["items"]


def exclusive_status(api: Api, track_id: str) -> str:
    return api.get(f"tracks/{track_id}").json()["exclusive"]["status"]


def checkout(buyer: Api, track_id: str) -> dict[str, Any]:
    response = buyer.post(f"tracks/{track_id}/exclusive/checkout")
    assert response.status_code == 201, response.text
    return response.json()


def pay_on_hosted_page(session: dict[str, Any]) -> requests.Response:
    hosted = requests.get(session["url"], timeout=10).text
    [pay] = [form for form in page_forms(hosted) if form["label"].startswith("Pay ")]
    return submit(session["url"], pay)


def exclusive_licence(buyer: Api) -> dict[str, Any]:
    return eventually(lambda: next((lic for lic in my_licenses(buyer) if lic["type"] == "exclusive"), None),
                      what="the buyer's exclusive licence")


def stripe_client(platform):
    return make_client(platform.env["STRIPE_API_KEY"], platform.env["STRIPE_API_BASE"])


def refunds_of(stripe, payment_intents: set[str]) -> list[dict[str, Any]]:
    return [refund for refund in stripe.store.of_kind("refund") if refund["payment_intent"] in payment_intents]


# -- downloads ----------------------------------------------------------------------------------------------------

def test_an_explorer_is_refused_with_free_plan_and_told_which_plans_download(platform, shop):
    api = explorer(platform)
    body = refused(download(api, shop.track["id"]))
    assert (body["error"], body["details"]["reason"]) == ("forbidden", "free_plan")
    assert all(plan in body["message"] for plan in PLANS), body["message"]
    eligibility = api.get(f"tracks/{shop.track['id']}/download-eligibility").json()
    assert (eligibility["allowed"], eligibility["reason"]) == (False, "free_plan")
    assert my_licenses(api) == []  # refusals issue nothing


def test_a_paying_subscriber_downloads_with_signed_urls_and_a_verifiable_licence(platform, shop, stripe):
    member = subscriber(platform, stripe)
    track_id = shop.track["id"]
    eligibility = member.api.get(f"tracks/{track_id}/download-eligibility").json()
    assert (eligibility["allowed"], eligibility["reason"]) == (True, "subscriber")

    response = download(member.api, track_id)
    assert response.status_code == 201, response.text
    licence, files = response.json()["license"], response.json()["files"]
    assert response.headers["Location"] == f"/api/v1/licenses/{licence['id']}"
    assert (licence["type"], licence["track_id"], licence["licensee_user_id"]) == ("standard", track_id, member.id)
    assert licence["artist_id"] == shop.track["artist_id"] and licence["issued_at"]
    assert licence["terms_version"] == licence["terms"]["version"] and licence["terms"]["text"]

    # the files: no Authorization, the producer's own upload byte for byte, the MP3 320, HTTP Range
    original = fetch(platform, files["original"]["url"])
    assert original.status_code == 200 and original.headers["Content-Disposition"].startswith("attachment")
    assert hashlib.sha256(original.content).digest() == hashlib.sha256(shop.original).digest()
    assert files["original"]["format"] == "wav"
    mp3 = fetch(platform, files["mp3_320"]["url"])
    assert mp3.status_code == 200 and mp3.headers["Content-Type"] == "audio/mpeg" and len(mp3.content) > 1000
    partial = fetch(platform, files["original"]["url"], Range="bytes=100-1099")
    assert partial.status_code == 206 and partial.content == shop.original[100:1100]
    assert partial.headers["Content-Range"] == f"bytes 100-1099/{len(shop.original)}"

    # altered or expired: 403, saying to ask for fresh links
    token = token_of(files["original"]["url"])
    altered = fetch(platform, signed_urls.PREFIX + token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"))
    body = refused(altered)
    assert body["details"]["reason"] == "invalid_signature" and "/files" in body["message"]
    secret = platform.env["DOWNLOAD_URL_SECRET"]
    signed = signed_urls.verify(secret, token)
    expired = signed_urls.sign(secret, signed.key, signed.content_type, signed.filename, int(time.time()) - 1)
    assert refused(fetch(platform, signed_urls.PREFIX + expired))["details"]["reason"] == "expired_link"

    # fresh links for the same licence, no new licence
    again = member.api.post(f"licenses/{licence['id']}/files")
    assert again.status_code == 200 and fetch(platform, again.json()["original"]["url"]).status_code == 200
    assert [item["id"] for item in my_licenses(member.api)] == [licence["id"]]

    # the certificate opens and names the licensee by masked email only
    certificate = member.api.get(f"licenses/{licence['id']}/certificate.pdf")
    assert certificate.status_code == 200 and certificate.headers["Content-Type"] == "application/pdf"
    text = pdf_text(certificate.content)
    email = member.user["email"]
    assert masked(email) in text and email not in text and licence["id"] in text

    # public verification: JSON and HTML say valid, with nothing more personal than the masked email
    public = verification(platform, licence["id"])
    assert public.status_code == 200
    facts = public.json()
    assert (facts["status"], facts["license_type"], facts["track"]["id"]) == ("valid", "standard", track_id)
    assert facts["licensee_email_masked"] == masked(email) and email not in public.text
    assert member.id not in public.text and facts["terms"] == licence["terms"]
    page = verify_page(platform, licence["id"])
    assert page.status_code == 200 and "Valid licence" in page.text and masked(email) in page.text


def test_a_past_due_subscriber_is_refused_with_payment_overdue(platform, shop, stripe):
    member = subscriber(platform, stripe, "plus")
    stripe.fail_payment(member.subscription_id)
    assert member.me()["subscription_status"] == "past_due"
    body = refused(download(member.api, shop.track["id"]))
    assert body["details"]["reason"] == "payment_overdue"


def test_the_producer_downloads_their_own_track_without_a_licence(platform, shop):
    response = download(shop.producer, shop.track["id"])
    assert response.status_code == 200, response.text
    assert response.json()["license"] is None and "Location" not in response.headers
    assert fetch(platform, response.json()["files"]["original"]["url"]).content == shop.original
    assert my_licenses(shop.producer) == []


# -- exclusive sales ----------------------------------------------------------------------------------------------

def test_an_exclusive_sale_marks_the_track_sold_and_keeps_earlier_licences_valid(platform, shop, stripe,
                                                                                   exclusive_track):
    track = exclusive_track()
    member = subscriber(platform, stripe)
    earlier = download(member.api, track["id"])
    assert earlier.status_code == 201, earlier.text
    earlier_id = earlier.json()["license"]["id"]

    buyer = explorer(platform)  # any signed-in user may buy, subscribed or not
    session = checkout(buyer, track["id"])
    assert (session["price_cents"], session["fee_cents"], session["total_cents"], session["currency"]) == (
        PRICE_CENTS, FEE_CENTS, PRICE_CENTS + FEE_CENTS, "CAD")
    hosted = requests.get(session["url"], timeout=10).text
    assert "Buyer&#x27;s fee" in hosted or "Buyer's fee" in hosted
    done = len(stripe.deliveries)
    landed = pay_on_hosted_page(session)
    assert landed.url == f"{platform.url}/exclusive/success?session_id={session['session_id']}"
    assert landed.status_code == 200
    assert_delivered(stripe, done)

    licence = exclusive_licence(buyer)
    assert (licence["track_id"], licence["status"], licence["licensee_user_id"]) == (track["id"], "valid",
                                                                                   buyer.user["id"])
    assert licence["price"] == {"price_cents": PRICE_CENTS, "fee_cents": FEE_CENTS, "currency": "CAD"}
    assert verification(platform, licence["id"]).json()["status"] == "valid"
    assert masked(buyer.user["email"]) in pdf_text(buyer.get(f"licenses/{licence['id']}/certificate.pdf").content)
    # the exclusive terms' deliverables: the WAV (the upload itself) and the tagged WAV, the same samples with tags
    files = buyer.post(f"licenses/{licence['id']}/files").json()
    original = fetch(platform, files["original"]["url"]).content
    assert fetch(platform, files["wav"]["url"]).content == original
    tagged = fetch(platform, files["tagged_wav"]["url"])
    assert tagged.headers["Content-Type"] == "audio/wav" and files["tagged_wav"]["filename"].endswith("(tagged WAV).wav")
    with soundfile.SoundFile(io.BytesIO(tagged.content)) as wav:
        assert (wav.title, wav.artist) == (track["name"], licence["producer_name"])
        assert wav.comment.endswith(f"/verify-license/{licence['id']}")
        assert numpy.array_equal(wav.read(dtype="int32"), soundfile.read(io.BytesIO(original), dtype="int32")[0])

    eventually(lambda: exclusive_status(buyer, track["id"]) == "sold", what="catalog shows the track Sold")
    assert requests.get(f"{platform.url}/api/v1/tracks/{track['id']}/stream", timeout=10).status_code == 200
    assert refused(download(member.api, track["id"]))["details"]["reason"] == "exclusive_sold"
    assert verification(platform, earlier_id).json()["status"] == "valid"
    assert refused(checkout_response(explorer(platform), track["id"]), 409)["error"] == "conflict"

    # Stripe retrying the same webhook ten times changes nothing
    [completed] = [event for event in stripe.events_of("checkout.session.completed")
                   if event["data"]["object"]["id"] == session["session_id"]]
    for _ in range(10):
        assert stripe.replay(completed["id"]).status == 200
    assert [lic["id"] for lic in my_licenses(buyer)] == [licence["id"]]


def checkout_response(buyer: Api, track_id: str) -> requests.Response:
    return buyer.post(f"tracks/{track_id}/exclusive/checkout")


def test_two_buyers_paying_at_once_buy_once_and_the_other_is_refunded(platform, stripe, exclusive_track):
    track = exclusive_track()
    buyers = [explorer(platform), explorer(platform)]
    sessions = [checkout(buyer, track["id"]) for buyer in buyers]
    done = len(stripe.deliveries)
    completed = stripe.complete_checkouts([session["session_id"] for session in sessions])
    assert_delivered(stripe, done)

    owners = eventually(lambda: [b for b in buyers if any(lic["type"] == "exclusive" for lic in my_licenses(b))],
                        what="one buyer holds the exclusive")
    [winner] = owners
    [loser] = [buyer for buyer in buyers if buyer is not winner]
    intents = {session["payment_intent"] for session in completed}
    refunds = eventually(lambda: refunds_of(stripe, intents), what="a refund in the fake Stripe")
    loser_intent = next(s["payment_intent"] for s in completed if s["client_reference_id"] == loser.user["id"])
    assert [(refund["payment_intent"], refund["amount"]) for refund in refunds] == [
        (loser_intent, PRICE_CENTS + FEE_CENTS)]
    assert my_licenses(loser) == []

    def refund_notice():
        items = loser.get("me/notifications").json()["items"]
        return [n for n in items if n["kind"] == "exclusive_purchase_refunded"]
    [notice] = eventually(refund_notice, what="the loser's notification")
    assert (notice["payload"]["track_id"], notice["payload"]["amount_cents"], notice["payload"]["currency"]) == (
        track["id"], PRICE_CENTS + FEE_CENTS, "CAD")
    assert notice["payload"]["reason"] == "already_sold"
    time.sleep(1.0)  # a second refund (or licence) would have been made by now
    assert len(refunds_of(stripe, intents)) == 1 and len(owners) == 1
    eventually(lambda: exclusive_status(winner, track["id"]) == "sold", what="the track Sold")


def test_a_refunded_exclusive_verifies_as_revoked_and_the_track_is_available_again(platform, stripe,
                                                                                   exclusive_track):
    track = exclusive_track()
    buyer = explorer(platform)
    session = checkout(buyer, track["id"])
    pay_on_hosted_page(session)
    licence = exclusive_licence(buyer)
    eventually(lambda: exclusive_status(buyer, track["id"]) == "sold", what="the track Sold")

    intent = stripe.get(session["session_id"])["payment_intent"]
    done = len(stripe.deliveries)
    refund = stripe_client(platform).v1.refunds.create(params={"payment_intent": intent})
    assert refund.status == "succeeded"
    assert_delivered(stripe, done)

    eventually(lambda: verification(platform, licence["id"]).json()["status"] == "revoked", what="revoked")
    page = verify_page(platform, licence["id"])
    assert page.status_code == 200 and "Revoked licence" in page.text
    eventually(lambda: exclusive_status(buyer, track["id"]) == "available", what="the track Available again")
    assert refused(buyer.post(f"licenses/{licence['id']}/files"), 409)["error"] == "conflict"
    assert checkout_response(explorer(platform), track["id"]).status_code == 201  # for sale again


# -- bad input ----------------------------------------------------------------------------------------------------

def test_unknown_and_other_peoples_tracks_and_licences_are_404(platform, shop, stripe):
    member = subscriber(platform, stripe)
    licence_id = download(member.api, shop.track["id"]).json()["license"]["id"]
    stranger = explorer(platform)
    unknown = str(uuid.uuid4())
    assert download(stranger, unknown).status_code == 404
    assert stranger.get(f"tracks/{unknown}/download-eligibility").status_code == 404
    for path in (f"licenses/{unknown}", f"licenses/{licence_id}", f"licenses/{licence_id}/certificate.pdf"):
        assert stranger.get(path).status_code == 404, path
    assert stranger.post(f"licenses/{licence_id}/files").status_code == 404
    assert stranger.get("tracks/not-a-uuid/download-eligibility").status_code == 404
    body = refused(verification(platform, unknown), 404)
    assert body["details"]["status"] == "unknown"
    page = verify_page(platform, unknown)
    assert page.status_code == 404 and "not found" in page.text
    assert shop.producer.get(f"licenses/{licence_id}").status_code == 200  # the track's producer may see it


def test_a_webhook_with_a_bad_signature_is_400(platform, stripe, exclusive_track):
    track = exclusive_track()
    buyer = explorer(platform)
    session = checkout(buyer, track["id"])
    stripe.auto_deliver = False
    stripe.complete_checkout(session["session_id"])
    [completed] = [event for event in stripe.pending if event["type"] == "checkout.session.completed"]
    response = webhook(platform, *stripe.signed(completed, secret="whsec_not_the_one"))
    assert response.status_code == 400 and response.json()["error"] == "invalid_webhook"
    time.sleep(0.5)
    assert my_licenses(buyer) == []
    stripe.flush()  # properly signed, the same event sells the exclusive
    exclusive_licence(buyer)


def test_an_exclusive_checkout_is_409_when_not_for_sale_or_on_ones_own_track(platform, shop, exclusive_track):
    track = exclusive_track()
    standard_only = refused(checkout_response(explorer(platform), shop.track["id"]), 409)
    assert standard_only["error"] == "conflict"
    assert refused(checkout_response(shop.producer, track["id"]), 409)["error"] == "conflict"
