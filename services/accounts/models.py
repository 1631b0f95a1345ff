"""The accounts database: users and their roles, follows, Producer Program applications,
rate-limit hits and login lockouts, and refresh tokens. Public ids are UUID strings; every
timestamp is UTC."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from services.common.clock import utcnow
from services.common.persistence import new_id, service_metadata
from services.contracts.vocabularies import EMAIL_MAX, URL_MAX, USERNAME_MAX  # noqa: F401 (the columns' sizes)



class Base(DeclarativeBase):
    metadata = service_metadata()


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    #: lower-cased email: uniqueness and look-ups ignore case
    email_normalized: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    username: Mapped[str] = mapped_column(String(USERNAME_MAX))
    username_normalized: Mapped[str] = mapped_column(String(USERNAME_MAX), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    plan: Mapped[str] = mapped_column(String(20))
    tokens: Mapped[int] = mapped_column(Integer)
    #: when ``tokens`` was last set to the plan's allowance; a read or spend in a later UTC month resets it
    tokens_reset_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=utcnow)
    name: Mapped[str | None] = mapped_column(String(100))
    city: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    links: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: the avatar (avatars.py): a fresh id per image (its public URL changes with it), the media-store key of the
    #: file (``avatars/`` area, owned by accounts) and its content type as judged from its bytes
    avatar_id: Mapped[str | None] = mapped_column(String(36))
    avatar_key: Mapped[str | None] = mapped_column(String(300))
    avatar_content_type: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: set when the person deleted their account: the row stays as an anonymous tombstone, so the
    #: billing and token records that money and audit need still point at something (deletion.py)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    roles: Mapped[list[UserRole]] = relationship(lazy="selectin", cascade="all, delete-orphan",
                                                 order_by="UserRole.role")
    #: read-only view of the billing row, so /me loads it in its one query (billing.py writes the row itself)
    billing_account: Mapped[BillingAccount | None] = relationship(lazy="select", uselist=False, viewonly=True)

    def role_names(self) -> set[str]:
        return {grant.role for grant in self.roles}


class UserRole(Base):
    """A role beyond the implicit ``listener``: ``producer``, ``verified`` or ``admin``."""

    __tablename__ = "user_roles"

    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Follow(Base):
    __tablename__ = "follows"

    follower_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id", ondelete="CASCADE"),
                                             primary_key=True)
    followee_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id", ondelete="CASCADE"),
                                             primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        # keyset pages newest first, in both directions, and the counts, are index range scans
        Index("ix_follows_followee_page", "followee_id", "created_at", "follower_id"),
        Index("ix_follows_follower_page", "follower_id", "created_at", "followee_id"),
    )


PENDING = "pending"


class ProducerApplication(Base):
    __tablename__ = "producer_applications"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    producer_name: Mapped[str | None] = mapped_column(String(100))
    beats_link: Mapped[str | None] = mapped_column(String(URL_MAX))
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    label: Mapped[str | None] = mapped_column(String(100))
    instagram: Mapped[str | None] = mapped_column(String(100))
    artist_id: Mapped[str | None] = mapped_column(String(36))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: the applicant, loaded with the application: lists of applications show their username
    applicant: Mapped[User] = relationship(lazy="selectin", viewonly=True)  # selectin: FOR UPDATE reads stay plain

    __table_args__ = (
        # one pending request per type and user, enforced by the database against concurrent applies
        Index("uq_producer_applications_one_pending", "user_id", "type", unique=True,
              postgresql_where=text("status = 'pending'"), sqlite_where=text("status = 'pending'")),
        # an artist page is claimed once, also when two admins approve rival claims at the same moment
        Index("uq_producer_applications_claimed_artist", "artist_id", unique=True,
              postgresql_where=text("type = 'claim_artist' AND status = 'approved'"),
              sqlite_where=text("type = 'claim_artist' AND status = 'approved'")),
        Index("ix_producer_applications_user_page", "user_id", "created_at", "id"),
        Index("ix_producer_applications_status_page", "status", "created_at", "id"),
        Index("ix_producer_applications_page", "created_at", "id"),
        Index("ix_producer_applications_artist", "artist_id"),
    )


class ArtistPage(Base):
    """Accounts' copy of the catalog's artist pages, only what a "Claim Existing Artist" application
    needs: which pages exist and whether one is owned. Kept from ``artist_page_changed`` events
    (artist_pages.py), so a claim is checked without calling catalog."""

    __tablename__ = "artist_pages"

    artist_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    claimed: Mapped[bool] = mapped_column(Boolean)
    #: ``occurred_at`` of the event this row reflects: an older event (a late retry) changes nothing
    as_of: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RateLimitHit(Base):
    """One counted attempt. ``key_hash`` is a SHA-256 of the email or address: the table holds no
    plain personal data, only what is needed to count."""

    __tablename__ = "rate_limit_hits"

    # SQLite autoincrements only an INTEGER primary key
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    bucket: Mapped[str] = mapped_column(String(40))
    key_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("ix_rate_limit_hits_window", "bucket", "key_hash", "at"),
        Index("ix_rate_limit_hits_at", "at"),
    )


class LoginLockout(Base):
    """How often one (email, client address) pair was locked out for failed logins, and until
    when (ratelimit.py): each lockout lasts twice as long as the one before. ``key_hash`` is a
    SHA-256 of the pair, like ``RateLimitHit``'s."""

    __tablename__ = "login_lockouts"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    strikes: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_login_lockouts_locked_until", "locked_until"),)


class RefreshToken(Base):
    """One refresh token of a session (auth_sessions.py). Only its SHA-256 is stored. A login
    starts a family; each refresh marks the token used and adds the next one to the family, so a
    used token presented again shows that it leaked and revokes the whole family."""

    __tablename__ = "refresh_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id", ondelete="CASCADE"))
    #: the session: the id of the login that started it, shared by every token rotated from it
    family_id: Mapped[str] = mapped_column(String(36))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: when it was exchanged for its successor
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_refresh_tokens_family", "family_id"),
        Index("ix_refresh_tokens_user", "user_id"),
    )


class TokenLedgerEntry(Base):
    """One movement of a user's beat-request tokens (services/accounts/tokens.py). The unique
    (request_id, purpose) key makes a spend or refund happen once however often it is called;
    ``delta`` is negative for a spend, positive (or 0) for a refund."""

    __tablename__ = "token_ledger"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id", ondelete="CASCADE"))
    request_id: Mapped[str] = mapped_column(String(36))
    #: "create", "renew:<n>" or "delete"
    purpose: Mapped[str] = mapped_column(String(20))
    delta: Mapped[int] = mapped_column(Integer)
    balance_after: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("uq_token_ledger_request_purpose", "request_id", "purpose", unique=True),
        Index("ix_token_ledger_user", "user_id", "created_at"),
    )


# The billing tables (billing/models.py) are this database's too, and ``User.billing_account`` names one
# of them: importing them here registers them wherever the users are used.
import services.accounts.billing.models  # noqa: E402,F401
