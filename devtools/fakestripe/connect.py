"""Stripe Connect in the fake: Express accounts and their onboarding links, transfers and reversals from the
platform's balance, and connected accounts' balances and payouts.

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


def _changed(before: Obj, after: Obj) -> Obj:
    return {k: v for k, v in before.items() if after.get(k) != v}


def _positive(p: Obj, name: str) -> int:
    if name not in p:
        raise StripeError(f"Missing required param: {name}.", param=name, code="parameter_missing")
    value = as_int(p[name], name)
    if value <= 0:
        raise StripeError("Invalid positive integer", param=name, code="parameter_invalid_integer")
    return value


def _required(p: Obj, name: str) -> str:
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
    if account != before:
        store.emit("account.updated", account, _changed(before, account), account=aid)
    return account


def _bank_account(store: Store, account: Obj) -> Obj:
    bank = fixture("bank_account")
    bank.update(id=new_id("ba"), account=account["id"], country=account["country"],
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
    store.emit("account.updated", account, _changed(before, account), account=aid)
    return account


def requirements_due(store: Store, aid: str, fields: list[str] | None = None) -> Obj:
    """Stripe wants more information and it is past due: charges and payouts turn off, the account's
    capabilities go inactive, `requirements.currently_due` lists what is needed."""
    account = store.get("account", aid)
    before = copy.deepcopy(account)
    account.update(charges_enabled=False, payouts_enabled=False,
                   requirements=_requirements(fields or ["individual.verification.document"], past_due=True),
                   capabilities={k: "inactive" for k in account["capabilities"]})
    store.emit("account.updated", account, _changed(before, account), account=aid)
    return account


def create_account_link(store: Store, p: Obj) -> Obj:
    """POST /v1/account_links: a single-use URL of the fake's hosted onboarding page, for LINK_LIFETIME seconds."""
    account = store.get("account", _required(p, "account"), "account")
    if p.get("type") != "account_onboarding":
        raise StripeError("The fake Stripe makes only type=account_onboarding links (Express accounts have no "
                          "account_update links).", param="type",
                          code="parameter_missing" if "type" not in p else "parameter_invalid")
    refresh_url, return_url = _required(p, "refresh_url"), _required(p, "return_url")
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


# -- transfers ------------------------------------------------------------------------------------------------

def create_transfer(store: Store, p: Obj, idempotency_key: str | None, request_id: str | None) -> Obj:
    """POST /v1/transfers: money from the platform's available balance to a connected account's."""
    amount = _positive(p, "amount")
    currency = _required(p, "currency").lower()
    destination = store.get("account", _required(p, "destination"), "destination")
    if destination["capabilities"].get("transfers") != "active":
        raise StripeError("Your destination account needs to have at least one of the following capabilities "
                          "enabled: transfers, crypto_transfers, legacy_payments", param="destination",
                          code="insufficient_capabilities_for_transfer")
    if amount > store.connect.platform_available(currency):
        raise StripeError(INSUFFICIENT_FUNDS, code="balance_insufficient")
    transfer = fixture("transfer")
    tid = new_id("tr")
    transfer.update(
        id=tid, amount=amount, amount_reversed=0, balance_transaction=new_id("txn"), created=store.now(),
        currency=currency, description=p.get("description"), destination=destination["id"],
        destination_payment=new_id("py", 14), livemode=False, metadata=merge_metadata({}, p.get("metadata")),
        reversed=False, source_transaction=None, source_type="card", transfer_group=p.get("transfer_group"),
    )
    transfer["reversals"] = list_object([], f"/v1/transfers/{tid}/reversals")
    store.connect.add(None, currency, -amount)
    store.connect.add(destination["id"], currency, amount)
    store.connect.transfers_by_destination[destination["id"]] += 1
    if idempotency_key:
        store.connect.transfers_by_key[idempotency_key] += 1
    store.put(transfer)
    store.emit("transfer.created", transfer, request_id=request_id, idempotency_key=idempotency_key)
    return transfer


def list_transfers(store: Store, p: Obj) -> list[Obj]:
    found = created_filter(store.of_kind("transfer"), p.get("created"))
    for key in ("destination", "transfer_group"):
        if key in p:
            found = [t for t in found if t[key] == p[key]]
    return found


def reverse_transfer(store: Store, tid: str, p: Obj) -> Obj:
    """POST /v1/transfers/<id>/reversals: all that is left by default, or `amount`; the money goes back from the
    connected account to the platform (the account may go negative, as Stripe debits negative balances)."""
    transfer = store.get("transfer", tid)
    left = transfer["amount"] - transfer["amount_reversed"]
    amount = _positive(p, "amount") if "amount" in p else left
    if left <= 0:
        raise StripeError(f"Transfer {tid} has already been fully reversed.", code="transfer_already_reversed")
    if amount > left:
        raise StripeError(f"Reversal amount ({amount}) is greater than the amount left on the transfer ({left}).",
                          param="amount", code="amount_too_large")
    reversal = fixture("transfer_reversal")
    reversal.update(id=new_id("trr"), amount=amount, balance_transaction=new_id("txn"), created=store.now(),
                    currency=transfer["currency"], destination_payment_refund=new_id("pyr", 14),
                    metadata=merge_metadata({}, p.get("metadata")), source_refund=None, transfer=tid)
    previous = {"amount_reversed": transfer["amount_reversed"], "reversed": transfer["reversed"]}
    transfer["amount_reversed"] += amount
    transfer["reversed"] = transfer["amount_reversed"] == transfer["amount"]
    transfer["reversals"]["data"].insert(0, copy.deepcopy(reversal))
    store.connect.add(None, transfer["currency"], amount)
    store.connect.add(transfer["destination"], transfer["currency"], -amount)
    store.put(reversal)
    store.emit("transfer.reversed", transfer, _changed(previous, transfer))
    return reversal


