"""Operator commands for accounts.

``python -m services.accounts.cli create-admin --email E [--password P] [--username U]``
creates the admin account, or promotes the existing account with that email (idempotent).
Without ``--password`` it is asked for (not echoed), which keeps it out of the shell history.
"""
from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import sessionmaker

from services.accounts import admin, schemas
from services.common import config
from services.common.db import UnitOfWork, make_engine
from services.contracts.errors import Conflict, InvalidField

MIGRATE_HINT = "run `make migrate` (or `.venv/bin/python -m services.common.migrate accounts`) first"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m services.accounts.cli", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-admin", help="create an admin, or promote an existing account")
    create.add_argument("--email", required=True)
    create.add_argument("--password", help="asked for when omitted")
    create.add_argument("--username", default="admin", help="used only when the account is created (default: admin)")
    return parser.parse_args(argv)


def ask_password() -> str:
    first = getpass.getpass("Admin password (at least 10 characters): ")
    if getpass.getpass("Repeat it: ") != first:
        raise SystemExit("error: the passwords differ; run the command again")
    return first


def create_admin(email: str, password: str, username: str) -> admin.AdminResult:
    account = schemas.load_account(email, password, username)
    url = config.database_url("accounts")
    engine = make_engine(url)
    try:
        return UnitOfWork(sessionmaker(engine, expire_on_commit=False)).run(
            lambda uow: admin.ensure_admin(uow, account))
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    password = args.password if args.password is not None else ask_password()
    try:
        result = create_admin(args.email, password, args.username)
    except InvalidField as exc:
        for field, reasons in exc.details.items():
            print(f"error: {field}: {'; '.join(reasons)}", file=sys.stderr)
        print("Fix the values above and run the command again.", file=sys.stderr)
        return 2
    except Conflict as exc:
        taken = f"username {args.username!r}" if exc.details.get("field") == "username" else "email"
        print(f"error: {exc.message} ({taken}). Pass --username with a free username, or --email with the "
              "email of the account to promote.", file=sys.stderr)
        return 2
    except (OperationalError, ProgrammingError) as exc:
        where = config.database_url("accounts").split("@")[-1]
        print(f"error: cannot use the accounts database at {where}: {exc.orig}\n"
              f"Check ACCOUNTS_DATABASE_URL and that the server is running; if the tables are missing, {MIGRATE_HINT}.",
              file=sys.stderr)
        return 1
    print(result.describe())
    if result.outcome is admin.Outcome.CREATED:
        print("Its user_registered event is in the outbox; the accounts service publishes it when it runs.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
