"""Password hashing (argon2id), and the policy (services/contracts/passwords.py, shared with the gateway).

Hashing parameters follow OWASP's argon2id recommendation (19 MiB, 2 passes, 1 lane): strong, yet
ten concurrent logins stay under 200 MB. Parameters live in each hash, so raising them later
rehashes accounts as they log in (``needs_rehash``).
"""
from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from services.contracts.passwords import MAX_LENGTH, MIN_LENGTH, policy_violations  # noqa: F401 - the policy

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)

# verifying against this when the email is unknown makes both failures take the same time
_DUMMY_HASH = _hasher.hash("a password nobody has: equalises login timing")


def _off_the_hub(fn, *args):
    """argon2 is deliberately slow C code: under eventlet, run it in a real thread so the
    service keeps answering other calls meanwhile (cffi releases the GIL)."""
    try:
        import eventlet.patcher
        import eventlet.tpool
    except ImportError:  # pragma: no cover - eventlet is a dependency
        return fn(*args)
    if eventlet.patcher.is_monkey_patched("thread"):
        return eventlet.tpool.execute(fn, *args)
    return fn(*args)


def hash_password(password: str) -> str:
    return _off_the_hub(_hasher.hash, password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches. Without a hash (unknown account) it spends the same time
    checking a dummy hash, then says False: timing does not reveal which emails exist."""
    if password_hash is None:
        _matches(_DUMMY_HASH, password)
        return False
    return _matches(password_hash, password)


def _matches(password_hash: str, password: str) -> bool:
    try:
        return bool(_off_the_hub(_hasher.verify, password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
