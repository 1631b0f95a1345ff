"""Applying to the Producer Program."""
from __future__ import annotations

from flask import Blueprint, g
from flask.typing import ResponseReturnValue

from gateway.auth import login_required
from gateway.openapi import doc
from gateway.rpc import remote
from gateway.schemas import Application, ProducerApplicationRequest
from gateway.validation import json_body

bp = Blueprint("producer_program", __name__, url_prefix="/api/v1/producer-program")


@bp.post("/applications")
@doc("Apply to become a producer, claim an artist page or get verified", ok=(201, Application),
     body=ProducerApplicationRequest, errors=(403, 409),
     description="All four commitments must be true. become_producer needs producer_name, beats_link, "
                 "first_name and last_name; claim_artist also artist_id. One pending application per type (409).")
@login_required
def apply() -> ResponseReturnValue:
    application = json_body(ProducerApplicationRequest())
    created = remote("accounts").apply_producer_program(actor_id=g.user_id, application=application)
    return Application().dump(created), 201
