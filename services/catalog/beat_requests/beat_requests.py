"""Beat requests (docs/business-rules.md "Beat requests"): a listener pays tokens for a request with a lifetime,
producers see the open ones and respond with a published track of their own, the requester sees the
responses, renews an expired request or deletes an active one for a (capped) refund.

The token balance lives with accounts. Catalog generates the request's id first and spends with it
as the key, so a repeated spend moves tokens once; a creation whose row cannot be stored is refunded.
Every use case takes ``now``: the service passes the clock, tests pass the moment they need.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Callable, Protocol, TypedDict

from nameko.exceptions import RemoteError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.catalog.beat_requests import rules, notifications
from services.catalog.beat_requests.models import BeatRequest, BeatRequestResponse
from services.catalog.beat_requests.schemas import MY_REQUESTS, OPEN_REQUESTS, RESPONSES, OpenRequestsQuery
from services.catalog.shared.references import gone_as_not_found
from services.catalog.tracks.models import PUBLISHED, Artist, Track
from services.catalog.tracks import repository
from services.common.clock import iso
from services.common.db import UnitOfWork
from services.common.pagination import Envelope, PageRequest, Position, envelope, split
from services.common.persistence import new_id, parse_id
from services.common.sql import keyset_page
from services.common.validation import invalid
from services.contracts.errors import ERRORS_BY_NAME, Conflict, Forbidden, NotFound
from services.contracts.events import (BEAT_REQUEST_CREATED, BEAT_REQUEST_DELETED, BEAT_REQUEST_RENEWED,
                                       BEAT_REQUEST_RESPONDED)

log = logging.getLogger(__name__)

NOT_FOUND = "beat request not found"
ALREADY_RESPONDED = "you already responded to this beat request"


# --- the token balance, kept by accounts -----------------------------------------------------------

class Tokens(Protocol):
    """What beat requests need from the accounts service (docs/rpc-accounts.md: Beat-request tokens)."""

    def spend(self, user_id: str, request_id: str, purpose: str, amount: int) -> dict[str, Any]: ...

    def refund(self, user_id: str, request_id: str, purpose: str) -> dict[str, Any]: ...

    def balance(self, user_id: str) -> dict[str, Any]: ...


class RemoteTokens:
    """``Tokens`` over RPC: accounts' refusals come back as the same contract errors (the gateway then
    answers 402, 404 … exactly as if accounts had been asked directly)."""

    def __init__(self, accounts):
        self.accounts = accounts

    def spend(self, user_id: str, request_id: str, purpose: str, amount: int) -> dict[str, Any]:
        return _remote(lambda: self.accounts.spend_tokens(user_id=user_id, request_id=request_id, purpose=purpose,
                                                          amount=amount), {"cost": amount})

    def refund(self, user_id: str, request_id: str, purpose: str) -> dict[str, Any]:
        return _remote(lambda: self.accounts.refund_tokens(user_id=user_id, request_id=request_id, purpose=purpose))

    def balance(self, user_id: str) -> dict[str, Any]:
        return _remote(lambda: self.accounts.get_token_balance(actor_id=user_id))


def _remote(call: Callable[[], dict[str, Any]], details: dict[str, Any] | None = None) -> dict[str, Any]:
    try:
        return call()
    except RemoteError as exc:
        error = ERRORS_BY_NAME.get(exc.exc_type or "")
        if error is None:
            raise
        # nameko carries the message (``value``) but not the details; add what this side knows
        raise error(str(exc.value), details or {}) from None


# --- views -----------------------------------------------------------------------------------------

class BeatRequestView(TypedDict, total=False):
    id: str
    requester_user_id: str
    genre: str
    bpm_min: int
    bpm_max: int
    mood: str
    budget_cents: int
    currency: str
    reference_track_id: str | None
    lifetime_hours: int
    cost_tokens: int
    renewals: int
    status: str
    created_at: str
    expires_at: str
    #: the last moment a renewal is accepted (30 days after expiry)
    renewable_until: str
    #: after a create or renew only: the requester's token balance afterwards
    tokens: int


class ResponseView(TypedDict):
    id: str
    beat_request_id: str
    producer_user_id: str
    artist_id: str
    artist_name: str
    track_id: str
    track_name: str
    message: str | None
    created_at: str


class Deleted(TypedDict):
    refunded_tokens: int
    tokens: int


def view(row: BeatRequest, now: datetime, tokens: int | None = None) -> BeatRequestView:
    shown = BeatRequestView(
        id=row.id, requester_user_id=row.requester_user_id, genre=row.genre, bpm_min=row.bpm_min,
        bpm_max=row.bpm_max, mood=row.mood, budget_cents=row.budget_cents, currency=row.currency,
        reference_track_id=row.reference_track_id, lifetime_hours=row.lifetime_hours, cost_tokens=row.cost_tokens,
        renewals=row.renewals, status=rules.status(row.expires_at, row.deleted_at, now),
        created_at=iso(row.created_at), expires_at=iso(row.expires_at),
        renewable_until=iso(row.expires_at + rules.RENEWAL_WINDOW))
    if tokens is not None:
        shown["tokens"] = tokens
    return shown


def response_view(response: BeatRequestResponse, artist: Artist, track: Track) -> ResponseView:
    return ResponseView(id=response.id, beat_request_id=response.beat_request_id,
                        producer_user_id=response.producer_user_id, artist_id=artist.id, artist_name=artist.name,
                        track_id=track.id, track_name=track.name, message=response.message,
                        created_at=iso(response.created_at))


# --- look-ups --------------------------------------------------------------------------------------

def _find(session: Session, request_id: object, lock: bool = False) -> BeatRequest:
    """A request that exists and is not deleted (a deleted one no longer exists for anyone)."""
    canonical = parse_id(request_id)
    row = None
    if canonical is not None:
        query = select(BeatRequest).where(BeatRequest.id == canonical, BeatRequest.deleted_at.is_(None))
        row = session.scalars(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound(NOT_FOUND, {"beat_request_id": str(request_id)})
    return row


def _is_requester(row: BeatRequest, actor_id: object) -> bool:
    return row.requester_user_id == parse_id(actor_id)


def _own(session: Session, actor_id: str, request_id: str) -> BeatRequest:
    """The actor's own request, locked for a change (renewal, deletion)."""
    row = _find(session, request_id, lock=True)
    if not _is_requester(row, actor_id):
        raise Forbidden("only the requester can change this beat request")
    return row