# -- balances and payouts ---------------------------------------------------------------------------------------

def balance(store: Store, account: str | None) -> Obj:
    """The platform's balance, or a connected account's (Stripe-Account): available by currency."""
    if account is None:
        store.connect.platform_available(PLATFORM_CURRENCY)
        amounts = dict(store.connect.platform)
    else:
        amounts = dict(store.connect.balances[account]) or {store.get("account", account)["default_currency"]: 0}
    out = fixture("balance")
    currencies = sorted(amounts)
    out.update(
        available=[{"amount": amounts[c], "currency": c, "source_types": {"card": amounts[c]}} for c in currencies],
        pending=[{"amount": 0, "currency": c, "source_types": {"card": 0}} for c in currencies],
        connect_reserved=[{"amount": 0, "currency": c} for c in currencies], livemode=False,
    )
    return out


def set_platform_balance(store: Store, currency: str, amount: int) -> Obj:
    store.connect.platform[currency.lower()] = amount
    return balance(store, None)


def create_payout(store: Store, aid: str, p: Obj, automatic: bool = False) -> Obj:
    """A payout of a connected account's available balance to its bank: in_transit until it is paid or fails."""
    account = store.get("account", aid)
    currency = str(p.get("currency") or account["default_currency"]).lower()
    amount = _positive(p, "amount")
    if not account["payouts_enabled"]:
        raise StripeError("Payouts are not enabled on this account: it must finish onboarding (or the "
                          "requirements due) first.", code="payouts_not_allowed")
    if amount > store.connect.balances[aid].get(currency, 0):
        raise StripeError(INSUFFICIENT_FUNDS, code="balance_insufficient")
    banks = account["external_accounts"]["data"]
    payout = fixture("payout")
    now = store.now()
    payout.update(
        id=new_id("po"), amount=amount, currency=currency, created=now, arrival_date=now + 2 * 24 * 3600,
        automatic=automatic, balance_transaction=new_id("txn"), description=p.get("description"),
        destination=banks[0]["id"] if banks else None, failure_balance_transaction=None, failure_code=None,
        failure_message=None, livemode=False, metadata=merge_metadata({}, p.get("metadata")), method="standard",
        original_payout=None, reconciliation_status="not_applicable", reversed_by=None, source_type="card",
        statement_descriptor=p.get("statement_descriptor"), status="in_transit", type="bank_account",
        trace_id={"status": "pending", "value": None}, application_fee=None, application_fee_amount=None,
        payout_method=None,
    )
    store.connect.add(aid, currency, -amount)
    store.connect.payout_account[payout["id"]] = aid
    store.put(payout)
    store.emit("payout.created", payout, account=aid)
    return payout


def payout_of(store: Store, pid: str, account: str | None) -> Obj:
    """A payout as its own account sees it (Stripe-Account): another account's is missing, as on Stripe."""
    payout = store.get("payout", pid)
    if store.connect.payout_account.get(pid) != account:
        raise missing("payout", pid)
    return payout


def list_payouts(store: Store, account: str, p: Obj) -> list[Obj]:
    found = [x for x in store.of_kind("payout") if store.connect.payout_account.get(x["id"]) == account]
    found = created_filter(found, p.get("created"))
    if "status" in p:
        found = [x for x in found if x["status"] == p["status"]]
    return found


def settle_payout(store: Store, pid: str, outcome: str, failure_code: str = "account_closed") -> Obj:
    """The bank answers: `paid` (payout.paid) or `failed` (payout.failed; the money returns to the account's
    balance)."""
    aid = store.connect.payout_account.get(pid)
    payout = payout_of(store, pid, aid)
    if payout["status"] != "in_transit":
        raise StripeError(f"Payout {pid} is {payout['status']}: only an in_transit payout can be paid or fail.",
                          code="payout_not_in_transit")
    before = copy.deepcopy(payout)
    if outcome == "paid":
        payout.update(status="paid", reconciliation_status="completed",
                      trace_id={"status": "supported", "value": new_id("FAKETRACE", 12)})
    elif outcome == "failed":
        payout.update(status="failed", failure_code=failure_code, failure_balance_transaction=new_id("txn"),
                      failure_message="The bank account has been closed." if failure_code == "account_closed"
                      else f"The payout failed ({failure_code}).",
                      trace_id={"status": "unsupported", "value": None})
        store.connect.add(aid, payout["currency"], payout["amount"])
    else:
        raise StripeError(f"Unknown payout outcome: {outcome} (paid or failed).", param="outcome")
    store.emit(f"payout.{outcome}", payout, _changed(before, payout), account=aid)
    return payout


def pay_out(store: Store, aid: str, amount: int | None = None, currency: str | None = None,
            outcome: str | None = "paid") -> Obj:
    """Stripe's automatic payout of a connected account: all its available balance in `currency` (its default
    currency unless given) unless `amount`; settled at once unless outcome is None (stays in_transit)."""
    account = store.get("account", aid)
    currency = (currency or account["default_currency"]).lower()
    if amount is None:
        amount = store.connect.balances[aid].get(currency, 0)
        if amount <= 0:
            raise StripeError(f"Nothing to pay out: {aid} has no available {currency.upper()} balance.",
                              code="balance_insufficient")
    payout = create_payout(store, aid, {"amount": str(amount), "currency": currency}, automatic=True)
    return settle_payout(store, payout["id"], outcome) if outcome else payout
