"""Downloads under the standard licence, the library, certificates, public verification and exclusive checkout
(docs/licensing.md). The licensing service decides and answers with media-store keys; the gateway signs those
into expiring URLs (gateway/signed_urls.py) and serves them at /api/v1/files/<token>."""
from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from flask import Blueprint, current_app, g, url_for
from flask.typing import ResponseReturnValue

from gateway import signed_urls
from gateway.auth import account_login_required, login_required
from gateway.license_schemas import (Eligibility, ExclusiveCheckout, License, LicensedDownload, LicensePage,
                                     SignedFiles, Verification)
from gateway.openapi import doc
from gateway.presenters import send_media
from gateway.rpc import ServiceUnavailable, remote
from gateway.schemas import PageQuery
from gateway.validation import page_args

bp = Blueprint("licenses", __name__, url_prefix="/api/v1")

LICENSE, DOWNLOAD, FILES = License(), LicensedDownload(), SignedFiles()
REFUSED = ("403 `forbidden` with `details.reason`: `not_published` (withdrawn), `exclusive_sold`, `exclusive_only`, "
           "`free_plan` (the message names the plans that include downloads) or `payment_overdue`.")


# --- shaping -----------------------------------------------------------------------------------------------

def license_view(license_: dict[str, Any]) -> dict[str, Any]:
    links = {"self": url_for("licenses.get_license", license_id=license_["id"]),
             "certificate": url_for("licenses.certificate", license_id=license_["id"]),
             "verify": url_for("pages.verify_license", license_id=license_["id"])}
    return {**license_, "links": links}


def signed_files(files: dict[str, Any]) -> dict[str, Any]:
    """``Files`` (media-store keys) as signed URLs, all expiring DOWNLOAD_URL_TTL_S from now."""
    secret = current_app.config["DOWNLOAD_URL_SECRET"]
    if not secret:
        raise ServiceUnavailable("downloads are not configured: set DOWNLOAD_URL_SECRET for the gateway")
    expires_at = int(time.time()) + int(current_app.config["DOWNLOAD_URL_TTL_S"])
    links: dict[str, Any] = {
        name: {"url": signed_urls.url_for_file(secret, ref, expires_at), "format": ref.get("format"),
               "filename": ref["filename"]}
        for name, ref in files.items() if ref}  # stems: null when the track has none
    links["expires_at"] = datetime.fromtimestamp(expires_at, timezone.utc).isoformat()
    return links


# --- downloads ---------------------------------------------------------------------------------------------

@bp.post("/tracks/<uuid:track_id>/download")
@doc("Download a track: a new standard licence and signed links to the original and the MP3 320",
     ok=(201, LicensedDownload), errors=(403, 404),
     description="201 with `Location: /api/v1/licenses/{id}`: every download issues a new licence (one new work "
                 "each). The track's own producer (uploader or credited collaborator) gets 200, the files and "
                 "`license: null`. " + REFUSED + " The URLs need no Authorization header, serve HTTP Range, and "
                 "expire at `files.expires_at` (POST /api/v1/licenses/{id}/files gives fresh ones).")
@account_login_required  # licensing asks accounts for the caller on every decision: a deleted account is 401
def download(track_id: UUID) -> ResponseReturnValue:
    result = remote("licensing").download(actor_id=g.user_id, track_id=str(track_id))
    license_ = result.get("license")
    body = DOWNLOAD.dump({"license": license_view(license_) if license_ else None,
                          "files": signed_files(result["files"])})
    if license_ is None:
        return body, 200  # the producer's own track: nothing was created
    return body, 201, {"Location": url_for("licenses.get_license", license_id=license_["id"])}


@bp.get("/tracks/<uuid:track_id>/download-eligibility")
@doc("Whether the caller may download a track, and why (no side effect)", ok=(200, Eligibility), errors=(404,),
     description="`reason` is one of the 403 reasons of POST /tracks/{id}/download, or `own_track` / "
                 "`subscriber` when allowed; `message` says what to do next.")