def _published_track(session: Session, track_id: str, field: str, owner_id: str | None = None) -> Track:
    """A published track (of ``owner_id``, if given); anything else is an invalid ``field``."""
    track = repository.find_track(session, track_id)
    foreign = owner_id is not None and track is not None and not repository.is_owner(track, owner_id)
    if track is None or track.status != PUBLISHED or foreign:
        raise invalid(field, "not a published track of yours" if owner_id else "not a published track")
    return track


# --- creating --------------------------------------------------------------------------------------

def create(uow: UnitOfWork, tokens: Tokens, actor_id: str, data: dict[str, Any], now: datetime) -> BeatRequestView:
    """Validated ``data`` (schemas.py) → a stored, paid request, and notifications for the
    verified producers of its genre. Refusals (422, 402) store and spend nothing."""
    session = uow.session
    if data["reference_track_id"] is not None:
        _published_track(session, data["reference_track_id"], "reference_track_id")
    cost = rules.cost_of(data["lifetime_hours"])
    requester = parse_id(actor_id) or str(actor_id)
    request_id = new_id()
    spent = tokens.spend(requester, request_id, rules.CREATE_PURPOSE, cost)
    try:
        row = _store(uow, requester, request_id, data, cost, now)
        uow.commit()
    except BaseException:
        uow.rollback()
        _give_back(tokens, requester, request_id)
        raise
    return view(row, now, tokens=spent["tokens"])


def _store(uow: UnitOfWork, requester: str, request_id: str, data: dict[str, Any], cost: int,
           now: datetime) -> BeatRequest:
    row = BeatRequest(id=request_id, requester_user_id=requester, genre=data["genre"],
                      genre_key=rules.genre_key(data["genre"]), bpm_min=data["bpm_min"], bpm_max=data["bpm_max"],
                      mood=data["mood"], budget_cents=data["budget_cents"], currency=data["currency"],
                      reference_track_id=data["reference_track_id"], lifetime_hours=data["lifetime_hours"],
                      cost_tokens=cost, renewals=0, created_at=now,
                      expires_at=rules.expiry(now, data["lifetime_hours"]))
    uow.session.add(row)
    with gone_as_not_found(BeatRequest, {}, invalid("reference_track_id", "not a published track")):
        uow.session.flush()  # the reference track deleted since it was checked
    notifications.notify(uow, matching_producers(uow.session, row), notifications.BEAT_REQUEST_MATCH,
                         _match_payload(row), now)
    uow.emit(BEAT_REQUEST_CREATED, {
        "beat_request_id": row.id, "requester_user_id": row.requester_user_id, "genre": row.genre,
        "bpm_min": row.bpm_min, "bpm_max": row.bpm_max, "budget_cents": row.budget_cents, "currency": row.currency,
        "lifetime_hours": row.lifetime_hours, "cost_tokens": cost, "expires_at": iso(row.expires_at)})
    return row


