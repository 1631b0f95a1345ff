"""Pure catalog rules (no I/O): musical keys, licensing, metadata completeness, search text and
image sniffing. docs/business-rules.md "Uploads" is the source of every number here."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

# the vocabularies the gateway validates with too (services/contracts/vocabularies.py)
from services.contracts.vocabularies import (BPM_MAX, BPM_MIN, CURRENCIES, DESCRIPTION_MAX,  # noqa: F401
                                             EXCLUSIVE_AVAILABLE, EXCLUSIVE_STATUSES, IMAGE_KINDS, KEYS,
                                             LICENSING_FILTERS, LICENSING_MODELS, LIST_MAX, SAMPLE_CLEARANCES,
                                             SCALES, STANDARD)
# images are judged by the one checker every process shares
from services.common.images import image_content_type  # noqa: F401

GALLERY_MAX = 20

#: the fields whose share decides metadata completeness (docs/business-rules.md "Uploads": required + optional)
COMPLETENESS_FIELDS = ("name", "artists", "cover", "key", "scale", "bpm", "licensing_model", "genres", "tags",
                       "description", "collection", "sample_clearance")
COMPLETE_AT = 0.8


@dataclass(frozen=True)
class MetadataState:
    """What completeness looks at: one value per field of ``COMPLETENESS_FIELDS``."""

    name: str | None
    artists: list[str]
    has_cover: bool
    key: str | None
    scale: str | None
    bpm: int | None
    licensing_model: str | None
    genres: list[str]
    tags: list[str]
    description: str | None
    collection_id: str | None
    sample_clearance: str | None


def completeness(state: MetadataState) -> float:
    """The share of ``COMPLETENESS_FIELDS`` that are filled, rounded to 4 places."""
    filled = [bool(state.name), bool(state.artists), state.has_cover, bool(state.key), bool(state.scale),
              state.bpm is not None, bool(state.licensing_model), bool(state.genres), bool(state.tags),
              bool(state.description and state.description.strip()), bool(state.collection_id),
              bool(state.sample_clearance)]
    return round(sum(filled) / len(COMPLETENESS_FIELDS), 4)


def is_complete(score: float) -> bool:
    return score >= COMPLETE_AT


def normalize(text: str) -> str:
    """Lower-case, accents removed, whitespace collapsed: "  Beyoncé  BEATS" → "beyonce beats"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def month_start(now: datetime) -> datetime:
    """The first instant of ``now``'s UTC month (``now`` is aware and UTC)."""
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def search_text(name: str, artists: Iterable[str], tags: Iterable[str]) -> str:
    """The text ``q`` is matched against: the track name, its artists' display names and its tags."""
    return normalize(" ".join([name, *artists, *tags]))


def search_terms(q: str) -> list[str]:
    """The words of a query; a track matches when every word occurs in its search text."""
    return normalize(q).split()


def normalize_genre(genre: str) -> str:
    return normalize(genre)


# --- licensing: the files a licence delivers and who may change an exclusive's status ------------------

SOLD = "sold"
AVAILABLE = "available"
#: the licensing models that sell an exclusive (the others: ``standard``)
EXCLUSIVE_MODELS = tuple(model for model in LICENSING_MODELS if model != STANDARD)
#: what the platform serves a lossless original and the MP3 320 rendition as
ORIGINAL_CONTENT_TYPES = {"wav": "audio/wav", "flac": "audio/flac"}
MP3_CONTENT_TYPE = "audio/mpeg"
SOLD_BY_PLATFORM = ("sales are recorded by the platform when a buyer pays for the exclusive through checkout; "
                    "choose available or private")
STAYS_SOLD = ("this exclusive is sold: sales are recorded by the platform when a buyer pays, and only a refund of "
              "that sale makes it available again; keep the status sold")


def original_format(audio_format: str | None, audio_key: str) -> str | None:
    """``wav`` or ``flac``: what audio found in the upload, else (not analysed yet) the upload's extension."""
    if audio_format:
        return audio_format
    extension = audio_key.rsplit(".", 1)[-1].lower() if "." in audio_key.rsplit("/", 1)[-1] else ""
    return extension if extension in ORIGINAL_CONTENT_TYPES else None


def original_content_type(audio_format: str | None) -> str:
    return ORIGINAL_CONTENT_TYPES.get(audio_format or "", "application/octet-stream")


def exclusive_status_problem(stored: str | None, wanted: str | None) -> str | None:
    """Why the producer may not move an exclusive from ``stored`` to ``wanted`` status (None: no exclusive
    before / after), or None. Only licensing's sale and refund events mark it sold or available again."""
    if stored == SOLD and wanted != SOLD:
        return STAYS_SOLD
    if wanted == SOLD and stored != SOLD:
        return SOLD_BY_PLATFORM
    return None


# --- the exclusive sale licensing reports (exclusive_sold / exclusive_refunded, any order) -------------

@dataclass(frozen=True)
class Sale:
    """The last exclusive sale catalog heard of for a track. A refund heard before its sale is kept too
    (``sold_at`` None), so the late sale does not mark the track sold."""

    license_id: str
    sold_at: datetime | None
    refunded_at: datetime | None

    @property
    def active(self) -> bool:
        return self.sold_at is not None and self.refunded_at is None

    @property
    def latest(self) -> datetime:
        return max(moment for moment in (self.sold_at, self.refunded_at) if moment is not None)


def after_sold(sale: Sale | None, license_id: str, sold_at: datetime) -> Sale | None:
    """The record once ``license_id`` was sold at ``sold_at``, or None when the event changes nothing: a
    redelivery, a sale whose refund came first, or one older than what the record already says."""
    if sale is not None and (sale.license_id == license_id or sold_at <= sale.latest):
        return None
    return Sale(license_id, sold_at, None)


def after_refunded(sale: Sale | None, license_id: str, refunded_at: datetime) -> Sale | None:
    """The record once ``license_id``'s sale was refunded, or None when nothing changes. Only one sale is
    granted at a time, so a refund of another licence than the active sale's is an old one."""
    if sale is not None and sale.license_id == license_id:
        return None if sale.refunded_at is not None else Sale(license_id, sale.sold_at, refunded_at)
    if sale is not None and (sale.active or refunded_at <= sale.latest):
        return None
    return Sale(license_id, None, refunded_at)


def status_after(status: str, before: Sale | None, after: Sale) -> str:
    """The exclusive's status once the record went from ``before`` to ``after``: sold while a sale is active;
    back to available when the sale that sold it is refunded; otherwise the producer's own choice stays."""
    if after.active:
        return SOLD
    if before is not None and before.active and status == SOLD:
        return "available"
    return status
