"""The money pages in a real browser, against the fake Stripe's hosted pages: sign up → subscribe through Checkout →
download → the certificate and its public verification page; a free listener told why a download is refused; a
past-due plan shown plainly; an exclusive bought through Checkout; beat requests with their token cost."""
from __future__ import annotations

import io
import re
import uuid

import pypdf
import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import POSTGRES_ONLY, axe_violations, screenshot
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.e2e.test_licensing import EXCLUSIVE, FEE_CENTS, PRICE_CENTS, publish
from tests.e2e.test_uploads import make_producer
from tests.support import audio
from tests.support.api import Api
from tests.support.billing import Subscriber

pytestmark = POSTGRES_ONLY

PASSWORD = "correct horse battery"


class Shop:
    def __init__(self, producer: Api, track: dict, exclusive: dict, original: bytes):
        self.producer, self.track, self.exclusive, self.original = producer, track, exclusive, original


@pytest.fixture(scope="module")
def shop(platform, tmp_path_factory) -> Shop:
    admin = Api(platform.url)
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    producer = make_producer(platform, admin)
    folder = tmp_path_factory.mktemp("web-money")
    wav = audio.make_wav(folder / "beat.wav", seed=uuid.uuid4().int % 10**6)
    track = publish(producer, wav, name=f"Web Money {uuid.uuid4().hex[:6]}")
    exclusive = publish(producer, audio.make_wav(folder / "exclusive.wav", seed=uuid.uuid4().int % 10**6),
                        name=f"Web Exclusive {uuid.uuid4().hex[:6]}", **EXCLUSIVE)
    return Shop(producer, track, exclusive, wav.read_bytes())


@pytest.fixture
def stripe(platform, page):
    platform.stripe.auto_deliver = True  # the fake delivers its webhooks before sending the browser back
    # the fake's pages name no icon: the browser's request for one is the fake's 404, not the app's problem
    page.route(f"{platform.stripe.base_url}/favicon.ico", lambda route: route.fulfill(status=204))
    yield platform.stripe
    platform.stripe.pending.clear()


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def listener(page, platform) -> Api:
    api = Api(platform.url)
    account = api.register()
    log_in(page, account["email"])
    return api


def pay_on_the_fake_stripe(page, stripe, total: str) -> None:
    """Stripe's hosted Checkout page (the fake's): a plain HTML form whose first button pays."""
    expect(page).to_have_url(re.compile(re.escape(stripe.base_url) + r"/checkout/"))
    expect(page.locator("#total")).to_contain_text(total)
    page.get_by_role("button", name=f"Pay {total}").click()


def assert_clean(page) -> None:
    violations = axe_violations(page)
    assert violations == [], violations
    assert page.problems == []


def test_sign_up_subscribe_through_the_fake_stripe_download_and_open_the_verification_page(page, platform, shop,
                                                                                          stripe):
    name = f"web_{uuid.uuid4().hex[:8]}"
    page.goto("/signup")
    page.get_by_label("Email").fill(f"{name}@example.com")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("link", name=name)).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Plans").click()
    plans = page.get_by_role("list", name="Plans")
    expect(plans.get_by_role("listitem").filter(has_text="Explorer").first).to_contain_text("Your plan")
    expect(plans).to_contain_text("$29.00 CAD")  # Classic: 2900 cents in CAD
    page.get_by_role("button", name="Subscribe to Classic").click()
    pay_on_the_fake_stripe(page, stripe, "29.00 CAD")

    expect(page).to_have_url(re.compile(r"/billing/success\?session_id=cs_"))
    expect(page.get_by_test_id("plan-confirmed")).to_contain_text("You are on the Classic plan")
    assert page.problems == []

    # the download: the reason it is allowed, then signed links the browser saves with no token
    page.goto(f"/tracks/{shop.track['id']}")
    expect(page.get_by_test_id("download-reason")).to_contain_text("Your plan includes downloads")
    page.get_by_role("button", name="Download", exact=True).click()
    expect(page.get_by_text("Standard licence issued")).to_be_visible()
    with page.expect_download() as saving:
        page.get_by_role("link", name="Download Original (WAV)").click()
    assert open(saving.value.path(), "rb").read() == shop.original
    mp3 = page.get_by_role("link", name="Download MP3 320 (MP3)").get_attribute("href")
    assert requests.get(f"{platform.url}{mp3}", timeout=30).headers["Content-Type"] == "audio/mpeg"

    # the certificate: the API serves it only with the bearer token, which the page keeps in memory
    with page.expect_download() as saving:
        page.get_by_role("button", name=re.compile("^Certificate \\(PDF\\)")).click()
    assert saving.value.suggested_filename.endswith(".pdf")
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(open(saving.value.path(), "rb").read())).pages)
    verify = page.get_by_role("link", name=re.compile("^Verification page"))
    license_id = verify.get_attribute("href").rsplit("/", 1)[-1]
    assert license_id in text and f"{name[0]}***@example.com" in text
    assert page.problems == []

    # the library lists it with the same two ways to prove it
    page.goto("/library/licenses")
    item = page.get_by_role("list", name="Licences").get_by_role("listitem").first
    expect(item).to_contain_text(shop.track["name"])
    expect(item).to_contain_text("Standard licence")
    expect(item).to_contain_text("Valid")
    item.get_by_role("button", name=f"Get download links for {shop.track['name']}").click()
    expect(item.get_by_role("link", name="Download Original (WAV)")).to_be_visible()
    screenshot(page, "money-licenses")
    assert_clean(page)

    page.goto("/account/billing")
    expect(page.get_by_test_id("subscription-status")).to_have_text("Active")
    expect(page.get_by_role("heading", name="Your plan: Classic")).to_be_visible()
    expect(page.get_by_role("button", name="Open the billing portal")).to_be_visible()
    screenshot(page, "money-billing")
    assert_clean(page)

    # the public verification page the licence links to (the gateway's own page)
    page.goto("/library/licenses")
    page.get_by_role("link", name=re.compile("^Verification page")).first.click()
    expect(page).to_have_url(f"{platform.url}/verify-license/{license_id}")
    expect(page.locator("body")).to_contain_text("Valid licence")
    expect(page.locator("body")).to_contain_text(shop.track["name"])


