"""The ``licensing`` nameko service: download eligibility and downloads (standard licences), the library,
certificates and public verification, exclusive sales through Stripe Checkout, and the anonymisation of a deleted
account's licences. It calls accounts (a user's plan and email) and catalog (a track's licensing facts); neither
calls it (docs/architecture.md "Who may call whom")."""
from __future__ import annotations

from nameko.rpc import RpcProxy

from services.common.clock import utcnow
from services.common.db import Database
from services.common.entrypoints import event_handler, rpc
from services.common.media import LICENSING, MediaStore
from services.common.pagination import Envelope
from services.contracts.events import USER_DELETED
from services.licensing import downloads, erasure, exclusive, library, schemas, stripe_events
from services.licensing.neighbours import RecentNeighbours, RemoteNeighbours
from services.licensing.payments import Payments
from services.licensing.recent import RecentDecisionInputs
from services.licensing.views import View


def media() -> MediaStore:
    return MediaStore.from_env(owner=LICENSING)  # writes and deletes certificates and deliverables only


class LicensingService:
    name = "licensing"

    db = Database()
    payments = Payments()
    accounts = RpcProxy("accounts")
    catalog = RpcProxy("catalog")
    recent = RecentDecisionInputs()

    def _neighbours(self) -> RemoteNeighbours:
        return RemoteNeighbours(self.accounts, self.catalog)

    @rpc
    def ping(self) -> str:
        return "pong"

    @rpc
    def download_eligibility(self, actor_id: str, track_id: str) -> View:
        # the button's answer may rest on inputs a few seconds old; download() below always asks afresh
        return downloads.download_eligibility(self.db, RecentNeighbours(self._neighbours(), self.recent), actor_id,
                                              track_id)

    @rpc
    def download(self, actor_id: str, track_id: str) -> View:
        return downloads.download(self.db, self._neighbours(), actor_id, track_id, utcnow())

    @rpc
    def license_files(self, actor_id: str, license_id: str) -> View:
        return downloads.license_files(self.db, self._neighbours(), media(), actor_id, license_id)

    @rpc
    def list_my_licenses(self, actor_id: str, cursor: str | None = None, limit: int = 20) -> Envelope:
        return library.list_my_licenses(self.db, actor_id, schemas.load_page(cursor, limit))

    @rpc
    def get_license(self, actor_id: str, license_id: str) -> View:
        return library.get_license(self.db, self._neighbours(), actor_id, license_id)

    @rpc
    def certificate_source(self, actor_id: str, license_id: str) -> View:
        return library.certificate_source(self.db, self._neighbours(), media(), actor_id, license_id)

    @rpc
    def verify_license(self, license_id: str) -> View:
        return library.verify_license(self.db, license_id)

    @rpc
    def start_exclusive_checkout(self, actor_id: str, track_id: str) -> View:
        return exclusive.start_exclusive_checkout(self.db, self._neighbours(), self.payments, actor_id, track_id)

    @rpc
    def handle_stripe_event(self, event: dict) -> dict:
        return stripe_events.handle(self.db, self._neighbours(), self.payments, media(), event, utcnow())

    @event_handler(USER_DELETED)
    def on_user_deleted(self, event: dict) -> None:
        erasure.on_user_deleted(self.db, media(), event)


SERVICE = LicensingService
