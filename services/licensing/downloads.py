"""Downloads: who may download a track (``download_eligibility``, no side effect), the download itself — a new
standard licence each time, ``license_issued`` through the outbox — and a licence's files again
(``license_files``). Files are media-store keys; the gateway signs the URLs."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from services.common.db import UnitOfWork
from services.common.media import MediaStore
from services.common.persistence import parse_id
from services.contracts.errors import Conflict, Forbidden, NotFound
from services.contracts.events import LICENSE_ISSUED
from services.licensing import deliverables, rules
from services.licensing.models import EXCLUSIVE, GRANTED, REVOKED, STANDARD, ExclusiveSale, License
from services.licensing.neighbours import Neighbours
from services.licensing.terms import mask_email, standard_terms
from services.licensing.views import View, file_ref, license_view

LICENSE_NOT_FOUND = "licence not found"


def download_eligibility(uow: UnitOfWork, neighbours: Neighbours, actor_id: str, track_id: str) -> View:
    user, facts = _user_and_facts(neighbours, actor_id, track_id)
    return _decide(uow, actor_id, user, facts).view()


def download(uow: UnitOfWork, neighbours: Neighbours, actor_id: str, track_id: str, now: datetime) -> View:
    user, facts = _user_and_facts(neighbours, actor_id, track_id)
    decision = _decide(uow, actor_id, user, facts)
    if not decision.allowed:
        raise Forbidden(decision.message, {"reason": decision.reason})
    own = decision.reason == "own_track"
    files = track_files(facts, with_stems=own)
    if own:  # nobody licenses their own work: no licence, no event
        return {"license": None, "files": files}
    return {"license": license_view(issue_standard(uow, facts, actor_id, user["email"], now)), "files": files}


def license_files(uow: UnitOfWork, neighbours: Neighbours, media: MediaStore, actor_id: str, license_id: str) -> View:
    """The files of the actor's licence again (a re-download from the library); an exclusive one adds the stems
    and its WAV and tagged WAV (made on the first request: deliverables.py)."""
    licence = held_license(uow, actor_id, license_id)
    if licence.status == REVOKED:
        raise Conflict("This licence was revoked (its exclusive sale was refunded): its files are no longer "
                       "available.", {"status": REVOKED})
    try:
        facts = neighbours.facts(licence.track_id)
    except NotFound:
        raise NotFound("this licence's track no longer exists; the licence itself stays valid") from None
    files = track_files(facts, with_stems=licence.type == EXCLUSIVE)
    if licence.type == EXCLUSIVE:
        files.update(deliverables.exclusive_wavs(media, licence, facts["original"]))
    return files


def held_license(uow: UnitOfWork, actor_id: str, license_id: str) -> License:
    licence = find_license(uow, license_id)
    if licence is None or licence.licensee_user_id is None or licence.licensee_user_id != actor_id:
        raise NotFound(LICENSE_NOT_FOUND)
    return licence


def find_license(uow: UnitOfWork, license_id: str) -> License | None:
    canonical = parse_id(license_id)
    return None if canonical is None else uow.session.get(License, canonical)


def _user_and_facts(neighbours: Neighbours, actor_id: str,
                    track_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The actor's account and the track's facts. The account is asked on every decision, also when the track
    alone decides: it is the check that the caller still exists (the gateway leaves it to this service)."""
    canonical = parse_id(track_id)
    if canonical is None:
        neighbours.user(actor_id)  # an unknown caller is 401 before any 404
        raise NotFound(rules.TRACK_NOT_FOUND)
    return neighbours.user_and_facts(actor_id, canonical)


def _decide(uow: UnitOfWork, actor_id: str, user: dict[str, Any], facts: dict[str, Any]) -> rules.Decision:
    decision = rules.track_decision(facts, actor_id, sale_granted(uow, facts["track_id"]))
    return decision if decision is not None else rules.plan_decision(user)


def sale_granted(uow: UnitOfWork, track_id: str) -> bool:
    """Licensing's own word that the exclusive is sold (catalog's status follows it by event)."""
    found = uow.session.execute(select(ExclusiveSale.id).where(ExclusiveSale.track_id == track_id,
                                                               ExclusiveSale.status == GRANTED)).first()
    return found is not None


def issue_standard(uow: UnitOfWork, facts: dict[str, Any], licensee_id: str, email: str, now: datetime) -> License:
    return issue(uow, facts, STANDARD, standard_terms(facts["artist_name"]), licensee_id, email, now)


def issue(uow: UnitOfWork, facts: dict[str, Any], license_type: str, terms: dict[str, Any], licensee_id: str,
          email: str, now: datetime) -> License:
    """A new licence of ``license_type`` on the track of ``facts``, and its ``license_issued``."""
    licence = License(
        type=license_type, track_id=facts["track_id"], track_title=facts["name"], artist_id=facts["artist_id"],
        producer_name=facts["artist_name"], producer_user_id=facts["producer_user_id"],
        licensee_user_id=licensee_id, licensee_email_masked=mask_email(email),
        fingerprint_hash=facts.get("fingerprint_hash"), terms_version=terms["version"], terms=terms, issued_at=now)
    uow.session.add(licence)
    uow.session.flush()
    uow.emit(LICENSE_ISSUED, {
        "license_id": licence.id, "license_type": license_type, "track_id": licence.track_id,
        "artist_id": licence.artist_id, "producer_user_id": facts["producer_user_id"],
        "licensee_user_id": licensee_id, "issued_at": now.isoformat()})
    return licence


def track_files(facts: dict[str, Any], with_stems: bool) -> View:
    """The original upload and the MP3 320 (and the stems, when asked for and uploaded) as media-store keys."""
    original, mp3 = facts.get("original"), facts.get("mp3_320")
    if not original or not mp3:
        raise Conflict("This track's files are still being prepared: try again in a minute.")
    title = facts["name"]
    files: View = {
        "original": file_ref(original["key"], original["format"], title, "original", original.get("content_type")),
        "mp3_320": file_ref(mp3["key"], "mp3", title, "MP3 320", mp3.get("content_type")),
    }
    stems = facts.get("stems")
    files["stems"] = file_ref(stems["key"], "zip", title, "stems") if with_stems and stems else None
    return files
