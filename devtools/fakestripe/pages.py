"""The pages a browser is sent to (not API): the hosted Checkout page, the customer billing portal and Connect's
hosted onboarding.

They stand in for Stripe's own pages in ``make run``: the Checkout page pays (Pay) or goes back to the
merchant's cancel_url; the portal lists the customer's subscriptions with buttons to switch to another
price and to cancel at the end of the period (or undo that), as Stripe's portal does by default. Every
button is a plain HTML form post, so a person (or a test) needs no JavaScript.
"""

from __future__ import annotations

import html
import json
from datetime import datetime, timezone

from devtools.fakestripe.objects import Obj

STYLE = ("body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f9fc;color:#1a1f36}"
         "main{max-width:640px;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px;"
         "box-shadow:0 2px 8px #0001}h1{font-size:1.3rem}section{border-top:1px solid #e3e8ee;padding:1rem 0}"
         "form{display:inline-block;margin:.2rem .4rem .2rem 0}button{padding:.4rem .9rem;border-radius:6px;"
         "border:1px solid #635bff;background:#635bff;color:#fff;cursor:pointer}"
         "button.secondary{background:#fff;color:#635bff}pre{font-size:12px;overflow:auto;background:#f6f9fc}")


def _document(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{STYLE}</style></head><body><main><p>Fake Stripe (test mode)</p>{body}</main></body></html>")


def _button(action: str, label: str, fields: dict[str, str] | None = None, secondary: bool = False) -> str:
    inputs = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                     for k, v in (fields or {}).items())
    css = ' class="secondary"' if secondary else ""
    return (f'<form method="post" action="{html.escape(action)}">{inputs}'
            f"<button type=\"submit\"{css}>{html.escape(label)}</button></form>")


def money(cents: int, currency: str) -> str:
    return f"{cents / 100:.2f} {currency.upper()}"


def day(ts: int | None) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d") if ts else "—"


def price_label(price: Obj) -> str:
    name = price.get("nickname") or price.get("lookup_key") or price["id"]
    recurring = price.get("recurring") or {}
    per = f" / {recurring['interval']}" if recurring else ""
    return f"{name} ({money(price['unit_amount'], price['currency'])}{per})"


# -- Checkout ---------------------------------------------------------------------------------------------

def checkout_page(session: Obj, line_items: list[Obj]) -> str:
    """The session's lines and total, then (while open) Pay, which completes it and returns to success_url,
    and a link back to cancel_url. Pay stays the page's first form: tests and scripts submit that one."""
    actions = ""
    if session.get("status") == "open":
        actions = _button(f"/_fake/checkout/{session['id']}/complete",
                          f"Pay {money(session['amount_total'], session['currency'])}", {"redirect": "1"})
        if session.get("cancel_url"):
            actions += f'<p><a id="cancel" href="{html.escape(session["cancel_url"])}">← Back (cancel)</a></p>'
    body = html.escape(json.dumps(session, indent=2))
    return _document("Checkout", f"<h1>Checkout</h1>{_lines_table(session, line_items)}{actions}<pre>{body}</pre>")


def _lines_table(session: Obj, line_items: list[Obj]) -> str:
    rows = "".join(
        f'<tr class="line"><td>{html.escape(item["description"] or item["price"]["id"])}</td>'
        f'<td>× {item["quantity"]}</td><td>{money(item["amount_total"], item["currency"])}</td></tr>'
        for item in line_items)
    total = (f'<tr id="total"><th colspan="2">Total</th>'
             f'<th>{money(session["amount_total"], session["currency"])}</th></tr>')
    return f'<table id="lines">{rows}{total}</table>'


# -- billing portal ---------------------------------------------------------------------------------------

def portal_page(session: Obj, customer: Obj, subscriptions: list[tuple[Obj, list[Obj]]]) -> str:
    """``subscriptions``: each live subscription with the prices it may switch to."""
    base = f"/billing_portal/{session['id']}/subscriptions"
    sections = [_subscription_section(base, sub, choices) for sub, choices in subscriptions]
    if not sections:
        sections = ["<section><p>No current subscription.</p></section>"]
    back = ""
    if session.get("return_url"):
        back = f'<p><a id="return" href="{html.escape(session["return_url"])}">← Return to the merchant</a></p>'
    who = html.escape(customer.get("email") or customer.get("name") or customer["id"])
    return _document("Billing portal", f"<h1>Billing portal</h1><p>Customer: {who}</p>{''.join(sections)}{back}")


def _subscription_section(base: str, sub: Obj, choices: list[Obj]) -> str:
    item = sub["items"]["data"][0]
    action = f"{base}/{sub['id']}"
    end = day(item.get("current_period_end"))
    if sub.get("cancel_at_period_end"):
        state = f"Cancels on {end}"
        buttons = _button(f"{action}/renew", "Renew plan")
    else:
        state = f"Renews on {end}"
        buttons = "".join(_button(f"{action}/update", f"Switch to {price_label(price)}", {"price": price["id"]})
                          for price in choices)
        buttons += _button(f"{action}/cancel", "Cancel plan", secondary=True)
    return (f'<section id="{html.escape(sub["id"])}"><h2>{html.escape(price_label(item["price"]))}</h2>'
            f"<p>Status: {html.escape(sub['status'])} · {state}</p>{buttons}</section>")


# -- Connect onboarding -------------------------------------------------------------------------------------

def onboarding_page(token: str, account: Obj, return_url: str) -> str:
    """Stripe's hosted Express onboarding in one click: the first form completes it (test data, every flag green)
    and returns to the platform; the second leaves with nothing submitted."""
    base = f"/connect/onboarding/{token}"
    due = "".join(f"<li>{html.escape(item)}</li>" for item in account["requirements"]["currently_due"])
    who = html.escape(account.get("email") or account["id"])
    body = (f"<h1>Set up payouts</h1><p>Account {html.escape(account['id'])} · {who} · "
            f"{html.escape(account['country'])}</p><p>Stripe needs:</p><ul id=\"currently_due\">{due}</ul>"
            + _button(f"{base}/complete", "Submit test information and finish")
            + _button(f"{base}/leave", "Save and leave for now", secondary=True)
            + f'<p><small>Then back to {html.escape(return_url)}</small></p>')
    return _document("Connect onboarding", body)
