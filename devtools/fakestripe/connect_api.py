"""The fake Stripe's Connect surface: API endpoints, the hosted onboarding page, test hooks and their Python
twins. Mixed into FakeStripe (server.py), whose store, routing and webhook dispatch it uses."""

from __future__ import annotations

import copy
import json
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from devtools.fakestripe import connect, pages, transfers
from devtools.fakestripe.forms import StripeError, as_int, as_list
from devtools.fakestripe.objects import Obj

if TYPE_CHECKING:
    from devtools.fakestripe.resources import Store


@dataclass(frozen=True)
class Context:
    """What an API call carries besides its parameters."""

    request_id: str
    account: str | None = None  # the Stripe-Account header: act as that connected account
    idempotency_key: str | None = None


RULES = [
    Rule("/v1/accounts", methods=["POST"], endpoint="create_account"),
    Rule("/v1/accounts", methods=["GET"], endpoint="list_accounts"),
    Rule("/v1/accounts/<ident>", methods=["POST"], endpoint="update_account"),
    Rule("/v1/account_links", methods=["POST"], endpoint="create_account_link"),
    Rule("/v1/transfers", methods=["POST"], endpoint="create_transfer"),
    Rule("/v1/transfers", methods=["GET"], endpoint="list_transfers"),
    Rule("/v1/transfers/<ident>/reversals", methods=["POST"], endpoint="create_reversal"),
    Rule("/v1/transfers/<ident>/reversals", methods=["GET"], endpoint="list_reversals"),
    Rule("/v1/balance", methods=["GET"], endpoint="balance"),
    Rule("/v1/payouts", methods=["POST"], endpoint="create_payout"),
    Rule("/v1/payouts", methods=["GET"], endpoint="list_payouts"),
    Rule("/v1/payouts/<ident>", methods=["GET"], endpoint="retrieve_payout"),
    # The hosted onboarding page (a browser, no key) and its two buttons.
    Rule("/connect/onboarding/<ident>", methods=["GET"], endpoint="page_onboarding"),
    Rule("/connect/onboarding/<ident>/<any(complete, leave):action>", methods=["POST"],
         endpoint="page_onboarding_action"),
    # Test control, no auth.
    Rule("/_fake/accounts/<ident>/<any(complete_onboarding, requirements_due, payout):action>", methods=["POST"],
         endpoint="fake_account"),
    Rule("/_fake/payouts/<ident>/<any(paid, failed):action>", methods=["POST"], endpoint="fake_payout"),
    Rule("/_fake/balance", methods=["POST"], endpoint="fake_balance"),
    Rule("/_fake/transfers/counts", methods=["GET"], endpoint="fake_transfer_counts"),
    Rule("/_fake/clock", methods=["POST"], endpoint="fake_clock"),
]
RETRIEVABLE = {"accounts": "account", "transfers": "transfer"}
# API endpoints that take a Context (the others are called with their parameters only).
WITH_CONTEXT = {"create_transfer", "balance", "create_payout", "list_payouts", "retrieve_payout", "list_events"}
# Endpoints answering for a connected account given in Stripe-Account; any other refuses the header.
ACCOUNT_SCOPED = {"balance", "create_payout", "list_payouts", "retrieve_payout", "list_events"}
CONTROLS = {"page_onboarding", "page_onboarding_action", "fake_account", "fake_payout", "fake_balance",
            "fake_transfer_counts", "fake_clock"}


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def _redirect(url: str) -> Response:
    return Response(status=303, headers={"Location": url})


