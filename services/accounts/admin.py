"""Making sure an admin exists: one function behind the CLI, the start-up bootstrap and the
``ensure_admin`` RPC. Idempotent: creates the account, or promotes an existing one."""
from __future__ import annotations

import enum
from dataclasses import dataclass

from services.accounts import repository, roles, users, views
from services.accounts.commands import NewAccount
from services.common.db import UnitOfWork


class Outcome(str, enum.Enum):
    CREATED = "created"
    PROMOTED = "promoted"
    ALREADY_ADMIN = "already_admin"


@dataclass(frozen=True)
class AdminResult:
    user: views.PrivateUser
    outcome: Outcome

    def describe(self) -> str:
        who = f"{self.user['email']} (username {self.user['username']}, id {self.user['id']})"
        if self.outcome is Outcome.CREATED:
            return f"created admin account {who}"
        if self.outcome is Outcome.PROMOTED:
            return f"promoted existing account {who} to admin; its password was left unchanged"
        return f"{who} is already an admin; nothing changed"


def ensure_admin(uow: UnitOfWork, account: NewAccount) -> AdminResult:
    """An existing account (found by email, any case) keeps its password and username: this
    never takes over or resets an account silently, it only adds the role."""
    session = uow.session
    user = repository.find_by_email(session, account.email)
    if user is None:
        user = users.create_account(uow, account, granted_roles=(roles.ADMIN,))
        outcome = Outcome.CREATED
    elif roles.ADMIN in user.role_names():
        outcome = Outcome.ALREADY_ADMIN
    else:
        repository.grant_role(session, user, roles.ADMIN)
        outcome = Outcome.PROMOTED
    return AdminResult(views.private_user(session, user), outcome)
