"""Stripe Connect in the fake: Express accounts and their onboarding links, and the Connect state (balances,
links, transfer counts) that transfers.py moves money through.

Every object starts as Stripe's own fixture (like the rest of the fake); only the fields the fake understands are
overwritten. Functions take the Store and run under its lock. Events about a connected account (account.updated,
payout.*) carry its id in `account` and go to the Connect webhook endpoint; transfer.* are the platform's own."""

from __future__ import annotations

import copy
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from devtools.fakestripe.forms import StripeError, as_bool, as_int, merge_metadata, missing
from devtools.fakestripe.objects import Obj, fixture, list_object, new_id

if TYPE_CHECKING:
    from devtools.fakestripe.resources import Store

_EUR = "AT BE CY DE EE ES FI FR GR HR IE IT LT LU LV MT NL PT SI SK".split()
# The countries Stripe offers Express accounts in, with the default currency of an account there.
COUNTRY_CURRENCY: dict[str, str] = {
    **{c: "eur" for c in _EUR}, "AU": "aud", "BG": "bgn", "CA": "cad", "CH": "chf", "CZ": "czk", "DK": "dkk",
    "GB": "gbp", "GI": "gbp", "HK": "hkd", "HU": "huf", "JP": "jpy", "LI": "chf", "MX": "mxn", "NO": "nok",
    "NZ": "nzd", "PL": "pln", "RO": "ron", "SE": "sek", "SG": "sgd", "TH": "thb", "US": "usd",
}
PLATFORM_COUNTRY = "CA"  # BeatPass's own: the default country of new accounts and the platform's currency
PLATFORM_CURRENCY = COUNTRY_CURRENCY[PLATFORM_COUNTRY]
# Until a test sets it, the platform holds this much in every currency: transfers only run short on purpose.
DEFAULT_PLATFORM_AVAILABLE = 1_000_000_000
ONBOARDING_FIELDS = ["business_profile.url", "external_account", "individual.dob.day", "individual.first_name",
                     "individual.last_name", "tos_acceptance.date", "tos_acceptance.ip"]
LINK_LIFETIME = 300  # seconds, as Stripe's account links
INSUFFICIENT_FUNDS = ("You have insufficient available funds in your Stripe account. Try adding funds directly to "
                      "your available balance by creating Top-ups: https://stripe.com/docs/api#create_topup")
_EXPRESS_CONTROLLER = {
    "fees": {"payer": "application_express"}, "is_controller": True, "losses": {"payments": "application"},
    "requirement_collection": "stripe", "stripe_dashboard": {"type": "express"}, "type": "application",
}


@dataclass
class Link:
    account: str
    refresh_url: str
    return_url: str
    expires_at: int
    used: bool = False


@dataclass
class ConnectState:
    platform: dict[str, int] = field(default_factory=dict)  # available by currency (DEFAULT_... until touched)
    balances: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))  # account → currency
    links: dict[str, Link] = field(default_factory=dict)  # onboarding page token → link
    payout_account: dict[str, str] = field(default_factory=dict)  # payout id → its connected account
    transfers_by_destination: Counter[str] = field(default_factory=Counter)
    transfers_by_key: Counter[str] = field(default_factory=Counter)

    def platform_available(self, currency: str) -> int:
        return self.platform.setdefault(currency, DEFAULT_PLATFORM_AVAILABLE)

    def add(self, account: str | None, currency: str, amount: int) -> None:
        if account is None:
            self.platform[currency] = self.platform_available(currency) + amount
        else:
            self.balances[account][currency] = self.balances[account].get(currency, 0) + amount


def changed(before: Obj, after: Obj) -> Obj:
    return {k: v for k, v in before.items() if after.get(k) != v}


def positive(p: Obj, name: str) -> int:
    if name not in p:
        raise StripeError(f"Missing required param: {name}.", param=name, code="parameter_missing")
    value = as_int(p[name], name)
    if value <= 0:
        raise StripeError("Invalid positive integer", param=name, code="parameter_invalid_integer")
    return value


def required(p: Obj, name: str) -> str:
    value = p.get(name)
    if not value or not isinstance(value, str):
        raise StripeError(f"Missing required param: {name}.", param=name, code="parameter_missing")
    return value


def created_filter(objects: list[Obj], created: Any) -> list[Obj]:
    """Stripe's `created` list filter: an exact timestamp or a dict of gt / gte / lt / lte."""
    if created is None:
        return objects
    if not isinstance(created, dict):
        exact = as_int(created, "created")
        return [o for o in objects if o["created"] == exact]
    tests = {"gt": lambda a, b: a > b, "gte": lambda a, b: a >= b, "lt": lambda a, b: a < b,
             "lte": lambda a, b: a <= b}
    for op, bound in created.items():
        if op not in tests:
            raise StripeError(f"Invalid created filter: created[{op}]", param=f"created[{op}]",
                              code="parameter_unknown")
        limit = as_int(bound, f"created[{op}]")
        objects = [o for o in objects if tests[op](o["created"], limit)]
    return objects


# -- accounts -------------------------------------------------------------------------------------------------

def _requirements(fields: list[str], past_due: bool = False) -> Obj:
    return {"alternatives": [], "current_deadline": None, "currently_due": list(fields),
            "disabled_reason": "requirements.past_due" if fields else None, "errors": [],
            "eventually_due": list(fields), "past_due": list(fields) if past_due else [],
            "pending_verification": []}


