"""The Producer Program (docs/business-rules.md "Producer Program"): apply, admin review, and the roles an
approval grants.

Approving grants the role at once and emits the event in the same transaction (outbox), so
other services learn of the new producer exactly when it becomes true.
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Any, Callable

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from services.accounts import repository, roles, views
from services.common.clock import utcnow
from services.accounts.commands import Application
from services.accounts.models import PENDING, ProducerApplication, User
from services.common.sql import keyset_page
from services.common.persistence import parse_id
from services.common.db import UnitOfWork
from services.common.pagination import Envelope, PageRequest, Position, envelope, split
from services.contracts.errors import Conflict, Forbidden, InvalidField, NotFound
from services.contracts.events import PRODUCER_APPROVED, PRODUCER_VERIFIED, EventType

BECOME_PRODUCER = "become_producer"
CLAIM_ARTIST = "claim_artist"
GET_VERIFIED = "get_verified"
APPROVED = "approved"
REJECTED = "rejected"

MY_APPLICATIONS = "my_applications"
ALL_APPLICATIONS = "applications"

#: asks about an artist page: "available", "claimed", or None when there is no such page (artist_pages.py:
#: accounts' copy of the catalog's pages, so a claim is checked without calling catalog)
ArtistStatus = Callable[[str], "str | None"]
AVAILABLE = "available"

#: the role an approval grants, by application type
GRANTS = {BECOME_PRODUCER: roles.PRODUCER, CLAIM_ARTIST: roles.PRODUCER, GET_VERIFIED: roles.VERIFIED}


def apply(uow: UnitOfWork, actor_id: str, application: Application,
          artist_status: ArtistStatus) -> views.Application:
    """``artist_status`` is asked (only for ``claim_artist``) whether the claimed page exists and is
    still unclaimed: the catalog owns artist pages, accounts reads its copy of them."""
    session = uow.session
    applicant = repository.require_user(session, actor_id)
    _check_eligible(uow, applicant, application, artist_status)
    _refuse_second_pending(uow, applicant, application.type)
    row = ProducerApplication(user_id=applicant.id, status=PENDING, **asdict(application))
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        # a concurrent apply of the same type passed the check first; the partial unique index caught it
        session.rollback()
        raise _pending_conflict(application.type) from None
    return views.application(row)


def _check_eligible(uow: UnitOfWork, applicant: User, application: Application,
                    artist_status: ArtistStatus) -> None:
    """``become_producer`` and ``claim_artist`` are open to producers too: each approval gives the account one
    more artist page (a new one, or the claimed one), so a producer may run several aliases."""
    held = applicant.role_names()
    if application.type == GET_VERIFIED:
        if roles.PRODUCER not in held:
            raise Forbidden("only approved producers can apply to get verified")
        if roles.VERIFIED in held:
            raise Conflict("you are already verified", {"type": GET_VERIFIED})
    elif application.type == CLAIM_ARTIST:
        _refuse_unclaimable_page(artist_status, application.artist_id)
        _refuse_claimed_artist(uow, application.artist_id)


def _refuse_unclaimable_page(artist_status: ArtistStatus, artist_id: str | None) -> None:
    status = artist_status(str(artist_id))
    if status is None:
        raise InvalidField("no such artist page", {"artist_id": ["no such artist page"]})
    if status != AVAILABLE:
        raise Conflict("this artist page is already claimed", {"field": "artist_id"})


def _refuse_claimed_artist(uow: UnitOfWork, artist_id: str | None) -> None:
    claimed = uow.session.scalars(select(ProducerApplication.id).where(
        ProducerApplication.type == CLAIM_ARTIST, ProducerApplication.artist_id == artist_id,
        ProducerApplication.status == APPROVED)).first()
    if claimed is not None:
        raise Conflict("this artist page is already claimed", {"artist_id": artist_id})


def _refuse_second_pending(uow: UnitOfWork, applicant: User, kind: str) -> None:
    pending = uow.session.scalars(select(ProducerApplication.id).where(
        ProducerApplication.user_id == applicant.id, ProducerApplication.type == kind,
        ProducerApplication.status == PENDING)).first()
    if pending is not None:
        raise _pending_conflict(kind)


def _pending_conflict(kind: str) -> Conflict:
    return Conflict(f"you already have a pending {kind} application", {"type": kind})


def list_mine(uow: UnitOfWork, actor_id: str, page: PageRequest) -> Envelope:
    """The actor's own applications, newest first."""
    applicant = repository.require_user(uow.session, actor_id)
    condition = ProducerApplication.user_id == applicant.id
    return _list(uow, condition, page, MY_APPLICATIONS, newest_first=True)


