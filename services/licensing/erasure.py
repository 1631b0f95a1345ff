"""A deleted account (``user_deleted``): its licences stay valid — a distributor may still check them — with the
licensee anonymised (no user id, "deleted account" instead of the masked email) and their cached certificates
deleted, so the next request prints the licence as it now is. Sales forget their buyer; licences of its tracks
forget their producer's account (the artist's public name stays)."""
from __future__ import annotations

from sqlalchemy import select, update

from services.common.db import UnitOfWork
from services.common.media import MediaStore
from services.licensing.library import forget_certificate
from services.licensing.models import DELETED_ACCOUNT, ExclusiveSale, License


def on_user_deleted(uow: UnitOfWork, media: MediaStore, event: dict) -> None:
    user_id = str(event["user_id"])
    session = uow.session
    for licence in session.scalars(select(License).where(License.licensee_user_id == user_id).with_for_update()):
        licence.licensee_user_id = None
        licence.licensee_email_masked = DELETED_ACCOUNT
        forget_certificate(uow, media, licence)
    session.execute(update(ExclusiveSale).where(ExclusiveSale.buyer_user_id == user_id).values(buyer_user_id=None))
    session.execute(update(License).where(License.producer_user_id == user_id).values(producer_user_id=None))
