"""A deleted account (``user_deleted``): audio keeps nothing personal but the producer's id on the
fingerprints of their validated tracks, which only tells "another producer's copy" from "the owner's
re-upload". Those ids are replaced by one fresh id per deletion, an id no account has: the fingerprints
still reject copies of the withdrawn tracks (catalog keeps them for the licences already issued), and
link to no one. An upload of theirs still being analysed is covered by catalog, which deletes it and
sends ``track_deleted`` (so its fingerprint is never stored). A second delivery finds nothing under the
old id and changes nothing."""
from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import update

from services.audio.models import StoredFingerprint
from services.common.db import UnitOfWork
from services.common.persistence import new_id

log = logging.getLogger(__name__)


def on_user_deleted(db: UnitOfWork, event: dict[str, Any]) -> None:
    user_id = str(event["user_id"])
    result = db.session.execute(update(StoredFingerprint).where(StoredFingerprint.producer_user_id == user_id)
                                .values(producer_user_id=new_id()).execution_options(synchronize_session=False))
    log.info("anonymised %d fingerprint(s) of deleted user %s", result.rowcount, user_id)