def create_account(store: Store, p: Obj) -> Obj:
    """POST /v1/accounts: an Express account (the only type the fake makes), waiting for onboarding."""
    if p.get("type") != "express":
        raise StripeError("The fake Stripe makes only Express accounts: pass type=express.", param="type",
                          code="parameter_missing" if "type" not in p else "parameter_invalid")
    country = str(p.get("country") or PLATFORM_COUNTRY).upper()
    if country not in COUNTRY_CURRENCY:
        raise StripeError(f"Country '{country}' is unknown or does not support Express accounts. Try a 2-character "
                          "country code such as 'US', 'CA' or 'GB'.", param="country", code="country_unsupported")
    asked = p.get("capabilities") or {}
    if not isinstance(asked, dict):
        raise StripeError("Invalid object: capabilities", param="capabilities", code="parameter_invalid")
    requested = sorted(k for k, v in asked.items()
                       if isinstance(v, dict) and as_bool(v.get("requested", "false"), f"capabilities[{k}][requested]"))
    if "transfers" not in requested:
        raise StripeError("Express accounts must request the transfers capability: "
                          "capabilities[transfers][requested]=true.", param="capabilities",
                          code="parameter_missing")
    account = fixture("account")
    aid = new_id("acct", 16)
    account.update(
        id=aid, type="express", country=country, default_currency=COUNTRY_CURRENCY[country],
        email=p.get("email") or None, metadata=merge_metadata({}, p.get("metadata")), created=store.now(),
        business_type=p.get("business_type"), details_submitted=False, charges_enabled=False,
        payouts_enabled=False, capabilities={name: "inactive" for name in requested},
        controller=copy.deepcopy(_EXPRESS_CONTROLLER), requirements=_requirements(ONBOARDING_FIELDS),
        future_requirements=_requirements([]), tos_acceptance={"date": None, "ip": None, "user_agent": None},
    )
    account["external_accounts"] = list_object([], f"/v1/accounts/{aid}/external_accounts")
    return store.put(account)


def update_account(store: Store, aid: str, p: Obj) -> Obj:
    """POST /v1/accounts/<id>: email and metadata (what a platform may change on an Express account)."""
    account = store.get("account", aid)
    before = copy.deepcopy(account)
    if "email" in p:
        account["email"] = p["email"] or None
    if "metadata" in p:
        account["metadata"] = merge_metadata(account["metadata"], p["metadata"])
    _updated(store, before, account)
    return account


def _bank_account(store: Store, account: Obj) -> Obj:
    bank = fixture("bank_account")
    bank.update(id=new_id("ba"), country=account["country"],
                currency=account["default_currency"], account_holder_name=account["email"],
                account_holder_type="individual", status="new", metadata={})
    return bank


def complete_onboarding(store: Store, aid: str) -> Obj:
    """What the account holder finishing Stripe's hosted onboarding does: every flag green, nothing due."""
    account = store.get("account", aid)
    before = copy.deepcopy(account)
    account.update(details_submitted=True, charges_enabled=True, payouts_enabled=True,
                   requirements=_requirements([]), capabilities={k: "active" for k in account["capabilities"]})
    if account["tos_acceptance"]["date"] is None:
        account["tos_acceptance"] = {"date": store.now(), "ip": "127.0.0.1", "user_agent": "fakestripe"}
    if not account["external_accounts"]["data"]:
        account["external_accounts"]["data"].append(_bank_account(store, account))
    _updated(store, before, account)
    return account


def _updated(store: Store, before: Obj, account: Obj) -> None:
    # Stripe sends account.updated only when something changed (finishing twice is silent).
    previous = changed(before, account)
    if previous:
        store.emit("account.updated", account, previous, account=account["id"])


def requirements_due(store: Store, aid: str, fields: list[str] | None = None) -> Obj:
    """Stripe wants more information and it is past due: charges and payouts turn off, the account's
    capabilities go inactive, `requirements.currently_due` lists what is needed."""
    account = store.get("account", aid)
    before = copy.deepcopy(account)
    account.update(charges_enabled=False, payouts_enabled=False,
                   requirements=_requirements(fields or ["individual.verification.document"], past_due=True),
                   capabilities={k: "inactive" for k in account["capabilities"]})
    _updated(store, before, account)
    return account


def create_account_link(store: Store, p: Obj) -> Obj:
    """POST /v1/account_links: a single-use URL of the fake's hosted onboarding page, for LINK_LIFETIME seconds."""
    account = store.get("account", required(p, "account"), "account")
    if p.get("type") != "account_onboarding":
        raise StripeError("The fake Stripe makes only type=account_onboarding links (Express accounts have no "
                          "account_update links).", param="type",
                          code="parameter_missing" if "type" not in p else "parameter_invalid")
    refresh_url, return_url = required(p, "refresh_url"), required(p, "return_url")
    token = secrets.token_urlsafe(16)
    now = store.now()
    store.connect.links[token] = Link(account["id"], refresh_url, return_url, now + LINK_LIFETIME)
    link = fixture("account_link")
    link.update(created=now, expires_at=now + LINK_LIFETIME, url=f"{store.base_url()}/connect/onboarding/{token}")
    return link


def usable_link(store: Store, token: str) -> Link:
    """The link behind a page token; raises (404) for an unknown one. Used or expired ones are returned too:
    the caller sends the browser to their refresh_url, as Stripe does."""
    link = store.connect.links.get(token)
    if link is None:
        raise missing("account link", token)
    return link


def link_spent(store: Store, link: Link) -> bool:
    return link.used or store.now() >= link.expires_at
