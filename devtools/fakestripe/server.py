"""The fake Stripe HTTP server: a threaded Werkzeug WSGI app over the in-memory Store.

    fake = FakeStripe(webhook_url="http://127.0.0.1:5000/api/v1/webhooks/stripe", webhook_secret="whsec_x")
    base = fake.start()
    client = stripe.StripeClient("sk_test_x", base_addresses={"api": base})
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from typing import Any, Callable, Iterable

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from devtools.fakestripe import connect_api, pages
from devtools.fakestripe.connect_api import ConnectAPI, Context
from devtools.fakestripe.forms import StripeError, as_int, as_list, missing, parse
from devtools.fakestripe.serving import OSThreadServer, run_together, serve
from devtools.fakestripe.connect import ConnectState
from devtools.fakestripe.resources import Obj, Store, list_object, new_id
from devtools.fakestripe.webhooks import Delivery, WebhookSender

_RETRIEVABLE = {
    "customers": "customer",
    "prices": "price",
    "products": "product",
    "subscriptions": "subscription",
    "invoices": "invoice",
    "payment_intents": "payment_intent",
    "charges": "charge",
    "refunds": "refund",
    "events": "event",
    "checkout/sessions": "checkout.session",
    **connect_api.RETRIEVABLE,
}

_ROUTES = Map([
    Rule("/v1/customers", methods=["POST"], endpoint="create_customer"),
    Rule("/v1/customers", methods=["GET"], endpoint="list_customers"),
    Rule("/v1/customers/<ident>", methods=["POST"], endpoint="update_customer"),
    Rule("/v1/products", methods=["POST"], endpoint="create_product"),
    Rule("/v1/prices", methods=["POST"], endpoint="create_price"),
    Rule("/v1/prices", methods=["GET"], endpoint="list_prices"),
    Rule("/v1/checkout/sessions", methods=["POST"], endpoint="create_checkout_session"),
    Rule("/v1/checkout/sessions/<ident>/line_items", methods=["GET"], endpoint="list_checkout_line_items"),
    Rule("/v1/refunds", methods=["POST"], endpoint="create_refund"),
    Rule("/v1/billing_portal/sessions", methods=["POST"], endpoint="create_portal_session"),
    Rule("/v1/subscriptions", methods=["GET"], endpoint="list_subscriptions"),
    Rule("/v1/subscriptions/<ident>", methods=["POST"], endpoint="update_subscription"),
    Rule("/v1/subscriptions/<ident>", methods=["DELETE"], endpoint="cancel_subscription"),
    Rule("/v1/invoices", methods=["GET"], endpoint="list_invoices"),
    Rule("/v1/invoice_payments", methods=["GET"], endpoint="list_invoice_payments"),
    Rule("/v1/events", methods=["GET"], endpoint="list_events"),
    *connect_api.RULES,
    *[Rule(f"/v1/{path}/<ident>", methods=["GET"], endpoint="retrieve", defaults={"kind": kind})
      for path, kind in _RETRIEVABLE.items()],
    # Pages a browser is sent to (not API, no key): hosted Checkout and the billing portal with its buttons.
    Rule("/checkout/<ident>", methods=["GET"], endpoint="page_checkout"),
    Rule("/billing_portal/<ident>", methods=["GET"], endpoint="page_portal"),
    Rule("/billing_portal/<ident>/subscriptions/<sub>/<any(update, cancel, renew):action>", methods=["POST"],
         endpoint="page_portal_action"),
    # Test control, no auth: what Stripe would do by itself (customer pays, month passes, card fails...).
    Rule("/_fake/checkout/<ident>/complete", methods=["POST"], endpoint="fake_complete_checkout"),
    Rule("/_fake/checkouts/complete", methods=["POST"], endpoint="fake_complete_checkouts"),
    Rule("/_fake/subscriptions/<ident>/<action>", methods=["POST"], endpoint="fake_subscription"),
    Rule("/_fake/invoices/<ident>/refund", methods=["POST"], endpoint="fake_refund"),
    Rule("/_fake/events", methods=["GET"], endpoint="fake_events"),
    Rule("/_fake/events/<ident>/replay", methods=["POST"], endpoint="fake_replay"),
    Rule("/_fake/reset", methods=["POST"], endpoint="fake_reset"),
])


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status=status, headers=headers or {}, mimetype="application/json")


def _html(page: str) -> Response:
    return Response(page, mimetype="text/html")


class FakeStripe(ConnectAPI):
    def __init__(self, webhook_url: str | None = None, webhook_secret: str | None = "whsec_fake",
                 host: str = "127.0.0.1", port: int = 0, auto_deliver: bool = True,
                 connect_webhook_url: str | None = None, connect_webhook_secret: str | None = "whsec_fake_connect",
                 ) -> None:
        self.store = Store(lambda: self.base_url)
        self.webhooks = WebhookSender(webhook_url, webhook_secret)
        # Events about connected accounts (they carry `account`) go to the platform's Connect endpoint.
        self.connect_webhooks = WebhookSender(connect_webhook_url, connect_webhook_secret)
        self.auto_deliver = auto_deliver  # False: events wait in .pending for deliver()/flush() in any order
        self.pending: list[Obj] = []
        self.requests: list[tuple[str, str]] = []  # (method, path) of every API call, for assertions
        self._idempotent: dict[tuple[str, str, str], tuple[str, Response, bytes]] = {}
        self._host, self._port = host, port
        self._server: OSThreadServer | None = None
        self.base_url = ""

    # -- process ------------------------------------------------------------------------------------
    def start(self) -> str:
        self._server = serve(self.wsgi, self._host, self._port)
        self.base_url = f"http://{self._host}:{self._server.server_port}"
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> "FakeStripe":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- state ----------------------------------------------------------------------------------------
    @property
    def events(self) -> list[Obj]:
        return self.store.events

    @property
    def deliveries(self) -> list[Delivery]:
        return self.webhooks.deliveries

    @property
    def connect_deliveries(self) -> list[Delivery]:
        return self.connect_webhooks.deliveries

    def event(self, event_id: str) -> Obj:
        return self.store.get("event", event_id)

    def events_of(self, type_: str) -> list[Obj]:
        return [e for e in self.store.events if e["type"] == type_]

    def get(self, ident: str) -> Obj:
        return copy.deepcopy(self.store.objects[ident])

    # -- lifecycle helpers (each returns the changed object and delivers the events it caused) ------------
    def _run(self, op: Callable[..., Obj], *args: Any, **kwargs: Any) -> Obj:
        with self.store.lock:
            result = copy.deepcopy(op(*args, **kwargs))
        self._dispatch()
        return result

    def complete_checkout(self, session_id: str) -> Obj:
        """The customer pays. A subscription session: subscription + paid invoice; checkout.session.completed,
        customer.subscription.created, invoice.paid. A payment session: a succeeded PaymentIntent and its
        Charge (both with payment_intent_data.metadata); checkout.session.completed."""
        return self._run(self.store.complete_checkout, session_id)

    def complete_checkouts(self, session_ids: list[str]) -> list[Obj]:
        """Several customers pay at the same moment (two buyers of one exclusive): every session is completed
        before any webhook goes out, then each session's events are delivered on a thread of its own, all
        started together, so the receiver handles the completions concurrently. All or none: a session that
        is not open refuses the whole call."""
        if len(set(session_ids)) != len(session_ids):
            raise StripeError("Each Checkout Session can be completed only once.", param="ids")
        with self.store.lock:
            for session_id in session_ids:
                if self.store.get("checkout.session", session_id)["status"] != "open":
                    raise StripeError(f"Checkout Session {session_id} is no longer open.",
                                      code="checkout_session_not_open")
            sessions, batches = [], []
            for session_id in session_ids:
                sessions.append(copy.deepcopy(self.store.complete_checkout(session_id)))
                batches.append(self.store.take_outbox())
        self._dispatch_together(batches)
        return sessions

    def renew(self, subscription_id: str) -> Obj:
        """A period passes and is paid: customer.subscription.updated, invoice.paid (ends it instead when
        cancel_at_period_end is set)."""
        return self._run(self.store.renew, subscription_id)

    def fail_payment(self, subscription_id: str) -> Obj:
        """The renewal charge fails: invoice.payment_failed, subscription past_due."""
        return self._run(self.store.fail_payment, subscription_id)

    def pay_retry(self, subscription_id: str) -> Obj:
        """The open invoice is paid on retry: invoice.paid, subscription active again."""
        return self._run(self.store.pay_retry, subscription_id)

    def change_plan(self, subscription_id: str, price_id: str, proration_behavior: str = "create_prorations") -> Obj:
        """The customer switches price in the portal: customer.subscription.updated."""
        return self._run(self.store.update_subscription, subscription_id,
                         {"items": [{"price": price_id}], "proration_behavior": proration_behavior})

    def cancel_at_period_end(self, subscription_id: str, cancel: bool = True) -> Obj:
        return self._run(self.store.update_subscription, subscription_id,
                         {"cancel_at_period_end": "true" if cancel else "false"})

    def end_period(self, subscription_id: str) -> Obj:
        """The paid period runs out on a cancelled subscription: customer.subscription.deleted."""
        return self._run(self.store.end_period, subscription_id)

    def refund(self, invoice_id: str, amount: int | None = None) -> Obj:
        """Refund the invoice's charge (all by default): charge.refunded."""
        return self._run(self.store.refund, invoice_id, amount)

    def refund_payment(self, payment_intent_id: str, amount: int | None = None) -> Obj:
        """Refund a one-off payment (all by default) as from Stripe's dashboard: charge.refunded."""
        params: Obj = {"payment_intent": payment_intent_id}
        if amount is not None:
            params["amount"] = str(amount)
        return self._run(self.store.create_refund, params)

    # -- webhooks -------------------------------------------------------------------------------------
    def _dispatch(self) -> None:
        # Delivered outside the store lock: the receiver may call back into the fake while handling.
        for event in self.store.take_outbox():
            sender = self._sender(event)
            if not self.auto_deliver or sender.url is None:
                self.pending.append(event)
            else:
                sender.send(event)

    def _dispatch_together(self, batches: list[list[Obj]]) -> None:
        if not self.auto_deliver or self.webhooks.url is None:
            self.pending.extend(event for batch in batches for event in batch)
            return
        run_together([lambda batch=batch: [self._sender(event).send(event) for event in batch] for batch in batches])

    def _sender(self, event: Obj) -> WebhookSender:
        return self.connect_webhooks if event.get("account") else self.webhooks

    def deliver(self, events: Iterable[Obj | str]) -> list[Delivery]:
        """Send these events (objects or ids) in exactly this order, e.g. reversed for out-of-order tests."""
        chosen = [self.event(e) if isinstance(e, str) else e for e in events]
        return [self._sender(event).send(event) for event in chosen]

    def flush(self, order: Callable[[list[Obj]], list[Obj]] | None = None) -> list[Delivery]:
        """Deliver the held events (auto_deliver=False), optionally reordered."""
        held, self.pending = self.pending, []
        return self.deliver(order(held) if order else held)

    def replay(self, event_id: str) -> Delivery:
        """Deliver the same event (same id and body) again, freshly signed, as Stripe's retries do."""
        event = self.event(event_id)
        return self._sender(event).send(event)

    def signed(self, event: Obj | str, secret: str | None = None, timestamp: int | None = None) -> tuple[bytes, str]:
        """(raw body, Stripe-Signature header) without sending, with its endpoint's secret unless `secret`;
        timestamp in the past gives a stale signature."""
        obj = self.event(event) if isinstance(event, str) else event
        return self._sender(obj).signed(obj, secret, timestamp)

    # -- HTTP -----------------------------------------------------------------------------------------
    def wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        return self._respond(Request(environ))(environ, start_response)

    def _respond(self, request: Request) -> Response:
        try:
            adapter = _ROUTES.bind_to_environ(request.environ)
            endpoint, args = adapter.match()
        except HTTPException as exc:
            err = StripeError(f"Unrecognized request URL ({request.method}: {request.path}).", status=exc.code or 404)
            return _json(err.body(), err.status)
        if endpoint.startswith(("fake_", "page_")):
            return self._control(request, endpoint, args)
        try:
            api_key = self._authenticate(request)
        except StripeError as err:
            return _json(err.body(), err.status, {"WWW-Authenticate": 'Basic realm="Stripe"'})
        self.requests.append((request.method, request.path))
        raw = request.get_data(as_text=True) if request.method == "POST" else request.query_string.decode()
        key = request.headers.get("Idempotency-Key") if request.method == "POST" else None
        try:
            account = self._acting_account(request, endpoint)
        except StripeError as err:
            return _json(err.body(), err.status)
        ctx = Context(new_id("req", 14), account, key or None)
        if key:
            return self._idempotent_call(api_key, ctx, request, raw, endpoint, args)
        return self._call(endpoint, args, raw, ctx=ctx)

    def _acting_account(self, request: Request, endpoint: str) -> str | None:
        """The connected account of a `Stripe-Account` header, on the endpoints that answer for one."""
        account = request.headers.get("Stripe-Account")
        if not account:
            return None
        if endpoint not in connect_api.ACCOUNT_SCOPED:
            raise StripeError(f"The fake Stripe does not take Stripe-Account on {request.method} {request.path} "
                              "(only balance, payouts and events).", code="parameter_unknown")
        with self.store.lock:
            known = self.store.objects.get(account, {}).get("object") == "account"
        if not known:
            raise StripeError(f"The provided key does not have access to account '{account}' (or that account does "
                              "not exist). Application access may have been revoked.", status=403,
                              code="account_invalid")
        return account

    def _authenticate(self, request: Request) -> str:
        header = request.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "basic":  # curl -u sk_test_x:
            value = base64.b64decode(value.encode()).decode(errors="replace").partition(":")[0]
        elif scheme.lower() != "bearer":
            value = ""
        if not value:
            raise StripeError("You did not provide an API key. You need to provide your API key in the "
                              "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
                              status=401)
        if not value.startswith(("sk_test_", "rk_test_")):
            raise StripeError(f"Invalid API Key provided: {value[:3]}{'*' * 8}{value[-4:] if len(value) > 8 else ''}",
                              status=401)
        return value

    def _idempotent_call(self, api_key: str, ctx: Context, request: Request, raw: str, endpoint: str,
                         args: dict[str, Any]) -> Response:
        key = ctx.idempotency_key or ""
        scope = (api_key, ctx.account or "", key)  # Stripe keeps keys per account
        fingerprint = hashlib.sha256(f"{request.method} {request.path}\n{raw}".encode()).hexdigest()
        with self.store.lock:  # held for the whole call so two concurrent retries cannot both run
            seen = self._idempotent.get(scope)
            if seen is not None:
                if seen[0] != fingerprint:
                    err = StripeError(
                        "Keys for idempotent requests can only be used with the same parameters they were first "
                        f"used with. Try using a key other than '{key}' if you meant to execute a different request.",
                        type="idempotency_error")
                    return _json(err.body(), err.status)
                first, body = seen[1], seen[2]
                return Response(body, status=first.status_code, mimetype="application/json",
                                headers={"Idempotency-Key": key, "Idempotent-Replayed": "true",
                                         "Request-Id": first.headers["Request-Id"]})
            response = self._call(endpoint, args, raw, dispatch=False, ctx=ctx)
            if response.status_code < 500:  # Stripe does not save results of requests that failed on its side
                self._idempotent[scope] = (fingerprint, response, response.get_data())
            response.headers["Idempotency-Key"] = key
        self._dispatch()
        return response

    def _call(self, endpoint: str, args: dict[str, Any], raw: str, dispatch: bool = True,
              ctx: Context | None = None) -> Response:
        ctx = ctx or Context(new_id("req", 14))
        request_id = ctx.request_id
        try:
            params = parse(raw)
            expand = [str(x) for x in as_list(params.pop("expand", None))]
            if endpoint in connect_api.WITH_CONTEXT:
                args = {**args, "ctx": ctx}
            with self.store.lock:
                body = getattr(self, f"_api_{endpoint}")(params, **args)
                if expand:
                    body = self.store.expand(body, expand)
                body = copy.deepcopy(body)
            response = _json(body, 200, {"Request-Id": request_id})
        except StripeError as err:
            response = _json(err.body(), err.status, {"Request-Id": request_id})
        if dispatch:
            self._dispatch()
        return response

    def _page(self, objects: list[Obj], params: dict[str, Any], url: str) -> Obj:
        limit = as_int(params.get("limit", 10), "limit")
        if not 1 <= limit <= 100:
            raise StripeError("Invalid limit: must be between 1 and 100.", param="limit")
        after = params.get("starting_after")
        if after is not None:
            ids = [o["id"] for o in objects]
            if after not in ids:
                raise StripeError(f"No such object: '{after}'", param="starting_after", code="resource_missing")
            objects = objects[ids.index(after) + 1:]
        return list_object(objects[:limit], url, has_more=len(objects) > limit)

    # -- API endpoints (params already parsed; run under the store lock) -------------------------------------
    def _api_retrieve(self, params: Obj, ident: str, kind: str) -> Obj:
        return self.store.get(kind, ident)

    def _api_create_customer(self, params: Obj) -> Obj:
        customer = self.store.create_customer(params)
        self.store.emit("customer.created", customer)
        return customer

    def _api_update_customer(self, params: Obj, ident: str) -> Obj:
        customer = self.store.update_customer(ident, params)
        self.store.emit("customer.updated", customer)
        return customer

    def _api_list_customers(self, params: Obj) -> Obj:
        found = self.store.of_kind("customer")
        if "email" in params:  # Stripe's email filter is case-sensitive
            found = [c for c in found if c["email"] == params["email"]]
        return self._page(found, params, "/v1/customers")

    def _api_create_product(self, params: Obj) -> Obj:
        return self.store.create_product(params)

    def _api_create_price(self, params: Obj) -> Obj:
        return self.store.create_price(params)

    def _api_list_prices(self, params: Obj) -> Obj:
        return self._page(self.store.list_prices(params), params, "/v1/prices")

    def _api_create_checkout_session(self, params: Obj) -> Obj:
        return self.store.create_checkout_session(params)

    def _api_list_checkout_line_items(self, params: Obj, ident: str) -> Obj:
        return self._page(self.store.checkout_line_items(ident), params, f"/v1/checkout/sessions/{ident}/line_items")

    def _api_create_refund(self, params: Obj) -> Obj:
        return self.store.create_refund(params)

    def _api_create_portal_session(self, params: Obj) -> Obj:
        return self.store.create_portal_session(params)

    def _api_list_subscriptions(self, params: Obj) -> Obj:
        return self._page(self.store.list_subscriptions(params), params, "/v1/subscriptions")

    def _api_update_subscription(self, params: Obj, ident: str) -> Obj:
        return self.store.update_subscription(ident, params)

    def _api_cancel_subscription(self, params: Obj, ident: str) -> Obj:
        return self.store.cancel_subscription(ident)

    def _api_list_invoices(self, params: Obj) -> Obj:
        return self._page(self.store.list_invoices(params), params, "/v1/invoices")

    def _api_list_invoice_payments(self, params: Obj) -> Obj:
        found = self.store.of_kind("invoice_payment")
        if "invoice" in params:
            found = [x for x in found if x["invoice"] == params["invoice"]]
        pi = (params.get("payment") or {}).get("payment_intent")
        if pi:
            found = [x for x in found if x["payment"].get("payment_intent") == pi]
        return self._page(found, params, "/v1/invoice_payments")

    # -- test control -------------------------------------------------------------------------------------
    def _control(self, request: Request, endpoint: str, args: dict[str, Any]) -> Response:
        params = parse(request.get_data(as_text=True) or request.query_string.decode())
        try:
            if endpoint in connect_api.CONTROLS:
                return self._connect_control(endpoint, args, params)
            if endpoint == "page_checkout":
                return _html(self._checkout_page(args["ident"]))
            if endpoint == "page_portal":
                return _html(self._portal_page(args["ident"]))
            if endpoint == "page_portal_action":
                return self._portal_action(args["ident"], args["sub"], args["action"], params)
            if endpoint == "fake_complete_checkout":
                session = self.complete_checkout(args["ident"])
                if params.get("redirect"):  # the hosted page's Pay button: back to the merchant, as Stripe does
                    success = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])
                    return Response(status=303, headers={"Location": success})
                return _json(session)
            if endpoint == "fake_complete_checkouts":
                ids = [str(x) for x in as_list(params.get("ids"))]
                if not ids:
                    raise StripeError("Missing required param: ids.", param="ids", code="parameter_missing")
                return _json(list_object(self.complete_checkouts(ids), "/_fake/checkouts/complete"))
            if endpoint == "fake_subscription":
                return _json(self._subscription_action(args["ident"], args["action"], params))
            if endpoint == "fake_refund":
                amount = params.get("amount")
                return _json(self.refund(args["ident"], None if amount is None else as_int(amount, "amount")))
            if endpoint == "fake_events":
                return _json(list_object(list(self.store.events), "/_fake/events"))
            if endpoint == "fake_replay":
                delivery = self.replay(args["ident"])
                return _json({"event": delivery.event_id, "status": delivery.status})
            if endpoint == "fake_reset":
                self.reset()
                return _json({"ok": True})
        except StripeError as err:
            return _json(err.body(), err.status)
        except (KeyError, StopIteration):
            err = StripeError(f"No such object: '{args.get('ident')}'", status=404, code="resource_missing")
            return _json(err.body(), err.status)
        raise AssertionError(endpoint)

    def _checkout_page(self, session_id: str) -> str:
        with self.store.lock:
            session = copy.deepcopy(self.store.get("checkout.session", session_id))
            return pages.checkout_page(session, copy.deepcopy(self.store.checkout_line_items(session_id)))

    # -- the billing portal (what a customer does on Stripe's hosted portal page) --------------------------
    def _portal_page(self, session_id: str) -> str:
        with self.store.lock:
            session = self.store.get("billing_portal.session", session_id)
            customer = self.store.get("customer", session["customer"])
            subscriptions = [(sub, self.store.portal_prices(sub))
                             for sub in self.store.list_subscriptions({"customer": customer["id"]})]
            return pages.portal_page(session, customer, copy.deepcopy(subscriptions))

    def _portal_action(self, session_id: str, sub_id: str, action: str, params: Obj) -> Response:
        """A portal button: switch price (prorated, as the portal's default), cancel at the period's end or
        undo that; the webhooks go out, then the browser returns to the session's return_url."""
        with self.store.lock:
            session = copy.deepcopy(self.store.get("billing_portal.session", session_id))
            sub = self.store.get("subscription", sub_id)
            if sub["customer"] != session["customer"] or sub["status"] == "canceled":
                raise missing("subscription", sub_id)
            offered = {price["id"] for price in self.store.portal_prices(sub)}
        if action == "update":
            price = params.get("price")
            if price not in offered:
                raise StripeError(f"The portal does not offer price '{price}' for this subscription.", param="price")
            self.change_plan(sub_id, price)
        else:
            self.cancel_at_period_end(sub_id, cancel=action == "cancel")
        back = session["return_url"] or f"/billing_portal/{session_id}"
        return Response(status=303, headers={"Location": back})

    def _subscription_action(self, ident: str, action: str, params: Obj) -> Obj:
        if action == "change_plan":
            behavior = params.get("proration_behavior", "create_prorations")
            return self.change_plan(ident, params.get("price", ""), behavior)
        if action == "cancel_at_period_end":
            return self.cancel_at_period_end(ident, params.get("cancel", "true") == "true")
        simple = {"renew": self.renew, "fail_payment": self.fail_payment, "pay_retry": self.pay_retry,
                  "end_period": self.end_period}
        if action not in simple:
            raise StripeError(f"Unknown fake action: {action}", status=404)
        return simple[action](ident)

    def reset(self) -> None:
        with self.store.lock:
            self.store.objects.clear()
            self.store.session_extra.clear()
            self.store.events.clear()
            self.store.outbox.clear()
            self.pending.clear()
            self._idempotent.clear()
            self.webhooks.deliveries.clear()
            self.connect_webhooks.deliveries.clear()
            self.store.connect = ConnectState()
            self.store.clock_offset, self.store.frozen_at = 0, None
