"""The password policy: accounts enforces it, and the gateway checks it too, so a registration
hears about its password in the same 422 as its other fields."""
from __future__ import annotations

MIN_LENGTH = 10
#: argon2 takes any length; the cap only keeps a request from feeding it megabytes
MAX_LENGTH = 1024


def policy_violations(password: str, email: str) -> list[str]:
    """The reasons ``password`` is refused for the account ``email`` (empty when acceptable)."""
    reasons = []
    if len(password) < MIN_LENGTH:
        reasons.append(f"must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        reasons.append(f"must be at most {MAX_LENGTH} characters")
    if email and email.strip().casefold() in password.casefold():
        reasons.append("must not be or contain your email address")
    return reasons
