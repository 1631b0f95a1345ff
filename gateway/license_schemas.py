"""HTTP shapes of the licensing endpoints (gateway/blueprints/licenses.py), built on the licensing contract's reply
shapes (services/contracts/rpc/licensing.py). What HTTP adds: signed URLs instead of media-store keys, the links'
expiry, and the licence's own links."""
from __future__ import annotations

from marshmallow import Schema, fields

from services.contracts.rpc import licensing as contract
from services.contracts.rpc import page_of

DATE_TIME = {"format": "date-time"}


class LicenseLinks(Schema):
    self_ = fields.String(data_key="self", attribute="self", metadata={"description": "This licence."})
    certificate = fields.String(metadata={"description": "The certificate PDF (same access as the licence)."})
    verify = fields.String(metadata={"description": "The public verification page (HTML); its JSON twin is "
                                                    "/api/v1/verify-license/{id}."})


class License(contract.License):
    links = fields.Nested(LicenseLinks)


LicensePage = page_of(License)


class SignedFile(Schema):
    url = fields.String(metadata={"description": "A signed URL: no Authorization header, HTTP Range, valid until "
                                                 "`expires_at` (then 403: ask for fresh links)."})
    format = fields.String(metadata={"description": "`wav`, `flac`, `mp3` or `zip`."})
    filename = fields.String(metadata={"description": "The name the browser saves it under."})


class SignedFiles(Schema):
    original = fields.Nested(SignedFile, metadata={"description": "The producer's lossless upload."})
    mp3_320 = fields.Nested(SignedFile, metadata={"description": "The 320 kbit/s MP3 rendition."})
    stems = fields.Nested(SignedFile, metadata={"description": "A ZIP of the stems: exclusive licences (and the "
                                                             "producer), when the track has stems; absent otherwise."})
    wav = fields.Nested(SignedFile, metadata={"description": "Exclusive licences, from POST /licenses/{id}/files: "
                                                           "the original when it is a WAV, else the FLAC decoded "
                                                           "to a WAV of the same bit depth; absent otherwise."})
    tagged_wav = fields.Nested(SignedFile, metadata={
        "description": "Exclusive licences, from POST /licenses/{id}/files: the same WAV with RIFF INFO tags — "
                       "title, producer, the licence id and its verification URL (docs/licensing.md); absent "
                       "otherwise."})
    expires_at = fields.String(metadata={**DATE_TIME, "description": "When every URL above stops working "
                                                                     "(DOWNLOAD_URL_TTL_S after issue)."})


class LicensedDownload(Schema):
    license = fields.Nested(License, allow_none=True, metadata={
        "description": "The new standard licence; null when producers download their own track (nobody licenses "
                       "their own work)."})
    files = fields.Nested(SignedFiles)


# -- the contract's reply shapes, passed on as they are ------------------------------------------------------

class Eligibility(contract.Eligibility):
    """GET /tracks/{id}/download-eligibility."""


class Verification(contract.Verification):
    """GET /api/v1/verify-license/{id}: public facts only."""


class ExclusiveCheckout(contract.ExclusiveCheckout):
    """POST /tracks/{id}/exclusive/checkout: the same `{url, session_id}` as /billing/checkout, with the amounts."""