def list_all(uow: UnitOfWork, actor_id: str, status: str | None, page: PageRequest) -> Envelope:
    """Every application (optionally of one status), oldest first: the review queue's order."""
    repository.require_admin(uow.session, actor_id)
    condition = ProducerApplication.status == status if status is not None else None
    return _list(uow, condition, page, ALL_APPLICATIONS, newest_first=False)


def _list(uow: UnitOfWork, condition, page: PageRequest, kind: str, newest_first: bool) -> Envelope:
    session = uow.session
    query, count = select(ProducerApplication), select(func.count()).select_from(ProducerApplication)
    if condition is not None:
        query, count = query.where(condition), count.where(condition)
    rows = session.scalars(keyset_page(query, (ProducerApplication.created_at, ProducerApplication.id), page,
                                       descending=newest_first)).all()
    kept, next_position = split(rows, page, lambda row: Position((row.created_at, row.id)))
    return envelope(kind, [views.application(row) for row in kept], session.scalar(count) or 0, next_position)


def approve(uow: UnitOfWork, actor_id: str, application_id: str) -> views.Application:
    session = uow.session
    admin = repository.require_admin(session, actor_id)
    row = _pending_for_decision(uow, application_id)
    if row.type == CLAIM_ARTIST:
        _refuse_claimed_artist(uow, row.artist_id)
    applicant = repository.require_user(session, row.user_id)
    repository.grant_role(session, applicant, GRANTS[row.type])
    _decide(row, APPROVED, admin)
    try:
        session.flush()
    except IntegrityError:
        # a rival claim of the same artist was approved concurrently; the partial unique index caught it
        session.rollback()
        raise Conflict("this artist page is already claimed", {"artist_id": row.artist_id}) from None
    uow.emit(*_approval_event(row))
    return views.application(row)


def _approval_event(row: ProducerApplication) -> tuple[EventType, dict[str, Any]]:
    if row.type == GET_VERIFIED:
        return PRODUCER_VERIFIED, {"user_id": row.user_id, "application_id": row.id}
    return PRODUCER_APPROVED, {"user_id": row.user_id, "application_id": row.id,
                               "producer_name": row.producer_name, "beats_link": row.beats_link,
                               "artist_id": row.artist_id}


def reject(uow: UnitOfWork, actor_id: str, application_id: str, reason: str) -> views.Application:
    admin = repository.require_admin(uow.session, actor_id)
    row = _pending_for_decision(uow, application_id)
    row.rejection_reason = reason
    _decide(row, REJECTED, admin)
    return views.application(row)


def _pending_for_decision(uow: UnitOfWork, application_id: str) -> ProducerApplication:
    """The application, locked so two admins deciding at once cannot both succeed."""
    canonical = parse_id(application_id)
    row = None
    if canonical is not None:
        row = uow.session.scalars(select(ProducerApplication).where(ProducerApplication.id == canonical)
                                  .with_for_update()).first()
    if row is None:
        raise NotFound("application not found", {"application_id": str(application_id)})
    if row.status != PENDING:
        raise Conflict(f"this application is already {row.status}", {"status": row.status})
    return row


def _decide(row: ProducerApplication, status: str, admin: User) -> None:
    row.status = status
    row.decided_at = utcnow()
    row.decided_by = admin.id
