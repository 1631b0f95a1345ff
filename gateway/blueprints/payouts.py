"""Stripe Connect onboarding for producers and the admins' pool split runs (docs/payouts.md). The payouts
service decides; the gateway checks the role first (403 before any validation), validates, and shapes HTTP."""
from __future__ import annotations

from uuid import UUID

from flask import Blueprint, g, url_for
from flask.typing import ResponseReturnValue

from gateway.auth import admin_required, producer_required
from gateway.openapi import doc
from gateway.payout_schemas import ConnectLink, ConnectRequest, Run, RunPage, RunRequest, RunStarted
from gateway.rpc import remote
from gateway.schemas import PageQuery
from gateway.validation import json_body, page_args

bp = Blueprint("payouts", __name__, url_prefix="/api/v1")

LINK = ConnectLink()


# --- Stripe Connect ----------------------------------------------------------------------------------------------

@bp.post("/producer/stripe/connect")
@doc("Connect a Stripe Express account to get paid: send the producer to `url`", ok=(201, ConnectLink),
     body=ConnectRequest, errors=(403, 409),
     description="201 when this call created the Express account; the same country again → 200 with a fresh "
                 "link. The country is fixed once chosen: another one → 409. A non-producer → 403 before the body "
                 "is read. Coming back from Stripe changes nothing: the account turns payout-ready when Stripe's "
                 "`account.updated` webhook says Connected, Charges Enabled and Payouts Enabled (GET "
                 "/producer/finances shows it). 503 `billing_unavailable` when Stripe is not configured.")
@producer_required
def connect() -> ResponseReturnValue:
    country = json_body(ConnectRequest())["country"]
    link = remote("payouts").start_connect(actor_id=g.user_id, country=country)
    return LINK.dump(link), 201 if link.get("created") else 200


@bp.post("/producer/stripe/connect/refresh")
@doc("A fresh onboarding link for the producer's Express account", ok=(200, ConnectLink), errors=(403, 404),
     description="Links expire after a few minutes and work once; this makes a new one. 404 when the producer "
                 "has not connected yet (POST /producer/stripe/connect first).")
@producer_required
def refresh_connect() -> ResponseReturnValue:
    return LINK.dump(remote("payouts").refresh_connect_link(actor_id=g.user_id))


# --- pool split runs ---------------------------------------------------------------------------------------------

@bp.post("/admin/payout-runs")
@doc("Split a month's subscription pool and pay the producers (admins only)", ok=(202, RunStarted), body=RunRequest,
     errors=(403, 409),
     description="202 with `Location: /api/v1/admin/payout-runs/{id}`; the run proceeds in the background (poll "
                 "the run). A period that already has a run answers that run (same id) and resumes it: nobody is "
                 "paid twice. 403 for a non-admin, before the body is validated; 409 when the period has not ended "
                 "(a period is a UTC calendar month; it ends at the first instant of the next).")
@admin_required
def start_run() -> ResponseReturnValue:
    period = json_body(RunRequest())["period"]
    run = remote("payouts").start_run(actor_id=g.user_id, period=period)
    return RunStarted().dump(run), 202, {"Location": url_for("payouts.get_run", run_id=run["id"])}


@bp.get("/admin/payout-runs")
@doc("Every pool split run, newest period first, without its splits (admins only)", ok=(200, RunPage),
     query=PageQuery, errors=(403,),
     description="Pages of the list envelope (`limit` 1–100, default 20; `next` is the following page's cursor). "
                 "Each run: `id`, `period`, `status` (`queued`, `running`, `completed`, `completed_with_failures`), "
                 "`pool`, `platform_total`, `started_at`, `finished_at` and `counts`, its splits by status (`{}` "
                 "before the run has split the pool); GET /admin/payout-runs/{id} has the splits. 403 for a "
                 "non-admin, before the query is validated.")
@admin_required
def list_runs() -> ResponseReturnValue:
    return RunPage().dump(remote("payouts").list_runs(actor_id=g.user_id, **page_args()))


@bp.get("/admin/payout-runs/<uuid:run_id>")
@doc("A pool split run with every split and its status (admins only)", ok=(200, Run), errors=(403, 404),
     description="Split statuses: `queued`, `sending`, `paid`, `failed` (with Stripe's reason; a later run "
                 "retries it) and `excluded` (`not_payout_ready`, `unclaimed`).")
@admin_required
def get_run(run_id: UUID) -> ResponseReturnValue:
    return Run().dump(remote("payouts").get_run(actor_id=g.user_id, run_id=str(run_id)))