def _give_back(tokens: Tokens, requester: str, request_id: str) -> None:
    """The spend committed in accounts but the request was not stored: refund it (idempotent)."""
    try:
        tokens.refund(requester, request_id, rules.DELETE_PURPOSE)
    except Exception:
        log.exception("refunding the tokens of unstored beat request %s failed", request_id)


def matching_producers(session: Session, row: BeatRequest) -> list[str]:
    """Users of verified, claimed artist pages whose genres include the request's genre (not the requester).

    Genres are a JSON list per page, so they are compared here rather than in SQL; only verified
    pages are read, a small share of all pages."""
    pages = session.scalars(select(Artist).where(Artist.verified.is_(True), Artist.user_id.is_not(None),
                                                 Artist.user_id != row.requester_user_id)).all()
    return [page.user_id for page in pages if page.user_id and rules.matches_genre(row.genre_key, page.genres or [])]


def _match_payload(row: BeatRequest) -> dict[str, Any]:
    return {"beat_request_id": row.id, "genre": row.genre, "bpm_min": row.bpm_min, "bpm_max": row.bpm_max,
            "mood": row.mood, "budget_cents": row.budget_cents, "currency": row.currency,
            "expires_at": iso(row.expires_at)}


# --- reading ---------------------------------------------------------------------------------------

def _newest_page(session: Session, conditions: list, page: PageRequest, kind: str,
                 present: Callable[[Any], Any]) -> Envelope:
    """One keyset page of the requests matching ``conditions``, newest first, with their total."""
    rows = session.scalars(keyset_page(select(BeatRequest).where(*conditions),
                                           (BeatRequest.created_at, BeatRequest.id), page)).all()
    kept, next_position = split(rows, page, lambda row: Position((row.created_at, row.id)))
    total = session.scalar(select(func.count()).select_from(BeatRequest).where(*conditions)) or 0
    return envelope(kind, [present(row) for row in kept], total, next_position)


def list_open(uow: UnitOfWork, actor_id: str, query: OpenRequestsQuery, now: datetime) -> Envelope:
    """Open requests for producers, newest first, filtered by genre, a BPM inside the range, a minimum budget."""
    session = uow.session
    repository.require_producer(session, actor_id)
    conditions = [BeatRequest.deleted_at.is_(None), BeatRequest.expires_at > now]
    if query.genre is not None:
        conditions.append(BeatRequest.genre_key == rules.genre_key(query.genre))
    if query.bpm is not None:
        conditions += [BeatRequest.bpm_min <= query.bpm, BeatRequest.bpm_max >= query.bpm]
    if query.budget_min is not None:
        conditions.append(BeatRequest.budget_cents >= query.budget_min)
    return _newest_page(session, conditions, query.page, OPEN_REQUESTS, lambda row: view(row, now))


def list_mine(uow: UnitOfWork, actor_id: str, page: PageRequest, now: datetime) -> Envelope:
    """The requester's own requests, open and expired (not deleted), newest first."""
    conditions = [BeatRequest.requester_user_id == (parse_id(actor_id) or ""), BeatRequest.deleted_at.is_(None)]
    return _newest_page(uow.session, conditions, page, MY_REQUESTS, lambda row: view(row, now))


def get(uow: UnitOfWork, actor_id: str, request_id: str, now: datetime) -> BeatRequestView:
    """For its requester and for producers; anyone else is refused."""
    session = uow.session
    row = _find(session, request_id)
    if not _is_requester(row, actor_id):
        repository.require_producer(session, actor_id)
    return view(row, now)


# --- responding ------------------------------------------------------------------------------------

def respond(uow: UnitOfWork, actor_id: str, request_id: str, data: dict[str, Any], now: datetime) -> ResponseView:
    """A producer's answer with their own published track, credited to the track's artist page: once per
    producer (account), only while the request is open."""
    session = uow.session
    row = _find(session, request_id)
    artist = repository.require_producer(session, actor_id)
    if _is_requester(row, actor_id):
        raise Forbidden("you cannot respond to your own beat request")
    track = _published_track(session, data["track_id"], "track_id", owner_id=artist.user_id)
    if track.artist_id != artist.id:  # an account with several pages answers as the page the track belongs to
        artist = repository.require_artist(session, track.artist_id)
    if rules.status(row.expires_at, row.deleted_at, now) != rules.OPEN:
        raise Conflict("this beat request has expired and takes no more responses", {"status": rules.EXPIRED})
    _refuse_second_response(session, row.id, artist.user_id)
    response = BeatRequestResponse(beat_request_id=row.id, producer_user_id=artist.user_id, artist_id=artist.id,
                                   track_id=track.id, message=data.get("message") or None, created_at=now)
    session.add(response)
    try:
        with gone_as_not_found(BeatRequestResponse, {}, invalid("track_id", "not a published track of yours")):
            session.flush()  # the track deleted meanwhile: as if it had not been found
    except IntegrityError:  # a concurrent response by the same producer won the unique index
        raise Conflict(ALREADY_RESPONDED) from None
    notifications.notify(uow, [row.requester_user_id], notifications.BEAT_REQUEST_RESPONSE, {
        "beat_request_id": row.id, "response_id": response.id, "track_id": track.id, "track_name": track.name,
        "artist_id": artist.id, "artist_name": artist.name}, now)
    uow.emit(BEAT_REQUEST_RESPONDED, {
        "beat_request_id": row.id, "response_id": response.id, "requester_user_id": row.requester_user_id,
        "producer_user_id": artist.user_id, "artist_id": artist.id, "track_id": track.id})
    return response_view(response, artist, track)


