"""The one exception the library raises for a file it will not accept."""
from __future__ import annotations

CODES = frozenset({
    "unsupported_format", "lossy_format", "corrupt", "truncated",
    "too_short", "too_long", "bad_sample_rate", "bad_channels", "bad_bit_depth",
})


class Rejection(Exception):
    """An upload the platform refuses; ``message`` is written for the producer (what is wrong + what to do)."""

    def __init__(self, code: str, message: str, details: dict | None = None) -> None:
        if code not in CODES:
            raise ValueError(f"unknown rejection code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = dict(details or {})

    def __repr__(self) -> str:
        return f"Rejection({self.code!r}, {self.message!r}, {self.details!r})"


def corrupt(why: str, **details: object) -> Rejection:
    return Rejection("corrupt", f"The audio file is damaged ({why}). Export it again from your DAW and re-upload.",
                     details)


def truncated(why: str, **details: object) -> Rejection:
    return Rejection("truncated", f"The audio file is incomplete ({why}); the upload or export was probably cut "
                     "short. Export it again and re-upload the whole file.", details)


#: what ``unsupported`` tells an uploader to send instead (Audio Recon says it its own way)
UPLOAD_HINT = "Upload a WAV or FLAC file."


def unsupported(why: str, **details: object) -> Rejection:
    return Rejection("unsupported_format", f"{why} {UPLOAD_HINT}", details)
