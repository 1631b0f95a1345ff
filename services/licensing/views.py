"""What licensing's RPCs reply (the shapes of services/contracts/rpc/licensing.py)."""
from __future__ import annotations

import re
from typing import Any

from services.common.clock import iso, iso_or_none
from services.common.config import public_url
from services.licensing.models import License

View = dict[str, Any]


def license_view(licence: License) -> View:
    return {
        "id": licence.id, "type": licence.type, "status": licence.status,
        "track_id": licence.track_id, "track_title": licence.track_title,
        "artist_id": licence.artist_id, "producer_name": licence.producer_name,
        "licensee_user_id": licence.licensee_user_id, "licensee_email_masked": licence.licensee_email_masked,
        "fingerprint_hash": licence.fingerprint_hash,
        "issued_at": iso(licence.issued_at), "revoked_at": iso_or_none(licence.revoked_at),
        "terms_version": licence.terms_version, "terms": dict(licence.terms),
        "price": price_of(licence),
    }


def price_of(licence: License) -> dict[str, Any] | None:
    sale = licence.sale
    if sale is None:
        return None
    return {"price_cents": sale.price_cents, "fee_cents": sale.fee_cents, "currency": sale.currency}


def verification_view(licence: License) -> View:
    """The public facts of a licence: nothing more personal than the masked email."""
    return {
        "status": licence.status, "license_type": licence.type,
        "track": {"id": licence.track_id, "title": licence.track_title},
        "producer": {"artist_id": licence.artist_id, "name": licence.producer_name},
        "issued_at": iso(licence.issued_at), "revoked_at": iso_or_none(licence.revoked_at),
        "licensee_email_masked": licence.licensee_email_masked, "fingerprint_hash": licence.fingerprint_hash,
        "terms_version": licence.terms_version, "terms": dict(licence.terms),
    }


CONTENT_TYPES = {"wav": "audio/wav", "flac": "audio/flac", "mp3": "audio/mpeg", "zip": "application/zip"}


def file_ref(key: str, fmt: str, title: str, label: str, content_type: str | None = None) -> View:
    return {"key": key, "content_type": content_type or CONTENT_TYPES.get(fmt, "application/octet-stream"),
            "filename": f"{safe_name(title)} ({label}).{fmt}", "format": fmt}


def safe_name(title: str) -> str:
    """A track title as a file name any browser and file system takes: no separators, quotes or control
    characters, not empty, not overlong."""
    cleaned = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]+', " ", title).strip(" .")
    return re.sub(r"\s+", " ", cleaned)[:120] or "track"


def verify_url(license_id: str) -> str:
    """The licence's public verification page (printed on its certificate, tagged into its WAV)."""
    return f"{public_url()}/verify-license/{license_id}"
