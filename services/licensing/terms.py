"""The licence terms as data (docs/licensing-terms.md, from docs/business-rules.md "Licensing and downloads").

Each licence stores the terms it was issued under, so a new version here never changes a licence already
issued: publish a new version string instead of editing the values of an old one. ``text`` is generated from
the same values as the machine-readable fields, so the JSON and the certificate can never disagree.
"""
from __future__ import annotations

STANDARD_TERMS_VERSION = "standard-2026-12"
EXCLUSIVE_TERMS_VERSION = "exclusive-2026-12"

#: machine-readable deliverable → how the certificate names it
DELIVERABLE_NAMES = {
    "original": "the producer's original lossless file",
    "wav": "WAV",
    "tagged_wav": "tagged WAV",
    "mp3_320": "MP3 320",
    "stems": "stems",
}
#: governing_law (ISO 3166 country code) → how the certificate names it
LAW_NAMES = {"US": "the United States of America"}
TERRITORY_NAMES = {"worldwide": "worldwide"}


def credit_line(producer_name: str) -> str:
    return f"Produced by {producer_name}"


def standard_terms(producer_name: str) -> dict:
    return with_text({
        "version": STANDARD_TERMS_VERSION,
        "license_type": "standard",
        "new_works": 1,
        "credit": credit_line(producer_name),
        "content_id_registration": False,
        "live_performance_max_attendees": 50,
        "sync": False,
        "transferable": False,
        "ai_training": False,
        "publishing_split": None,
        "territory": None,
        "governing_law": None,
        "producer_royalty_percent": None,
        "deliverables": ["original", "mp3_320"],
    })


def exclusive_terms(producer_name: str) -> dict:
    # the business rules fix the split, territory, law, royalty and deliverables; the rights an exclusive
    # widens (works, Content ID, live, sync) are ours (docs/licensing-terms.md), what it keeps closed stays closed
    return with_text({
        "version": EXCLUSIVE_TERMS_VERSION,
        "license_type": "exclusive",
        "new_works": None,
        "credit": credit_line(producer_name),
        "content_id_registration": True,
        "live_performance_max_attendees": None,
        "sync": True,
        "transferable": False,
        "ai_training": False,
        "publishing_split": {"producer": 20, "licensee": 80},
        "territory": "worldwide",
        "governing_law": "US",
        "producer_royalty_percent": 3,
        "deliverables": ["wav", "tagged_wav", "mp3_320", "stems"],
    })


def with_text(terms: dict) -> dict:
    return {**terms, "text": terms_text(terms)}


def terms_text(terms: dict) -> list[str]:
    """The clauses the certificate prints, in order, from the machine-readable fields alone."""
    clauses = [
        exclusivity_clause(terms["license_type"]),
        works_clause(terms["new_works"]),
        f'Every release of a new work credits the producer as "{terms["credit"]}".',
        content_id_clause(terms["content_id_registration"]),
        live_clause(terms["live_performance_max_attendees"]),
        sync_clause(terms["sync"]),
        transfer_clause(terms["transferable"]),
        ai_clause(terms["ai_training"]),
    ]
    split = terms["publishing_split"]
    if split is not None:
        clauses.append(f"Publishing is split {split['producer']} % to the producer and {split['licensee']} % to "
                       "the licensee.")
    if terms["producer_royalty_percent"] is not None:
        clauses.append(f"The producer receives a royalty of {terms['producer_royalty_percent']} % of the "
                       "licensee's earnings from each new work.")
    if terms["territory"] is not None:
        clauses.append(f"Territory: {TERRITORY_NAMES.get(terms['territory'], terms['territory'])}.")
    if terms["governing_law"] is not None:
        clauses.append(f"This licence is governed by the laws of "
                       f"{LAW_NAMES.get(terms['governing_law'], terms['governing_law'])}.")
    clauses.append(f"Delivered as {listing([DELIVERABLE_NAMES.get(d, d) for d in terms['deliverables']])}.")
    return clauses


def exclusivity_clause(license_type: str) -> str:
    if license_type == "exclusive":
        return ("Exclusive licence: no new licence for this track is issued after this one; licences issued "
                "before it remain valid.")
    return "Non-exclusive licence: the producer may license this track to others."


def works_clause(new_works: int | None) -> str:
    if new_works is None:
        return "The licensee may use this track in any number of new musical works."
    noun = "work" if new_works == 1 else "works"
    return f"The licensee may use this track in {new_works} new musical {noun}; each further work needs a new licence."


def content_id_clause(allowed: bool) -> str:
    if allowed:
        return "The licensee may register new works with Content ID and other audio-fingerprinting services."
    return ("The licensee may not register this track or a new work with Content ID or any other "
            "audio-fingerprinting service.")


def live_clause(max_attendees: int | None) -> str:
    if max_attendees is None:
        return "The licensee may perform new works live, at events of any size."
    return f"The licensee may perform new works live, at events of up to {max_attendees} attendees."


def sync_clause(allowed: bool) -> str:
    if allowed:
        return "The licensee may synchronise new works with film, television, broadcast and games."
    return "No synchronisation: this track and new works may not be used in film, television, broadcast or games."


def transfer_clause(allowed: bool) -> str:
    if allowed:
        return "The licensee may transfer this licence to another person."
    return "This licence is personal to the licensee: it may not be transferred, sold or sublicensed."


def ai_clause(allowed: bool) -> str:
    if allowed:
        return "This track may be used to train artificial-intelligence models."
    return ("This track and new works may not be used to train artificial-intelligence models or be included "
            "in data sets.")


def listing(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def mask_email(email: str) -> str:
    """``jane@example.com`` → ``j***@example.com``: the first character of the local part and the domain, in
    lower case; ``***`` alone when the address has no local part or no domain to show."""
    local, at, domain = email.strip().lower().rpartition("@")
    if not at or not domain:
        return "***"
    return f"{local[:1]}***@{domain}"
