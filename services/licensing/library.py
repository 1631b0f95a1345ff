"""A user's licences (the library), one licence for those who may see it, its certificate PDF, and the public
verification anyone may ask for."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from services.common.clock import as_utc
from services.common.db import UnitOfWork
from services.common.media import MediaStore
from services.common.pagination import Envelope, PageRequest, Position, envelope, split
from services.common.sql import keyset_page
from services.contracts.errors import NotFound
from services.licensing.certificate import render_certificate
from services.licensing.downloads import LICENSE_NOT_FOUND, find_license
from services.licensing.models import License
from services.licensing.neighbours import Neighbours
from services.licensing.schemas import MY_LICENSES
from services.licensing.views import View, license_view, price_of, verification_view, verify_url

CERTIFICATES = "certificates"
UNKNOWN = {"status": "unknown"}


def list_my_licenses(uow: UnitOfWork, actor_id: str, page: PageRequest) -> Envelope:
    """The actor's licences, newest first (they stay after a plan is cancelled, and revoked ones show as such)."""
    session = uow.session
    mine = License.licensee_user_id == actor_id
    rows = session.scalars(keyset_page(select(License).where(mine), (License.issued_at, License.id), page)).all()
    kept, next_position = split(rows, page, lambda row: Position((row.issued_at, row.id)))
    total = session.scalar(select(func.count()).select_from(License).where(mine)) or 0
    return envelope(MY_LICENSES, [license_view(row) for row in kept], total, next_position)


def get_license(uow: UnitOfWork, neighbours: Neighbours, actor_id: str, license_id: str) -> View:
    return license_view(readable_license(uow, neighbours, actor_id, license_id))


def readable_license(uow: UnitOfWork, neighbours: Neighbours, actor_id: str, license_id: str,
                     for_update: bool = False) -> License:
    """The licence if the actor is its licensee or an owner of its track (the uploader or a credited
    collaborator, as catalog says now); ``NotFound`` for anyone else, as for an unknown id."""
    licence = find_license(uow, license_id)
    if licence is None:
        raise NotFound(LICENSE_NOT_FOUND)
    if for_update:
        licence = uow.session.scalars(select(License).where(License.id == licence.id)
                                      .with_for_update().execution_options(populate_existing=True)).one()
    if actor_id in (licence.licensee_user_id, licence.producer_user_id) or _owns_track(neighbours, licence, actor_id):
        return licence
    raise NotFound(LICENSE_NOT_FOUND)


def _owns_track(neighbours: Neighbours, licence: License, actor_id: str) -> bool:
    try:
        facts = neighbours.facts(licence.track_id)
    except NotFound:
        return False
    return actor_id in (facts.get("owner_user_ids") or ())


def certificate_source(uow: UnitOfWork, neighbours: Neighbours, media: MediaStore, actor_id: str,
                       license_id: str) -> View:
    """The licence's certificate PDF in the media store, rendered on the first request (or after its licensee's
    account was anonymised, or it was revoked) and kept. The row is locked so two first requests render once."""
    licence = readable_license(uow, neighbours, actor_id, license_id, for_update=True)
    if licence.certificate_key is None or not media.exists(licence.certificate_key):
        key = MediaStore.new_key(CERTIFICATES, ".pdf")
        media.save_bytes(key, render_certificate(certificate_facts(licence)))
        licence.certificate_key = key
    return {"key": licence.certificate_key, "content_type": "application/pdf",
            "filename": f"beatpass-licence-{licence.id}.pdf"}


def certificate_facts(licence: License) -> dict[str, Any]:
    """What the certificate prints (services/licensing/certificate.py)."""
    return {
        "license_id": licence.id, "license_type": licence.type, "status": licence.status,
        "track_id": licence.track_id, "track_title": licence.track_title, "artist_id": licence.artist_id,
        "producer_name": licence.producer_name, "fingerprint_hash": licence.fingerprint_hash,
        "licensee_email_masked": licence.licensee_email_masked, "issued_at": as_utc(licence.issued_at),
        "terms": dict(licence.terms), "verify_url": verify_url(licence.id), "price": price_of(licence),
    }


def verify_license(uow: UnitOfWork, license_id: str) -> View:
    licence = find_license(uow, license_id)
    if licence is None:
        raise NotFound("No licence has this id: check the id on the certificate.", UNKNOWN)
    return verification_view(licence)


def forget_certificate(uow: UnitOfWork, media: MediaStore, licence: License) -> None:
    """Drop the cached PDF once the change commits: the next request renders it from the licence as it is now."""
    key, licence.certificate_key = licence.certificate_key, None
    if key:
        uow.after_commit(lambda: media.delete(key))