@account_login_required  # as download: licensing checks the caller's account
def eligibility(track_id: UUID) -> ResponseReturnValue:
    return Eligibility().dump(remote("licensing").download_eligibility(actor_id=g.user_id, track_id=str(track_id)))


@bp.post("/licenses/<uuid:license_id>/files")
@doc("Fresh signed links to a licence's files, without a new licence (a re-download)", ok=(200, SignedFiles),
     errors=(404, 409), description="For the licence's holder; an exclusive licence's include the stems when the "
                                    "track has them. 404 for anyone else; 409 when the licence was revoked.")
@login_required
def license_files(license_id: UUID) -> ResponseReturnValue:
    return FILES.dump(signed_files(remote("licensing").license_files(actor_id=g.user_id,
                                                                     license_id=str(license_id))))


# --- library and certificates --------------------------------------------------------------------------------

@bp.get("/me/licenses")
@doc("The caller's licences, newest first (they stay after a plan ends)", ok=(200, LicensePage), query=PageQuery)
@login_required
def my_licenses() -> ResponseReturnValue:
    result = remote("licensing").list_my_licenses(actor_id=g.user_id, **page_args())
    return LicensePage().dump({**result, "items": [license_view(item) for item in result["items"]]})


@bp.get("/licenses/<uuid:license_id>")
@doc("A licence, for its licensee or the track's producer", ok=(200, License), errors=(404,),
     description="Anyone else gets 404, as for an unknown id.")
@login_required
def get_license(license_id: UUID) -> ResponseReturnValue:
    return LICENSE.dump(license_view(remote("licensing").get_license(actor_id=g.user_id, license_id=str(license_id))))


@bp.get("/licenses/<uuid:license_id>/certificate.pdf")
@doc("The licence's certificate (PDF): licence, track, producer, fingerprint hash, masked licensee, terms, date "
     "and a QR code of the verification URL", ok=(200, None), errors=(404,), content_type="application/pdf",
     description="Same access as GET /licenses/{id}. Made on the first request and kept.")
@login_required
def certificate(license_id: UUID) -> ResponseReturnValue:
    source = remote("licensing").certificate_source(actor_id=g.user_id, license_id=str(license_id))
    response = send_media(source, max_age=0, download_name=source.get("filename"), inline=True)
    response.headers["Cache-Control"] = "private, no-cache"  # a personal document: no shared cache keeps it
    return response


@bp.get("/verify-license/<uuid:license_id>")
@doc("Public verification of a licence (JSON): valid or revoked, and its terms", ok=(200, Verification),
     errors=(404,), description='Nothing more personal than the masked email. An unknown id → 404 with '
                                '`details.status: "unknown"`. The HTML page is GET /verify-license/{id}.')
def verify_license(license_id: UUID) -> ResponseReturnValue:
    return Verification().dump(remote("licensing").verify_license(license_id=str(license_id)))


# --- exclusive sales -----------------------------------------------------------------------------------------

@bp.post("/tracks/<uuid:track_id>/exclusive/checkout")
@doc("Start a Stripe Checkout to buy a track's exclusive; send the buyer to `url`", ok=(201, ExclusiveCheckout),
     errors=(404, 409), description="The price plus the buyer's fee (12 % of the price, rounded half up to the "
                                    "cent, + 300), in the exclusive's currency; any signed-in user may buy. 409 when "
                                    "the exclusive is not available (standard only, private, sold) or the track is "
                                    "the caller's own. The exclusive licence is issued when Stripe's webhook "
                                    "confirms the payment; 503 `billing_unavailable` when Stripe is not configured.")
@login_required
def exclusive_checkout(track_id: UUID) -> ResponseReturnValue:
    session = remote("licensing").start_exclusive_checkout(actor_id=g.user_id, track_id=str(track_id))
    return ExclusiveCheckout().dump(session), 201
