"""Payouts end to end, through the gateway and the CLI only (issue #11's "Done when"): a producer onboards on the
fake Stripe's hosted Connect page, turns payout-ready by webhook (not by coming back to the return page), earns
from a paying subscriber's counted plays and from an exclusive sale, is paid by the admin's run for the month, sees
it on the finances page and the statement, and reconciliation reports zero differences. Beside it: a producer whose
flags turn red before the run is Excluded, a replayed webhook has one effect, bad signatures on both endpoints are
400, and only admins start runs.

The month: the run pays the current UTC month, which has ended for the payouts service only — the e2e platform
runs it with PAYOUTS_CLOCK_OFFSET_S (tests/e2e/conftest.py, docs/payouts.md) so its clock stands a month ahead,
while catalog dates the plays and the fake Stripe the invoice at the real time, inside the current month.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone
from typing import Any, Callable, Iterator

import pytest
import requests

from devtools.fakestripe.webhooks import encode_event, signature_header
from services.common import config
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PAYOUTS_CLOCK_OFFSET_S
from tests.e2e.test_billing import page_forms, submit
from tests.e2e.test_licensing import checkout, eventually, pay_on_hosted_page, publish
from tests.e2e.test_uploads import make_producer
from tests.support import audio
from tests.support.api import Api
from tests.support.billing import Subscriber

PRICE_CENTS = 50_000
EXCLUSIVE = {"licensing_model": "standard_exclusive",
             "exclusive": {"price_cents": PRICE_CENTS, "currency": "CAD", "contact_email": "sales@example.com"}}
ZERO_CAD = [{"amount_cents": 0, "currency": "CAD"}]
RUN_TIMEOUT_S = 60


def this_month() -> str:
    """The period the run pays: the real current UTC month (plays and the invoice fall in it)."""
    return datetime.now(timezone.utc).strftime("%Y-%m")


def months_ahead(period: str, months: int) -> str:
    year, month = map(int, period.split("-"))
    index = year * 12 + month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# -- helpers -------------------------------------------------------------------------------------------------------

def ok(response: requests.Response, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()


def finances(api: Api) -> dict[str, Any]:
    return ok(api.get("producer/finances"))


def stripe_status(api: Api) -> str:
    return finances(api)["stripe"]["status"]


def account_of(stripe, user_id: str) -> dict[str, Any]:
    [account] = [a for a in stripe.store.of_kind("account")
                 if (a.get("metadata") or {}).get("beatpass_user_id") == user_id]
    return account


def onboard(platform, producer: Api) -> dict[str, Any]:
    """Connect in Canada and finish on the fake's hosted page (its first form), as the producer's browser does;
    the browser lands back on the platform's return page. Returns what was observed on the way."""
    link = ok(producer.post("producer/stripe/connect", json={"country": "CA"}), 201)
    seen = {"link": link, "again": producer.post("producer/stripe/connect", json={"country": "CA"}),
            "other_country": producer.post("producer/stripe/connect", json={"country": "FR"})}
    # the return page alone changes nothing: Stripe's webhook decides
    seen["return_page"] = requests.get(f"{platform.url}/producer/stripe/return", timeout=10)
    seen["after_return_page"] = finances(producer)
    page_url = seen["again"].json()["url"]
    hosted = requests.get(page_url, timeout=10)
    assert hosted.status_code == 200, hosted.text
    landed = submit(page_url, page_forms(hosted.text)[0])
    seen["landed_on"] = landed.url
    seen["ready"] = eventually(lambda: (f := finances(producer))["stripe"]["status"] == "payout_ready" and f,
                               what="payout_ready after account.updated")
    return seen


def listen(api: Api, track: dict[str, Any]) -> None:
    """A counted play: the whole (short) track heard."""
    seconds = track["audio"]["duration_s"]
    result = ok(api.post(f"tracks/{track['id']}/plays", json={"position_s": seconds, "duration_s": seconds}))
    assert result["counted"], result