class ConnectAPI:
    store: "Store"
    _run: Callable[..., Obj]
    _page: Callable[..., Obj]

    # -- API endpoints (under the store lock) --------------------------------------------------------------
    def _api_create_account(self, params: Obj) -> Obj:
        return connect.create_account(self.store, params)

    def _api_list_accounts(self, params: Obj) -> Obj:
        found = connect.created_filter(self.store.of_kind("account"), params.get("created"))
        return self._page(found, params, "/v1/accounts")

    def _api_update_account(self, params: Obj, ident: str) -> Obj:
        return connect.update_account(self.store, ident, params)

    def _api_create_account_link(self, params: Obj) -> Obj:
        return connect.create_account_link(self.store, params)

    def _api_create_transfer(self, params: Obj, ctx: Context) -> Obj:
        return transfers.create_transfer(self.store, params, ctx.idempotency_key, ctx.request_id)

    def _api_list_transfers(self, params: Obj) -> Obj:
        return self._page(transfers.list_transfers(self.store, params), params, "/v1/transfers")

    def _api_create_reversal(self, params: Obj, ident: str) -> Obj:
        return transfers.reverse_transfer(self.store, ident, params)

    def _api_list_reversals(self, params: Obj, ident: str) -> Obj:
        reversals = self.store.get("transfer", ident)["reversals"]["data"]
        return self._page(reversals, params, f"/v1/transfers/{ident}/reversals")

    def _api_balance(self, params: Obj, ctx: Context) -> Obj:
        return transfers.balance(self.store, ctx.account)

    def _api_create_payout(self, params: Obj, ctx: Context) -> Obj:
        if ctx.account is None:
            raise StripeError("The fake Stripe pays out connected accounts only: send the Stripe-Account header.",
                              code="parameter_missing")
        return transfers.create_payout(self.store, ctx.account, params)

    def _api_list_payouts(self, params: Obj, ctx: Context) -> Obj:
        found = transfers.list_payouts(self.store, ctx.account or "", params)
        return self._page(found, params, "/v1/payouts")

    def _api_retrieve_payout(self, params: Obj, ctx: Context, ident: str) -> Obj:
        return transfers.payout_of(self.store, ident, ctx.account)

    def _api_list_events(self, params: Obj, ctx: Context) -> Obj:
        """Newest first; without Stripe-Account the platform's own events, with it that account's."""
        found = [e for e in reversed(self.store.events) if e.get("account") == ctx.account]
        if "type" in params:
            found = [e for e in found if e["type"] == params["type"]]
        found = connect.created_filter(found, params.get("created"))
        return self._page(found, params, "/v1/events")

    # -- Python test hooks (each returns the changed object and delivers the events it caused) -------------
    def complete_onboarding(self, account_id: str) -> Obj:
        """The account holder finishes onboarding: all three flags green, nothing due; account.updated."""
        return self._run(connect.complete_onboarding, self.store, account_id)

    def requirements_due(self, account_id: str, fields: list[str] | None = None) -> Obj:
        """Stripe needs more information, past due: charges and payouts off; account.updated."""
        return self._run(connect.requirements_due, self.store, account_id, fields)

    def set_platform_balance(self, currency: str, amount: int) -> Obj:
        """The platform's available balance in `currency` (a transfer above it: balance_insufficient)."""
        return self._run(transfers.set_platform_balance, self.store, currency, amount)

    def payout(self, account_id: str, amount: int | None = None, currency: str | None = None,
               outcome: str | None = "paid") -> Obj:
        """Pay out a connected account's available balance (all of it unless `amount`): payout.created, then
        payout.paid or payout.failed unless outcome is None (it stays in_transit)."""
        return self._run(transfers.pay_out, self.store, account_id, amount, currency, outcome)

    def settle_payout(self, payout_id: str, outcome: str = "paid", failure_code: str = "account_closed") -> Obj:
        return self._run(transfers.settle_payout, self.store, payout_id, outcome, failure_code)

    def transfer_count(self, destination: str | None = None, idempotency_key: str | None = None) -> int:
        """How many transfers the fake made (to a destination, or with an idempotency key; all without either)."""
        with self.store.lock:
            if destination is not None:
                return self.store.connect.transfers_by_destination[destination]
            if idempotency_key is not None:
                return self.store.connect.transfers_by_key[idempotency_key]
            return sum(self.store.connect.transfers_by_destination.values())

    @property
    def transfers_by_destination(self) -> Counter[str]:
        return Counter(self.store.connect.transfers_by_destination)

    @property
    def transfers_by_key(self) -> Counter[str]:
        return Counter(self.store.connect.transfers_by_key)

    def set_clock(self, timestamp: int) -> int:
        """Stop the fake's clock at `timestamp`: objects made from now on carry exactly that `created` until
        advance_clock moves it (events stay strictly increasing, a second apart)."""
        with self.store.lock:
            self.store.frozen_at = int(timestamp)
            return self.store.now()

    def advance_clock(self, seconds: int) -> int:
        """Move the fake's clock on (a stopped one stays stopped, later)."""
        with self.store.lock:
            if self.store.frozen_at is not None:
                self.store.frozen_at += int(seconds)
            else:
                self.store.clock_offset += int(seconds)
            return self.store.now()

    # -- pages and HTTP hooks --------------------------------------------------------------------------------
    def _connect_control(self, endpoint: str, args: dict[str, Any], params: Obj) -> Response:
        if endpoint == "page_onboarding":
            return self._onboarding_page(args["ident"])
        if endpoint == "page_onboarding_action":
            return self._onboarding_action(args["ident"], args["action"])
        if endpoint == "fake_account":
            return _json(self._account_hook(args["ident"], args["action"], params))
        if endpoint == "fake_payout":
            return _json(self.settle_payout(args["ident"], args["action"],
                                            params.get("failure_code") or "account_closed"))
        if endpoint == "fake_balance":
            currency = params.get("currency")
            if not currency:
                raise StripeError("Missing required param: currency.", param="currency", code="parameter_missing")
            return _json(self.set_platform_balance(currency, as_int(params.get("available"), "available")))
        if endpoint == "fake_transfer_counts":
            return _json({"total": self.transfer_count(), "by_destination": dict(self.transfers_by_destination),
                          "by_idempotency_key": dict(self.transfers_by_key)})
        if endpoint == "fake_clock":
            if "time" in params:
                return _json({"now": self.set_clock(as_int(params["time"], "time"))})
            return _json({"now": self.advance_clock(as_int(params.get("advance", 0), "advance"))})
        raise AssertionError(endpoint)

    def _account_hook(self, account_id: str, action: str, params: Obj) -> Obj:
        if action == "complete_onboarding":
            return self.complete_onboarding(account_id)
        if action == "requirements_due":
            return self.requirements_due(account_id, [str(x) for x in as_list(params.get("fields"))] or None)
        amount = params.get("amount")
        outcome = params.get("outcome", "paid")
        return self.payout(account_id, None if amount is None else as_int(amount, "amount"),
                           params.get("currency"), None if outcome == "none" else outcome)

    def _onboarding_page(self, token: str) -> Response:
        with self.store.lock:
            link = connect.usable_link(self.store, token)
            if connect.link_spent(self.store, link):  # Stripe's links are single-use and short-lived
                return _redirect(link.refresh_url)
            account = copy.deepcopy(self.store.get("account", link.account))
        return Response(pages.onboarding_page(token, account, link.return_url), mimetype="text/html")

    def _onboarding_action(self, token: str, action: str) -> Response:
        """Complete: onboarding done (account.updated to the Connect endpoint), then back to return_url.
        Leave: back to return_url with nothing changed, as a holder who quits half-way."""
        with self.store.lock:
            link = connect.usable_link(self.store, token)
            if connect.link_spent(self.store, link):
                return _redirect(link.refresh_url)
            link.used = True
        if action == "complete":
            self.complete_onboarding(link.account)
        return _redirect(link.return_url)
