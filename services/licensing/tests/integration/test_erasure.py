"""``user_deleted`` as a use case: a buyer's and a producer's accounts leave the licences and sales, which stay."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from services.licensing import erasure, exclusive, stripe_events
from services.licensing.models import DELETED_ACCOUNT, ExclusiveSale, License
from services.licensing.tests.integration.conftest import now

pytestmark = pytest.mark.integration


def test_a_deleted_buyer_and_a_deleted_producer_leave_only_their_ids(uow, neighbours, payments, media, fake_stripe):
    facts = neighbours.add_track()
    buyer = neighbours.add_user()["id"]
    session = exclusive.start_exclusive_checkout(uow, neighbours, payments, buyer, facts["track_id"])
    fake_stripe.complete_checkout(session["session_id"])
    stripe_events.handle(uow, neighbours, payments, media, fake_stripe.pending.pop(), now())
    uow.commit()
    for leaving in (buyer, facts["producer_user_id"]):
        erasure.on_user_deleted(uow, media, {"user_id": leaving})
        uow.commit()
    uow.session.expire_all()
    licence = uow.session.scalars(select(License).where(License.track_id == facts["track_id"])).one()
    sale = uow.session.scalars(select(ExclusiveSale).where(ExclusiveSale.track_id == facts["track_id"])).one()
    assert (licence.licensee_user_id, licence.producer_user_id, licence.licensee_email_masked) == \
        (None, None, DELETED_ACCOUNT)
    assert (licence.status, licence.producer_name, sale.status, sale.buyer_user_id) == \
        ("valid", "Ana Beats", "granted", None)
