"""In-memory Stripe state. Every object starts as a deep copy of Stripe's own fixture (fixtures3.json), so the
fake answers with Stripe's shapes; only ids and the fields the fake understands are overwritten."""

from __future__ import annotations

import calendar
import copy
import random
import string
import threading
import time
from datetime import datetime, timezone
from typing import Any, Callable

from devtools.fakestripe import payments
from devtools.fakestripe.connect import ConnectState
from devtools.fakestripe.forms import StripeError, as_bool, as_int, as_list, merge_metadata, missing
from devtools.fakestripe.objects import API_VERSION, Obj, fixture, list_object, new_id


def add_month(ts: int) -> int:
    dt = datetime.fromtimestamp(ts, timezone.utc)
    year, month = (dt.year + 1, 1) if dt.month == 12 else (dt.year, dt.month + 1)
    day = min(dt.day, calendar.monthrange(year, month)[1])
    return int(dt.replace(year=year, month=month, day=day).timestamp())


class Store:
    """All objects by id plus the business operations (API calls and test-driven lifecycle)."""

    def __init__(self, base_url: Callable[[], str]) -> None:
        self.lock = threading.RLock()
        self.base_url = base_url
        self.objects: dict[str, Obj] = {}  # every object by id, for retrieve and expand
        self.session_extra: dict[str, Obj] = {}  # checkout params Stripe keeps but does not echo
        self.events: list[Obj] = []
        self.outbox: list[Obj] = []  # events created but not yet handed to the webhook sender
        self.connect = ConnectState()
        self.clock_offset = 0  # seconds the fake's clock runs ahead of the real one (advance_clock)
        self.frozen_at: int | None = None  # a clock stopped at this time (set_clock), for exact `created` values
        self._last_created = 0

    # -- plumbing ---------------------------------------------------------------------------------
    def now(self) -> int:
        if self.frozen_at is not None:
            return self.frozen_at
        return int(time.time()) + self.clock_offset

    def event_time(self) -> int:
        # Strictly increasing, so consumers can order events by Stripe's `created` even within one second.
        self._last_created = max(self.now(), self._last_created + 1)
        return self._last_created

    def get(self, kind: str, ident: Any, param: str = "id") -> Obj:
        obj = self.objects.get(ident) if isinstance(ident, str) else None
        if obj is None or obj["object"] != kind:
            raise missing(kind.split(".")[-1], str(ident), param)
        return obj

    def put(self, obj: Obj) -> Obj:
        self.objects[obj["id"]] = obj
        return obj

    def of_kind(self, kind: str) -> list[Obj]:
        # Stripe lists newest first; reversed insertion breaks ties within one second (sorted() is stable).
        return sorted((o for o in reversed(self.objects.values()) if o["object"] == kind), key=lambda o: -o["created"])

    def emit(self, type_: str, obj: Obj, previous: Obj | None = None, request_id: str | None = None,
             account: str | None = None, idempotency_key: str | None = None) -> Obj:
        """`account`: the event happened on that connected account (it goes to the Connect endpoint)."""
        event = fixture("event")
        event.update(
            id=new_id("evt"),
            type=type_,
            created=self.event_time(),
            api_version=API_VERSION,
            livemode=False,
            pending_webhooks=1,
            request={"id": request_id, "idempotency_key": idempotency_key},
        )
        if account is not None:
            event["account"] = account
        event["data"] = {"object": copy.deepcopy(obj)}
        if previous is not None:
            event["data"]["previous_attributes"] = previous
        self.events.append(event)
        self.objects[event["id"]] = event  # retrievable at /v1/events/<id>
        self.outbox.append(event)
        return event

    def take_outbox(self) -> list[Obj]:
        with self.lock:
            out, self.outbox = self.outbox, []
            return out

    def expand(self, obj: Obj, paths: list[str]) -> Obj:
        out = copy.deepcopy(obj)
        for path in paths:
            self._expand(out, path.split("."))
        return out

    def _expand(self, node: Any, parts: list[str]) -> None:
        if not parts or not isinstance(node, dict):
            return
        head, rest = parts[0], parts[1:]
        if head == "line_items" and node.get("object") == "checkout.session":  # includable, not an id
            node[head] = list_object(copy.deepcopy(self.checkout_line_items(node["id"])),
                                     f"/v1/checkout/sessions/{node['id']}/line_items")
        if head == "data" and node.get("object") == "list":
            for item in node["data"]:
                self._expand(item, rest)
            return
        value = node.get(head)
        if isinstance(value, str) and value in self.objects:
            node[head] = copy.deepcopy(self.objects[value])
        elif head not in node:
            raise StripeError(f"This property cannot be expanded ({head}).", param="expand")
        self._expand(node[head], rest)

    # -- customers ----------------------------------------------------------------------------------
    def create_customer(self, p: Obj) -> Obj:
        c = fixture("customer")
        c.update(
            id=new_id("cus", 14),
            created=self.now(),
            email=p.get("email"),
            name=p.get("name"),
            phone=p.get("phone"),
            description=p.get("description"),
            metadata=merge_metadata({}, p.get("metadata")),
            discount=None,
            currency=None,
            invoice_prefix="".join(random.choices(string.ascii_uppercase + string.digits, k=8)),
            livemode=False,
        )
        return self.put(c)

    def update_customer(self, ident: str, p: Obj) -> Obj:
        c = self.get("customer", ident)
        for key in ("email", "name", "phone", "description"):
            if key in p:
                c[key] = p[key] or None
        if "metadata" in p:
            c["metadata"] = merge_metadata(c["metadata"], p["metadata"])
        return c

    # -- products & prices ----------------------------------------------------------------------------
    def create_product(self, p: Obj) -> Obj:
        if not p.get("name"):
            raise StripeError("Missing required param: name.", param="name", code="parameter_missing")
        prod = fixture("product")
        now = self.now()
        prod.update(
            id=new_id("prod", 14), created=now, updated=now, name=p["name"], description=p.get("description"),
            default_price=None, images=[], marketing_features=[], metadata=merge_metadata({}, p.get("metadata")),
            package_dimensions=None, type="service", livemode=False,
        )
        return self.put(prod)

    def create_price(self, p: Obj) -> Obj:
        currency = p.get("currency")
        if not currency:
            raise StripeError("Missing required param: currency.", param="currency", code="parameter_missing")
        if "product" in p:
            product = self.get("product", p["product"], "product")
        elif isinstance(p.get("product_data"), dict):
            product = self.create_product(p["product_data"])
        else:
            raise StripeError("Missing required param: product.", param="product", code="parameter_missing")
        lookup_key = p.get("lookup_key")
        if lookup_key:
            holder = next((x for x in self.of_kind("price") if x["lookup_key"] == lookup_key), None)
            if holder and not as_bool(p.get("transfer_lookup_key", "false"), "transfer_lookup_key"):
                raise StripeError(
                    f"A price (`{holder['id']}`) already uses that lookup key.",
                    param="lookup_key",
                )
            if holder:
                holder["lookup_key"] = None
        amount = as_int(p.get("unit_amount"), "unit_amount")
        recurring = p.get("recurring")
        price = fixture("price")
        price.update(
            id=new_id("price"), created=self.now(), currency=currency.lower(), product=product["id"],
            unit_amount=amount, unit_amount_decimal=str(amount), lookup_key=lookup_key or None,
            nickname=p.get("nickname"), metadata=merge_metadata({}, p.get("metadata")),
            active=as_bool(p.get("active", "true"), "active"), custom_unit_amount=None,
            transform_quantity=None, livemode=False,
        )
        if isinstance(recurring, dict):
            interval = recurring.get("interval")
            if interval not in ("day", "week", "month", "year"):
                raise StripeError("Invalid recurring[interval].", param="recurring[interval]")
            price.update(type="recurring", recurring={
                "interval": interval,
                "interval_count": as_int(recurring.get("interval_count", 1), "recurring[interval_count]"),
                "meter": None, "usage_type": "licensed", "trial_period_days": None,
            })
        else:
            price.update(type="one_time", recurring=None)
        return self.put(price)

    def list_prices(self, p: Obj) -> list[Obj]:
        out = self.of_kind("price")
        keys = as_list(p.get("lookup_keys"))
        if keys:
            out = [x for x in out if x["lookup_key"] in keys]
        if "active" in p:
            active = as_bool(p["active"], "active")
            out = [x for x in out if x["active"] == active]
        for key in ("currency", "product", "type"):
            if key in p:
                out = [x for x in out if x[key] == p[key]]
        return out

    # -- checkout & portal ----------------------------------------------------------------------------
    def create_checkout_session(self, p: Obj) -> Obj:
        mode = p.get("mode")
        if mode not in ("payment", "subscription"):
            raise StripeError("The fake supports only mode=payment and mode=subscription.", param="mode",
                              code="parameter_invalid")
        if not p.get("success_url"):
            raise StripeError("Missing required param: success_url.", param="success_url", code="parameter_missing")
        lines = as_list(p.get("line_items"))
        if not lines:
            raise StripeError("Missing required param: line_items.", param="line_items", code="parameter_missing")
        items = [self._checkout_line(mode, i, line) for i, line in enumerate(lines)]
        prices = [self.objects[x["price"]] for x in items]
        if len({price["currency"] for price in prices}) > 1:
            raise StripeError("All line items of a Checkout Session must be in the same currency.",
                              param="line_items", code="parameter_invalid")
        customer = p.get("customer")
        if customer is not None:
            self.get("customer", customer, "customer")
        total = sum(price["unit_amount"] * x["quantity"] for price, x in zip(prices, items))
        s = fixture("checkout.session")
        sid = new_id("cs_test", 58)
        now = self.now()
        s.update(
            id=sid, created=now, expires_at=now + 24 * 3600, mode=mode, status="open", payment_status="unpaid",
            customer=customer, customer_email=None if customer else p.get("customer_email"),
            client_reference_id=p.get("client_reference_id"), metadata=merge_metadata({}, p.get("metadata")),
            success_url=p["success_url"], cancel_url=p.get("cancel_url"), url=f"{self.base_url()}/checkout/{sid}",
            amount_subtotal=total, amount_total=total, currency=prices[0]["currency"],
            payment_intent=None, subscription=None, invoice=None, customer_details=None, livemode=False,
            # Stripe's defaults: a subscription always gets a customer, a one-off payment only when required.
            customer_creation=None if customer else ("always" if mode == "subscription" else "if_required"),
            locale=p.get("locale"),
            allow_promotion_codes=p.get("allow_promotion_codes") == "true" or None,
            shipping_address_collection=None, shipping_cost=None, after_expiration=None, custom_text={
                "after_submit": None, "shipping_address": None, "submit": None, "terms_of_service_acceptance": None},
            total_details={"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            collected_information=None, payment_method_configuration_details=None,
        )
        sub_data = p.get("subscription_data") or {}
        intent_data = p.get("payment_intent_data") or {}
        self.session_extra[sid] = {
            "items": items,
            "line_items": [payments.line_item(price, x["quantity"], self.objects[price["product"]]["name"])
                           for price, x in zip(prices, items)],
            "subscription_metadata": merge_metadata({}, sub_data.get("metadata")),
            "payment_intent_metadata": merge_metadata({}, intent_data.get("metadata")),
        }
        return self.put(s)

    def _checkout_line(self, mode: str, index: int, line: Any) -> Obj:
        param = f"line_items[{index}]"
        if not isinstance(line, dict):
            raise StripeError(f"Invalid object: {param}", param=param, code="parameter_invalid")
        if "price" in line:
            price = self.get("price", line["price"], f"{param}[price]")
        elif "price_data" in line:
            price = payments.inline_price(self, line["price_data"], f"{param}[price_data]")
        else:
            raise StripeError(f"You must specify either `price` or `price_data` in `{param}`.", param=param,
                              code="parameter_missing")
        if mode == "subscription" and price["type"] != "recurring":
            raise StripeError("mode=subscription needs recurring prices.", param=f"{param}[price]")
        if mode == "payment" and price["type"] == "recurring":
            raise StripeError("You specified `payment` mode but passed a recurring price. Either switch to "
                              "`subscription` mode or use only one-time prices.", param=f"{param}[price]")
        quantity = as_int(line.get("quantity", 1), f"{param}[quantity]")
        if quantity < 1:
            raise StripeError("Invalid positive integer", param=f"{param}[quantity]", code="parameter_invalid")
        return {"price": price["id"], "quantity": quantity}

    def checkout_line_items(self, session_id: str) -> list[Obj]:
        self.get("checkout.session", session_id)
        return self.session_extra[session_id]["line_items"]

    def create_portal_session(self, p: Obj) -> Obj:
        customer = self.get("customer", p.get("customer"), "customer")
        s = fixture("billing_portal.session")
        sid = new_id("bps")
        s.update(
            id=sid, created=self.now(), customer=customer["id"], return_url=p.get("return_url"), flow=None,
            url=f"{self.base_url()}/billing_portal/{sid}", livemode=False, locale=p.get("locale"),
            configuration=p.get("configuration") or "bpc_fake",
        )
        return self.put(s)

    def portal_prices(self, sub: Obj) -> list[Obj]:
        """The prices the portal offers a live subscription instead of its own: active recurring prices with a
        lookup key, in its currency and interval (Stripe's portal offers what its configuration lists; the
        fake's configuration is every such price)."""
        current = sub["items"]["data"][0]["price"]
        if sub["status"] == "canceled" or sub["cancel_at_period_end"]:
            return []
        return sorted((p for p in self.of_kind("price")
                       if p["active"] and p["lookup_key"] and p["id"] != current["id"]
                       and p["currency"] == current["currency"]
                       and (p["recurring"] or {}).get("interval") == (current["recurring"] or {}).get("interval")),
                      key=lambda p: p["unit_amount"])

    # -- subscriptions & invoices -----------------------------------------------------------------------
    def _plan(self, price: Obj) -> Obj:
        plan = fixture("subscription")["items"]["data"][0]["plan"]
        plan.update(
            id=price["id"], active=price["active"], amount=price["unit_amount"],
            amount_decimal=price["unit_amount_decimal"], billing_scheme="per_unit", created=price["created"],
            currency=price["currency"], interval=price["recurring"]["interval"],
            interval_count=price["recurring"]["interval_count"], livemode=False, metadata={},
            nickname=price["nickname"], product=price["product"], transform_usage=None,
        )
        return plan

    def _item(self, sub_id: str, price: Obj, quantity: int, start: int, end: int) -> Obj:
        item = fixture("subscription_item")
        item.update(
            id=new_id("si", 14), created=self.now(), subscription=sub_id, price=copy.deepcopy(price),
            plan=self._plan(price), quantity=quantity, current_period_start=start, current_period_end=end,
            metadata={}, discounts=[], tax_rates=[], billing_thresholds=None,
        )
        return item

    def _period(self, sub: Obj) -> tuple[int, int]:
        item = sub["items"]["data"][0]
        return item["current_period_start"], item["current_period_end"]

    def _set_period(self, sub: Obj, start: int, end: int) -> None:
        for item in sub["items"]["data"]:
            item["current_period_start"], item["current_period_end"] = start, end

    def create_subscription(self, customer: str, items: list[Obj], metadata: dict[str, str]) -> Obj:
        sub = fixture("subscription")
        sid = new_id("sub")
        start = self.now()
        end = add_month(start)
        sub.update(
            id=sid, customer=customer, created=start, start_date=start, billing_cycle_anchor=start,
            billing_cycle_anchor_config=None, status="active", cancel_at=None, canceled_at=None, ended_at=None,
            cancel_at_period_end=False, cancellation_details={"comment": None, "feedback": None, "reason": None},
            trial_end=None, trial_start=None, metadata=metadata, latest_invoice=None, pending_update=None,
            next_pending_invoice_item_invoice=None, pause_collection=None, discounts=[], livemode=False,
            currency=self.objects[items[0]["price"]]["currency"], application_fee_percent=None,
            billing_schedules=[], transfer_data=None, customer_account=None,
        )
        sub["items"] = list_object(
            [self._item(sid, self.objects[x["price"]], x["quantity"], start, end) for x in items],
            f"/v1/subscription_items?subscription={sid}",
        )
        return self.put(sub)

    def create_invoice(self, sub: Obj, reason: str, paid: bool, amount: int | None = None) -> Obj:
        customer = self.objects[sub["customer"]]
        start, end = self._period(sub)
        inv = fixture("invoice")
        iid = new_id("in")
        line_template = inv["lines"]["data"][0]
        lines = []
        for item in sub["items"]["data"]:
            line = copy.deepcopy(line_template)
            line_amount = item["price"]["unit_amount"] * item["quantity"]
            line.update(
                id=new_id("il"), invoice=iid, amount=line_amount if amount is None else amount,
                currency=sub["currency"], quantity=item["quantity"], subtotal=line_amount,
                description=f"{item['quantity']} × {item['price']['nickname'] or item['price']['product']}",
                period={"start": start, "end": end}, subscription=sub["id"], metadata={}, livemode=False,
                discount_amounts=[], discounts=[], pretax_credit_amounts=[], taxes=[], quantity_decimal=None,
                parent={
                    "invoice_item_details": None,
                    "subscription_item_details": {
                        "invoice_item": None, "proration": amount is not None,
                        "proration_details": {"credited_items": None},
                        "subscription": sub["id"], "subscription_item": item["id"],
                    },
                    "type": "subscription_item_details",
                },
                pricing={"price_details": {"price": item["price"]["id"], "product": item["price"]["product"]},
                         "type": "price_details", "unit_amount_decimal": item["price"]["unit_amount_decimal"]},
            )
            lines.append(line)
        total = sum(x["amount"] for x in lines)
        now = self.now()
        inv.update(
            id=iid, customer=customer["id"], customer_email=customer["email"], customer_name=customer["name"],
            subscription=sub["id"], currency=sub["currency"], billing_reason=reason, created=now,
            period_start=start, period_end=end, subtotal=total, subtotal_excluding_tax=total, total=total,
            total_excluding_tax=total, amount_due=total, amount_paid=total if paid else 0,
            amount_remaining=0 if paid else total, attempted=True, attempt_count=1, auto_advance=not paid,
            status="paid" if paid else "open",
            number=f"{customer['invoice_prefix']}-{len(self.of_kind('invoice')) + 1:04d}",
            hosted_invoice_url=f"{self.base_url()}/invoices/{iid}", invoice_pdf=f"{self.base_url()}/invoices/{iid}.pdf",
            due_date=None, effective_at=now, next_payment_attempt=None if paid else now + 3 * 24 * 3600,
            last_finalization_error=None, from_invoice=None, latest_revision=None, webhooks_delivered_at=now,
            status_transitions={"finalized_at": now, "marked_uncollectible_at": None,
                                "paid_at": now if paid else None, "voided_at": None},
            parent={"quote_details": None,
                    "subscription_details": {"metadata": dict(sub["metadata"]), "subscription": sub["id"]},
                    "type": "subscription_details"},
            lines=list_object(lines, f"/v1/invoices/{iid}/lines"), discounts=[], total_discount_amounts=[],
            total_taxes=[], total_pretax_credit_amounts=[], metadata={}, livemode=False, customer_account=None,
            automatically_finalizes_at=None, amount_overpaid=0,
        )
        sub["latest_invoice"] = iid
        self.put(inv)
        self._payment(inv, paid)
        return inv

    def _payment(self, inv: Obj, paid: bool) -> None:
        # An invoice is paid through a payment intent whose charge can be refunded; invoice_payment links them.
        pi = new_id("pi")
        first = inv["billing_reason"] == "subscription_create"
        description = "Subscription creation" if first else "Subscription update"
        charge = payments.charge(self, inv["amount_due"], inv["currency"], inv["customer"], pi, paid=paid,
                                 description=description, receipt_email=inv["customer_email"])
        ip = fixture("invoice_payment")
        ip.update(
            id=new_id("inpay"), invoice=inv["id"], amount_requested=inv["amount_due"],
            amount_paid=inv["amount_due"] if paid else None, created=self.now(), currency=inv["currency"],
            livemode=False, status="paid" if paid else "open", is_default=True,
            payment={"type": "payment_intent", "payment_intent": pi, "charge": charge["id"]},
            status_transitions={"canceled_at": None, "paid_at": self.now() if paid else None},
        )
        self.put(ip)

    def payment_of(self, invoice_id: str) -> Obj:
        return next(x for x in self.of_kind("invoice_payment") if x["invoice"] == invoice_id and x["is_default"])

    def list_subscriptions(self, p: Obj) -> list[Obj]:
        out = self.of_kind("subscription")
        status = p.get("status")
        if status is None:  # Stripe hides canceled subscriptions unless asked
            out = [x for x in out if x["status"] != "canceled"]
        elif status != "all":
            out = [x for x in out if x["status"] == status]
        for key in ("customer", "price"):
            if key in p:
                out = [x for x in out if x[key] == p[key]] if key == "customer" else [
                    x for x in out if any(i["price"]["id"] == p[key] for i in x["items"]["data"])]
        return out

    def list_invoices(self, p: Obj) -> list[Obj]:
        out = self.of_kind("invoice")
        for key in ("customer", "subscription", "status"):
            if key in p:
                out = [x for x in out if x[key] == p[key]]
        return out

    def update_subscription(self, ident: str, p: Obj) -> Obj:
        sub = self.get("subscription", ident)
        if sub["status"] == "canceled":
            raise StripeError("A canceled subscription can only update its cancellation_details and metadata.")
        before = copy.deepcopy(sub)
        previous: Obj = {}
        if "metadata" in p:
            sub["metadata"] = merge_metadata(sub["metadata"], p["metadata"])
        if "cancel_at_period_end" in p:
            flag = as_bool(p["cancel_at_period_end"], "cancel_at_period_end")
            sub["cancel_at_period_end"] = flag
            sub["cancel_at"] = self._period(sub)[1] if flag else None
            sub["canceled_at"] = self.now() if flag else None
        behavior = p.get("proration_behavior", "create_prorations")
        if behavior not in ("create_prorations", "none", "always_invoice"):
            raise StripeError("Invalid proration_behavior.", param="proration_behavior")
        proration = 0
        for i, change in enumerate(as_list(p.get("items"))):
            item = self._find_item(sub, change.get("id"), i)
            if "price" in change:
                price = self.get("price", change["price"], f"items[{i}][price]")
                old = item["price"]["unit_amount"] * item["quantity"]
                item["price"], item["plan"] = copy.deepcopy(price), self._plan(price)
                proration += self._prorate(sub, price["unit_amount"] * item["quantity"] - old)
            if "quantity" in change:
                item["quantity"] = as_int(change["quantity"], f"items[{i}][quantity]")
        for key, value in before.items():
            if sub[key] != value:
                previous[key] = value
        if behavior == "always_invoice" and proration > 0:
            inv = self.create_invoice(sub, "subscription_update", paid=True, amount=proration)
            previous.setdefault("latest_invoice", before["latest_invoice"])
            self.emit("invoice.paid", inv)
        if previous:
            self.emit("customer.subscription.updated", sub, previous)
        return sub

    def _find_item(self, sub: Obj, item_id: Any, index: int) -> Obj:
        items = sub["items"]["data"]
        if item_id is None:
            if len(items) == 1:
                return items[0]  # a single-item subscription: the change applies to it
            raise StripeError("Adding items is not supported by the fake.", param=f"items[{index}][id]")
        for item in items:
            if item["id"] == item_id:
                return item
        raise missing("subscription_item", str(item_id), f"items[{index}][id]")

    def _prorate(self, sub: Obj, delta: int) -> int:
        start, end = self._period(sub)
        left = max(0, end - self.now())
        return round(delta * left / max(1, end - start))

    def cancel_subscription(self, ident: str, at: int | None = None) -> Obj:
        sub = self.get("subscription", ident)
        if sub["status"] == "canceled":
            raise StripeError(f"No such subscription: '{ident}'", status=404, code="resource_missing", param="id")
        when = at or self.now()
        sub.update(status="canceled", ended_at=when, canceled_at=sub["canceled_at"] or when, cancel_at=sub["cancel_at"])
        self.emit("customer.subscription.deleted", sub)
        return sub

    # -- lifecycle driven by tests (what Stripe would do on its own) -------------------------------------
    def complete_checkout(self, session_id: str) -> Obj:
        s = self.get("checkout.session", session_id)
        if s["status"] != "open":
            raise StripeError("This Checkout Session is no longer open.", code="checkout_session_not_open")
        extra = self.session_extra[session_id]
        if s["mode"] == "payment":
            return payments.complete_payment(self, s, extra["payment_intent_metadata"])
        customer = s["customer"]
        if customer is None:
            customer = self.create_customer({"email": s["customer_email"]})["id"]
            self.emit("customer.created", self.objects[customer])
        sub = self.create_subscription(customer, extra["items"], extra["subscription_metadata"])
        inv = self.create_invoice(sub, "subscription_create", paid=True)
        cust = self.objects[customer]
        s.update(
            status="complete", payment_status="paid", customer=customer, subscription=sub["id"], invoice=inv["id"],
            customer_details={"address": None, "email": cust["email"], "name": cust["name"], "phone": None,
                              "tax_exempt": "none", "tax_ids": [], "business_name": None, "individual_name": None},
        )
        self.emit("checkout.session.completed", s)
        self.emit("customer.subscription.created", sub)
        self.emit("invoice.paid", inv)
        return s

    def renew(self, sub_id: str, paid: bool = True) -> Obj:
        sub = self.get("subscription", sub_id)
        if sub["status"] == "canceled":
            raise StripeError("A canceled subscription does not renew.")
        if sub["cancel_at_period_end"]:
            return self.end_period(sub_id)
        before = copy.deepcopy(sub)
        _, end = self._period(sub)
        self._set_period(sub, end, add_month(end))
        inv = self.create_invoice(sub, "subscription_cycle", paid=paid)
        previous = {"items": before["items"], "latest_invoice": before["latest_invoice"]}
        if not paid:
            sub["status"] = "past_due"
            previous["status"] = before["status"]
        self.emit("customer.subscription.updated", sub, previous)
        self.emit("invoice.paid" if paid else "invoice.payment_failed", inv)
        return inv

    def fail_payment(self, sub_id: str) -> Obj:
        return self.renew(sub_id, paid=False)

    def pay_retry(self, sub_id: str) -> Obj:
        sub = self.get("subscription", sub_id)
        inv = self.get("invoice", sub["latest_invoice"])
        if inv["status"] != "open":
            raise StripeError("Invoice is already paid.", code="invoice_already_paid")
        now = self.now()
        inv.update(status="paid", amount_paid=inv["amount_due"], amount_remaining=0,
                   attempt_count=inv["attempt_count"] + 1,
                   next_payment_attempt=None, auto_advance=False)
        inv["status_transitions"]["paid_at"] = now
        payment = self.payment_of(inv["id"])
        payment.update(status="paid", amount_paid=inv["amount_due"])
        payment["status_transitions"]["paid_at"] = now
        charge = self.objects[payment["payment"]["charge"]]
        charge.update(paid=True, captured=True, status="succeeded", amount_captured=charge["amount"],
                      failure_code=None, failure_message=None)
        self.emit("invoice.paid", inv)
        if sub["status"] != "active":
            previous = {"status": sub["status"]}
            sub["status"] = "active"
            self.emit("customer.subscription.updated", sub, previous)
        return inv

    def end_period(self, sub_id: str) -> Obj:
        sub = self.get("subscription", sub_id)
        return self.cancel_subscription(sub_id, at=self._period(sub)[1])

    def refund(self, invoice_id: str, amount: int | None = None) -> Obj:
        self.get("invoice", invoice_id)
        charge = self.objects[self.payment_of(invoice_id)["payment"]["charge"]]
        return payments.refund_charge(self, charge, amount, "requested_by_customer")

    def create_refund(self, p: Obj) -> Obj:
        return payments.create_refund(self, p)
