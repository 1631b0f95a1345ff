"""Administration: reviewing Producer Program applications (accounts checks the admin role)."""
from __future__ import annotations

from uuid import UUID

from flask import Blueprint, g
from flask.typing import ResponseReturnValue

from gateway.auth import login_required
from gateway.openapi import doc
from gateway.rpc import remote
from gateway.schemas import Application, ApplicationPage, ApplicationsQuery, RejectRequest
from gateway.validation import json_body, query_args

bp = Blueprint("admin", __name__, url_prefix="/api/v1/admin")


@bp.get("/producer-applications")
@doc("Producer Program applications, optionally by status", ok=(200, ApplicationPage), query=ApplicationsQuery,
     errors=(403,))
@login_required
def list_applications() -> ResponseReturnValue:
    query = query_args(ApplicationsQuery())
    result = remote("accounts").list_applications(actor_id=g.user_id, status=query.get("status"),
                                                  cursor=query.get("cursor"), limit=query["limit"])
    return ApplicationPage().dump(result)


@bp.post("/producer-applications/<uuid:application_id>/approve")
@doc("Approve an application: the applicant gains producer permissions", ok=(200, Application),
     errors=(403, 404, 409))
@login_required
def approve(application_id: UUID) -> ResponseReturnValue:
    decided = remote("accounts").approve_application(actor_id=g.user_id, application_id=str(application_id))
    return Application().dump(decided)


@bp.post("/producer-applications/<uuid:application_id>/reject")
@doc("Reject an application with a reason shown to the applicant", ok=(200, Application), body=RejectRequest,
     errors=(403, 404, 409))
@login_required
def reject(application_id: UUID) -> ResponseReturnValue:
    reason = json_body(RejectRequest())["reason"]
    decided = remote("accounts").reject_application(actor_id=g.user_id, application_id=str(application_id),
                                                    reason=reason)
    return Application().dump(decided)