def _refuse_second_response(session: Session, request_id: str, producer_user_id: str | None) -> None:
    existing = session.scalar(select(BeatRequestResponse.id).where(
        BeatRequestResponse.beat_request_id == request_id, BeatRequestResponse.producer_user_id == producer_user_id))
    if existing is not None:
        raise Conflict(ALREADY_RESPONDED, {"response_id": existing})


def list_responses(uow: UnitOfWork, actor_id: str, request_id: str, page: PageRequest) -> Envelope:
    """The responses to a request, newest first: for its requester only."""
    session = uow.session
    row = _find(session, request_id)
    if not _is_requester(row, actor_id):
        raise Forbidden("only the requester sees the responses to a beat request")
    conditions = [BeatRequestResponse.beat_request_id == row.id]
    query = (select(BeatRequestResponse, Artist, Track).join(Artist, Artist.id == BeatRequestResponse.artist_id)
             .join(Track, Track.id == BeatRequestResponse.track_id).where(*conditions))
    rows = session.execute(keyset_page(query, (BeatRequestResponse.created_at, BeatRequestResponse.id),
                                           page)).all()
    kept, next_position = split(rows, page, lambda r: Position((r[0].created_at, r[0].id)))
    total = session.scalar(select(func.count()).select_from(BeatRequestResponse).where(*conditions)) or 0
    return envelope(RESPONSES, [response_view(*r) for r in kept], total, next_position)


# --- renewing and deleting -------------------------------------------------------------------------

def renew(uow: UnitOfWork, tokens: Tokens, actor_id: str, request_id: str, now: datetime) -> BeatRequestView:
    """An expired request, within 30 days of expiry, for 1 token: open again for 24 h from now.

    The spend's key is the renewal's number, so if this transaction fails after accounts spent, the
    caller's retry replays the same spend (no second token) and completes the renewal."""
    row = _own(uow.session, actor_id, request_id)
    current = rules.status(row.expires_at, row.deleted_at, now)
    if current == rules.OPEN:
        raise Conflict("this beat request is still open; only an expired request can be renewed",
                       {"status": current})
    if not rules.renewable(row.expires_at, now):
        raise Conflict("this beat request expired more than 30 days ago and can no longer be renewed",
                       {"status": current, "renewable_until": iso(row.expires_at + rules.RENEWAL_WINDOW)})
    spent = tokens.spend(row.requester_user_id, row.id, rules.renewal_purpose(row.renewals), rules.RENEWAL_COST)
    row.renewals += 1
    row.expires_at = now + rules.RENEWAL_LIFETIME
    uow.emit(BEAT_REQUEST_RENEWED, {"beat_request_id": row.id, "requester_user_id": row.requester_user_id,
                                    "renewal": row.renewals, "expires_at": iso(row.expires_at)})
    return view(row, now, tokens=spent["tokens"])


def delete(uow: UnitOfWork, tokens: Tokens, actor_id: str, request_id: str, now: datetime) -> Deleted:
    """An open request is refunded (capped by accounts at the plan's allowance); an expired one may be
    deleted too, without a refund (docs/business-rules.md "Beat requests": expired requests are not refunded)."""
    row = _own(uow.session, actor_id, request_id)
    if rules.status(row.expires_at, row.deleted_at, now) == rules.OPEN:
        refund = tokens.refund(row.requester_user_id, row.id, rules.DELETE_PURPOSE)
        result = Deleted(refunded_tokens=refund["refunded_tokens"], tokens=refund["tokens"])
    else:
        result = Deleted(refunded_tokens=0, tokens=tokens.balance(row.requester_user_id)["tokens"])
    row.deleted_at = now
    uow.emit(BEAT_REQUEST_DELETED, {"beat_request_id": row.id, "requester_user_id": row.requester_user_id,
                                    "refunded_tokens": result["refunded_tokens"]})
    return result
