"""Money in the fake's Connect: transfers and reversals from the platform's available balance to connected
accounts', those accounts' balances (Stripe-Account) and their payouts to the bank.

Every object starts as Stripe's own fixture; functions take the Store and run under its lock. payout.* events are
about a connected account (they carry `account`, for the Connect endpoint); transfer.* are the platform's."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from devtools.fakestripe.connect import (
    INSUFFICIENT_FUNDS, PLATFORM_CURRENCY, changed, created_filter, positive, required,
)
from devtools.fakestripe.forms import StripeError, merge_metadata, missing
from devtools.fakestripe.objects import Obj, fixture, list_object, new_id

if TYPE_CHECKING:
    from devtools.fakestripe.resources import Store


# -- transfers ------------------------------------------------------------------------------------------------

def create_transfer(store: Store, p: Obj, idempotency_key: str | None, request_id: str | None) -> Obj:
    """POST /v1/transfers: money from the platform's available balance to a connected account's."""
    amount = positive(p, "amount")
    currency = required(p, "currency").lower()
    destination = store.get("account", required(p, "destination"), "destination")
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
    amount = positive(p, "amount") if "amount" in p else left
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
    store.emit("transfer.reversed", transfer, changed(previous, transfer))
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
    amount = positive(p, "amount")
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
    store.emit(f"payout.{outcome}", payout, changed(before, payout), account=aid)
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