def test_a_free_listener_sees_why_a_download_is_refused_with_a_link_to_the_plans(page, platform, shop):
    listener(page, platform)
    page.goto(f"/tracks/{shop.track['id']}")
    expect(page.get_by_test_id("download-reason")).to_contain_text("Downloads come with the Classic, Plus and Pro plans")
    expect(page.get_by_role("button", name="Download", exact=True)).to_be_disabled()
    screenshot(page, "money-track-free-plan")
    assert_clean(page)
    page.get_by_role("link", name="See the plans").click()
    expect(page).to_have_url(f"{platform.url}/plans")
    expect(page.get_by_role("button", name="Subscribe to Plus")).to_be_visible()
    screenshot(page, "money-plans")
    assert_clean(page)


def test_an_anonymous_visitor_sees_the_plans_and_is_asked_to_log_in(page, shop):
    page.goto("/plans")
    expect(page.get_by_role("list", name="Plans").get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Pro", exact=True))) \
        .to_contain_text("$59.00 CAD")
    expect(page.get_by_role("link", name="Log in to subscribe to Plus")).to_have_attribute("href", "/login?next=/plans")
    screenshot(page, "money-plans-anonymous")
    assert_clean(page)
    page.goto(f"/tracks/{shop.track['id']}")
    expect(page.get_by_role("region", name="Download")).to_contain_text("Log in to download")


def test_a_past_due_plan_is_shown_plainly_with_what_to_do(page, platform, shop, stripe):
    member = Subscriber(Api(platform.url), stripe)
    member.subscribe("plus")
    stripe.fail_payment(member.subscription_id)  # the renewal's payment fails: Stripe marks it past due
    assert member.me()["subscription_status"] == "past_due"
    log_in(page, member.user["email"])

    page.goto("/account/billing")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Payment past due")
    expect(alert).to_contain_text("update your card")
    expect(page.get_by_test_id("subscription-status")).to_have_text("Payment past due")
    expect(page.get_by_role("button", name="Open the billing portal")).to_be_visible()
    screenshot(page, "money-billing-past-due")
    assert_clean(page)

    page.goto(f"/tracks/{shop.track['id']}")
    expect(page.get_by_test_id("download-reason")).to_contain_text("Your last payment failed")
    expect(page.get_by_role("link", name="Update your payment")).to_have_attribute("href", "/account/billing")

    page.goto("/plans")
    expect(page.get_by_role("alert")).to_contain_text("Payment past due")
    expect(page.get_by_role("button", name="Switch to Pro in the billing portal")).to_be_visible()
    assert page.problems == []

    # the way out: Stripe's billing portal (the fake's), which returns to the app's billing page
    page.goto("/account/billing")
    page.get_by_role("button", name="Open the billing portal").click()
    expect(page).to_have_url(re.compile(re.escape(stripe.base_url) + r"/billing_portal/"))
    expect(page.locator("body")).to_contain_text("Status: past_due")
    page.get_by_role("link", name="Return to the merchant").click()
    expect(page).to_have_url(f"{platform.url}/account/billing")
    expect(page.get_by_role("heading", name="Plan and billing")).to_be_visible()


def test_buying_an_exclusive_through_the_fake_stripe_issues_the_exclusive_licence(page, platform, shop, stripe):
    listener(page, platform)
    page.goto(f"/tracks/{shop.exclusive['id']}")
    total = f"${(PRICE_CENTS + FEE_CENTS) / 100:,.2f} CAD"
    expect(page.get_by_test_id("exclusive-total")).to_have_text(total)
    screenshot(page, "money-track-exclusive")
    assert_clean(page)
    page.get_by_role("button", name=f"Buy the exclusive for {total}").click()
    pay_on_the_fake_stripe(page, stripe, f"{(PRICE_CENTS + FEE_CENTS) / 100:.2f} CAD")

    expect(page).to_have_url(re.compile(r"/exclusive/success\?session_id=cs_"))
    expect(page.get_by_test_id("exclusive-confirmed")).to_contain_text(shop.exclusive["name"])
    page.get_by_role("link", name="Your licences").click()
    item = page.get_by_role("list", name="Licences").get_by_role("listitem").first
    expect(item).to_contain_text("Exclusive licence")
    expect(item).to_contain_text(total)
    # the exclusive terms' deliverables: the original WAV (one button: it is also the "WAV") and the tagged WAV
    item.get_by_role("button", name=f"Get download links for {shop.exclusive['name']}").click()
    expect(item.get_by_role("link", name="Download Tagged WAV (WAV)")).to_be_visible()
    expect(item.get_by_role("link", name="Download Original (WAV)")).to_be_visible()
    expect(item.get_by_role("link", name="Download WAV (WAV)")).to_have_count(0)
    assert page.problems == []


def test_beat_requests_show_the_balance_and_cost_and_the_apis_reasons(page, platform, shop):
    requester = listener(page, platform)
    page.goto("/beat-requests")
    expect(page.get_by_test_id("token-balance")).to_contain_text("1 token left this month")
    expect(page.get_by_text("No beat requests yet.")).to_be_visible()

    page.get_by_label("Genre").fill("Trap")
    page.get_by_label("Mood").fill("dark")
    page.get_by_label("BPM from").fill("150")
    page.get_by_label("BPM to").fill("140")
    page.get_by_label("Budget (CAD)").fill("50")
    page.get_by_role("button", name="Post the request (1 token)").click()
    expect(page.locator("#bpm_min-error")).to_contain_text("Must not exceed bpm_max.")  # the API's words
    expect(page.get_by_label("BPM from")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("BPM from").fill("120")
    page.get_by_label("48 hours · 2 tokens").check()
    expect(page.get_by_test_id("request-cost")).to_contain_text("This request costs 2 tokens; you have 1 token.")
    page.get_by_role("button", name="Post the request (2 tokens)").click()
    expect(page.get_by_role("alert")).to_contain_text("costs 2")  # the 402's message: balance, cost, reset date

    page.get_by_label("24 hours · 1 token").check()
    page.get_by_role("button", name="Post the request (1 token)").click()
    expect(page.get_by_role("status").filter(has_text="Request posted")).to_have_text(
        "Request posted for 1 token: 0 tokens left.")
    expect(page.get_by_test_id("token-balance")).to_contain_text("0 tokens left this month")
    [mine] = requester.get("me/beat-requests").json()["items"]
    assert (mine["genre"], mine["bpm_min"], mine["bpm_max"], mine["budget_cents"]) == ("Trap", 120, 140, 5000)

    answer = shop.producer.post(f"beat-requests/{mine['id']}/responses",
                                json={"track_id": shop.track["id"], "message": "how about this"})
    assert answer.status_code == 201, answer.text
    page.reload()
    request = page.get_by_role("list", name="Your beat requests").get_by_role("listitem").first
    expect(request).to_contain_text("Trap, 120–140 BPM")
    expect(request).to_contain_text("$50.00 CAD")
    request.get_by_role("button", name="Show the responses").click()
    expect(request.get_by_role("link", name=shop.track["name"])).to_be_visible()
    expect(request).to_contain_text("how about this")
    screenshot(page, "money-beat-requests")
    # the browser logs the two refusals the test asked for; nothing else went wrong
    assert [problem.rsplit("(", 1)[-1] for problem in page.problems] == ["UNPROCESSABLE ENTITY)", "PAYMENT REQUIRED)"]
    page.problems.clear()
    assert_clean(page)


def test_the_beat_request_costs_shown_are_the_apis(page, platform, shop):
    """The form, its cost line and the explanation show the API's table (GET /beat-requests/costs), whatever it
    says: here a stand-in table the app could not have copied."""
    listener(page, platform)
    table = {"costs": [{"lifetime_hours": 12, "cost_tokens": 1}, {"lifetime_hours": 96, "cost_tokens": 4}],
             "renewal": {"lifetime_hours": 24, "cost_tokens": 2}}
    page.route(re.compile(r"^[^?]*/api/v1/beat-requests/costs(\?.*)?$"), lambda route: route.fulfill(json=table))
    page.goto("/beat-requests")
    expect(page.get_by_label("12 hours · 1 token")).to_be_checked()
    expect(page.get_by_label("96 hours · 4 tokens")).to_be_visible()
    expect(page.get_by_label("48 hours · 2 tokens")).to_have_count(0)
    expect(page.get_by_text("A request costs 1 token for 12 hours, 4 tokens for 96 hours")).to_be_visible()
    expect(page.get_by_text("renewing an expired one costs 2 tokens")).to_be_visible()
    page.get_by_label("96 hours · 4 tokens").check()
    expect(page.get_by_test_id("request-cost")).to_contain_text("This request costs 4 tokens; you have 1 token.")
    page.unroute_all()
    assert_clean(page)