def wait_for_run(admin: Api, run_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while (run := ok(admin.get(f"admin/payout-runs/{run_id}")))["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, run
        time.sleep(0.3)
    return run


def split_of(run: dict[str, Any], user_id: str) -> dict[str, Any]:
    [split] = [s for s in run["splits"] if s["user_id"] == user_id]
    return split


def signed_post(platform, path: str, body: bytes, secret: str) -> requests.Response:
    return requests.post(f"{platform.url}/api/v1/webhooks/{path}", data=body, timeout=30,
                         headers={"Stripe-Signature": signature_header(body, secret),
                                  "Content-Type": "application/json"})


# -- the month, played out once per platform -----------------------------------------------------------------------

class Month:
    """Everything the tests look at: two onboarded producers (B's flags turned red), a subscriber's plays, an
    exclusive sale of A's, and the admin's run of the month."""

    def __init__(self, platform, folder, undo: list[Callable[[], Any]]):
        stripe = platform.stripe
        stripe.auto_deliver = True
        self.platform, self.period = platform, this_month()
        self.admin = Api(platform.url)
        self.admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        self.a, self.b = make_producer(platform, self.admin), make_producer(platform, self.admin)
        self.before_connect = finances(self.a)
        self.onboarding = onboard(platform, self.a)
        onboard(platform, self.b)
        self.account_a = account_of(stripe, self.a.user["id"])["id"]
        self.account_b = account_of(stripe, self.b.user["id"])["id"]
        stripe.requirements_due(self.account_b)  # B's flags turn red before the run
        self.b_red = eventually(lambda: (f := finances(self.b))["stripe"]["status"] != "payout_ready" and f,
                                what="B no longer payout-ready")

        def wav(name: str):
            return audio.make_wav(folder / f"{name}.wav", seconds=11, channels=1, seed=uuid.uuid4().int % 10**6)
        self.track_a = publish(self.a, wav("a"))
        self.exclusive_a = publish(self.a, wav("a-exclusive"), **EXCLUSIVE)
        self.track_b = publish(self.b, wav("b"))

        self.subscriber = Subscriber(Api(platform.url), stripe)
        self.subscriber.subscribe("classic")
        listen(self.subscriber.api, self.track_a)
        listen(self.subscriber.api, self.track_b)

        buyer = Api(platform.url)
        buyer.register()
        assert pay_on_hosted_page(checkout(buyer, self.exclusive_a["id"])).status_code == 200
        eventually(lambda: any(t["kind"] == "exclusive_sale" for t in self.transactions(self.a)),
                   what="the exclusive sale on A's ledger")
        stripe.set_platform_balance("cad", 100_000_000)  # the fake's platform balance covers every transfer
        # from the run on, Stripe's clock agrees with payouts' (a month ahead): the transfers are dated after the
        # run started, where reconciliation looks for them; the fixture puts the clock back for the next modules
        stripe.advance_clock(PAYOUTS_CLOCK_OFFSET_S)
        undo.append(lambda: stripe.advance_clock(-PAYOUTS_CLOCK_OFFSET_S))

        eventually(lambda: self.statement_ready(), what="the month's plays reached payouts")
        self.non_admin_run = self.a.post("admin/payout-runs", json={"period": self.period})
        self.started = self.admin.post("admin/payout-runs", json={"period": self.period})
        self.run = wait_for_run(self.admin, ok(self.started, 202)["id"])
        self.started_again = self.admin.post("admin/payout-runs", json={"period": self.period})

    @staticmethod
    def transactions(api: Api) -> list[dict[str, Any]]:
        return ok(api.get("producer/finances/transactions?limit=100"))["items"]

    def statement_ready(self) -> bool:
        """Payouts has counted the subscriber's play of A's track (play_recorded is consumed asynchronously)."""
        response = self.a.get(f"producer/statements/{self.period}")
        assert response.status_code in (200, 409), response.text  # 409: payouts has no play of the month yet
        if response.status_code != 200:
            return False
        plays = {t["track_id"]: t["plays"] for t in response.json()["tracks"]}
        return plays.get(self.track_a["id"]) == 1


@pytest.fixture(scope="module")
def month(platform, tmp_path_factory) -> Iterator[Month]:
    undo: list[Callable[[], Any]] = []
    try:
        yield Month(platform, tmp_path_factory.mktemp("payouts"), undo)
    finally:
        for step in undo:
            step()


# -- onboarding ----------------------------------------------------------------------------------------------------

def test_a_producer_who_never_connected_sees_zero_cards_and_not_connected(month):
    assert month.before_connect["stripe"]["status"] == "not_connected"
    assert month.before_connect["cards"] == {card: ZERO_CAD for card in ("balance", "upcoming", "in_transit",
                                                                         "lifetime")}


def test_connecting_is_201_then_200_for_the_same_country_and_409_for_another(month):
    seen = month.onboarding
    assert set(seen["link"]) == {"url", "expires_at"} and seen["link"]["url"].startswith("http")
    assert seen["again"].status_code == 200 and set(seen["again"].json()) == {"url", "expires_at"}
    assert seen["other_country"].status_code == 409


def test_the_return_page_changes_nothing_and_the_webhook_makes_the_producer_payout_ready(month):
    seen = month.onboarding
    assert seen["return_page"].status_code == 200 and "when Stripe confirms" in seen["return_page"].text
    assert seen["after_return_page"]["stripe"]["status"] != "payout_ready"
    assert seen["landed_on"].startswith(f"{month.platform.url}/producer/stripe/return")
    assert seen["ready"]["stripe"] | {"country": "CA"} == {
        "status": "payout_ready", "connected": True, "charges_enabled": True, "payouts_enabled": True,
        "currently_due": [], "country": "CA"}


def test_a_non_producer_cannot_connect_and_an_unsupported_country_is_422(month):
    listener = Api(month.platform.url)
    listener.register()
    assert listener.post("producer/stripe/connect", json={"country": "CA"}).status_code == 403
    assert listener.get("producer/finances").status_code == 403
    producer = make_producer(month.platform, month.admin)
    refused = producer.post("producer/stripe/connect", json={"country": "KP"})
    assert refused.status_code == 422 and "country" in refused.json()["details"]
    assert producer.post("producer/stripe/connect/refresh").status_code == 404  # nothing to refresh yet


def test_a_fresh_link_for_a_connected_producer(month):
    link = ok(month.a.post("producer/stripe/connect/refresh"))
    assert link["url"] != month.onboarding["link"]["url"]


# -- the run -------------------------------------------------------------------------------------------------------

def test_only_admins_start_runs_and_a_period_must_have_ended(month):
    assert month.non_admin_run.status_code == 403
    assert month.admin.post("admin/payout-runs", json={"period": "2026-13"}).status_code == 422
    assert month.admin.post("admin/payout-runs", json={"period": months_ahead(month.period, 3)}).status_code == 409
    assert month.a.get(f"admin/payout-runs/{month.run['id']}").status_code == 403


def test_the_run_pays_the_payout_ready_producer_their_share_and_sale_by_one_transfer(month):
    started = month.started.json()
    assert month.started.headers["Location"] == f"/api/v1/admin/payout-runs/{started['id']}"
    assert started["period"] == month.period and started["pool"]["currency"] == "CAD"
    run = month.run
    assert run["status"] == "completed", run
    pool = run["pool"]["amount_cents"]
    assert pool >= 2900  # at least the subscriber's Classic invoice, paid this month
    paid = split_of(run, month.a.user["id"])
    # every other producer of the month is excluded (B turned red; the other tests' producers never connected):
    # A's share is the whole pool, and the transfer carries it with the exclusive's full price
    assert (paid["status"], paid["amount_cents"], paid["currency"]) == ("paid", pool, "CAD")
    assert paid["transfer_cents"] == pool + PRICE_CENTS
    assert sum(s["amount_cents"] for s in run["splits"]) == pool
    [transfer] = [t for t in month.platform.stripe.store.of_kind("transfer")
                  if t["destination"] == month.account_a]
    assert (transfer["id"], transfer["amount"], transfer["currency"]) == (paid["stripe_transfer_id"],
                                                                          pool + PRICE_CENTS, "cad")


def test_a_producer_whose_flags_turned_red_before_the_run_is_excluded(month):
    assert month.b_red["stripe"]["payouts_enabled"] is False and month.b_red["stripe"]["currently_due"]
    excluded = split_of(month.run, month.b.user["id"])
    assert (excluded["status"], excluded["reason"], excluded["amount_cents"]) == ("excluded", "not_payout_ready", 0)
    assert month.platform.stripe.transfer_count(destination=month.account_b) == 0


def test_starting_the_run_again_answers_the_same_run_and_pays_nobody_twice(month):
    again = ok(month.started_again, 202)
    assert again["id"] == month.run["id"]
    wait_for_run(month.admin, again["id"])
    assert month.platform.stripe.transfer_count(destination=month.account_a) == 1


def test_admins_list_the_runs_newest_period_first_without_their_splits(month):
    assert month.a.get("admin/payout-runs").status_code == 403
    assert month.admin.get("admin/payout-runs", params={"limit": 0}).status_code == 422
    page = ok(month.admin.get("admin/payout-runs", params={"limit": 100}))
    periods = [item["period"] for item in page["items"]]
    assert periods == sorted(periods, reverse=True) and page["total"] == len(periods)
    [listed] = [item for item in page["items"] if item["id"] == month.run["id"]]
    assert (listed["period"], listed["status"], listed["pool"]) == (month.period, "completed", month.run["pool"])
    assert listed["counts"] == month.run["counts"] and listed["counts"]["paid"] >= 1
    assert "splits" not in listed
    first = ok(month.admin.get("admin/payout-runs", params={"limit": 1}))
    assert len(first["items"]) == 1 and first["items"][0]["id"] == page["items"][0]["id"]
    assert (first["next"] is None) == (page["total"] == 1)


# -- what the producer sees ----------------------------------------------------------------------------------------

def test_the_finances_page_and_history_show_the_payout(month):
    paid = split_of(month.run, month.a.user["id"])
    page = finances(month.a)
    assert page["cards"]["balance"] == ZERO_CAD  # everything earned was transferred
    assert page["cards"]["lifetime"] == [{"amount_cents": paid["transfer_cents"], "currency": "CAD"}]
    assert page["multi_currency_warning"] is False
    assert [artist["id"] for artist in page["artists"]] == [month.a.artist["id"]]
    history = Month.transactions(month.a)
    by_kind = {t["kind"]: t for t in history}
    assert by_kind["pool_share"]["amount_cents"] == paid["amount_cents"]
    assert by_kind["pool_share"]["run_id"] == month.run["id"]
    assert by_kind["exclusive_sale"]["amount_cents"] == PRICE_CENTS
    assert by_kind["transfer"]["amount_cents"] == -paid["transfer_cents"]
    assert by_kind["transfer"]["stripe_id"] == paid["stripe_transfer_id"]
    assert sum(t["amount_cents"] for t in history) == 0


def test_the_statement_shows_the_pool_the_tracks_and_the_user_centric_model(month):
    statement = ok(month.a.get(f"producer/statements/{month.period}"))
    assert statement["pool"] == month.run["pool"]
    assert statement["artist_id"] == month.a.artist["id"]
    tracks = {t["track_id"]: t for t in statement["tracks"]}
    assert set(tracks) == {month.track_a["id"], month.exclusive_a["id"]}
    heard = tracks[month.track_a["id"]]
    assert (heard["plays"], heard["producer_count"]) == (1, 1)
    assert heard["popularity_factor"] == pytest.approx(1 + 2 * 0.30103 / 1.30103, abs=1e-3)  # L = log10(2)
    assert 0.89 < heard["age_factor"] <= 1.0  # uploaded this month: under a month old at its end
    assert 0 < statement["share"] < 1 and statement["contribution"] > 0
    assert statement["user_centric"]["subscribers"] >= 1
    assert statement["user_centric"]["amount"]["currency"] == "CAD"
    other = month.b.get(f"producer/statements/{month.period}?artist={month.a.artist['id']}")
    assert other.status_code == 404  # someone else's artist


def test_reconciliation_reports_zero_differences(month):
    env = {**month.platform.env, "PYTHONPATH": str(config.ROOT)}
    result = subprocess.run([sys.executable, "-m", "services.payouts.cli", "reconcile", "--period", month.period],
                            env=env, cwd=config.ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


# -- webhooks ------------------------------------------------------------------------------------------------------

def test_a_bad_signature_on_either_endpoint_is_400(month):
    env = month.platform.env
    body = json.dumps({"id": f"evt_{uuid.uuid4().hex}", "object": "event", "type": "account.updated",
                       "account": month.account_a, "data": {"object": {"id": month.account_a}}}).encode()
    for path, wrong in (("stripe", env["STRIPE_CONNECT_WEBHOOK_SECRET"]),
                        ("stripe/connect", env["STRIPE_WEBHOOK_SECRET"]),
                        ("stripe/connect", "whsec_forged")):
        response = signed_post(month.platform, path, body, wrong)
        assert response.status_code == 400 and response.json()["error"] == "invalid_webhook", path
    assert stripe_status(month.a) == "payout_ready"


def test_a_replayed_connect_webhook_has_one_effect(month):
    """Stripe delivers again the event that made B payout-ready (an old one, since B turned red): the service
    answers `duplicate` and nothing changes."""
    with month.platform.stripe.store.lock:
        [green] = [e for e in month.platform.stripe.store.events if e["type"] == "account.updated"
                   and e.get("account") == month.account_b and e["data"]["object"]["payouts_enabled"]][:1]
    response = signed_post(month.platform, "stripe/connect", encode_event(green),
                           month.platform.env["STRIPE_CONNECT_WEBHOOK_SECRET"])
    assert response.status_code == 200 and response.json()["status"] == "duplicate"
    assert stripe_status(month.b) != "payout_ready"
