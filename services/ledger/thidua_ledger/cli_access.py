"""`ledger token`, `ledger keys` and `ledger account`: who may act, and with which key.

An operator on the ledger's machine acts as admin: what these commands record names the
operator (`--by`) as its provenance, like any admin's fact through the API.
"""

import os
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

import typer
from thidua_events.facts import Fact, Provenance, Role
from thidua_events.facts import access as xf
from thidua_events.tokens import issue_token, max_lifetime, new_signing_key

from thidua_ledger.settings import get_settings

if TYPE_CHECKING:
    from thidua_ledger.application import Ledger

keys_app = typer.Typer(help="The ledger's signing keys.", no_args_is_help=True)
account_app = typer.Typer(help="Add accounts; grant, revoke and disable access (recorded in the ledger).",
                          no_args_is_help=True)
AUDIENCES = ["ledger", "documents"]


def token(
    actor: str = typer.Option(..., help="Who will act with the token: its subject and provenance name."),
    role: Role = typer.Option(..., help="clerk and admin write; auditor and subscriber read."),
    audience: list[str] = typer.Option(AUDIENCES, help="The services the token is for (repeat)."),
    hours: float = typer.Option(0, min=0, help="Hours until it expires (default and most: 12 for a person, "
                                               "168 for a service)."),
) -> None:
    """Issue a bearer token signed with the ledger's private key (THIDUA_SIGNING_KEY_FILE)."""
    settings = get_settings()
    valid_for = timedelta(hours=hours) if hours else max_lifetime(role)
    try:
        typer.echo(issue_token(settings.signing_key(), settings.token_issuer, actor, role, audience, valid_for))
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


@keys_app.command("new")
def new_key(path: Path = typer.Argument(..., help="Where to write the private key (mode 0600).")) -> None:
    """Write a new Ed25519 signing key. Rotate: publish the old key's public half in
    THIDUA_RETIRED_JWKS_FILE until its tokens expire, and sign with the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(new_signing_key())
    typer.echo(f"wrote {path}")


@keys_app.command("jwks")
def jwks() -> None:
    """Print the public keys (JWKS) that verifiers read, as /.well-known/jwks.json serves them."""
    import json

    typer.echo(json.dumps(get_settings().published_jwks(), indent=2))


def _record(fact: Fact, by: str, reason: str | None) -> None:
    from thidua_ledger.application import open_ledger

    ledger = open_ledger(get_settings())
    try:
        receipt = ledger.record(fact, Provenance(actor=by, role=Role.ADMIN, reason=reason))
    finally:
        ledger.close()
    typer.echo(f"recorded {fact.type_name()} at position {receipt.position}")


By = typer.Option(..., "--by", help="The admin who decides it (recorded as provenance).")
Reason = typer.Option(None, help="Why (recorded).")
Since = typer.Option(None, help="Effective date, YYYY-MM-DD (default today).")


@account_app.command("add")
def add(name: str, role: Role = typer.Option(..., help="clerk, auditor or admin."),
        password_file: Path | None = typer.Option(None, help="Read the password from this file's first line "
                                                             "(else it is asked for, not echoed).")) -> None:
    """An account that signs in with a password (POST /auth/token). Only its argon2id hash is
    stored, in the ledger's accounts table; what it may write is granted with `grant`."""
    from thidua_ledger.accounts import AccountExists, Accounts
    from thidua_ledger.application import open_ledger

    if password_file:
        password = password_file.read_text(encoding="utf-8").splitlines()[0] if password_file.stat().st_size else ""
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    ledger = open_ledger(get_settings())
    try:
        account = Accounts(ledger.recorder).add(name, role, password)
    except (AccountExists, ValueError) as error:
        raise typer.BadParameter(str(error)) from None
    finally:
        ledger.close()
    typer.echo(f"added {account.role} account '{account.name}'")


@account_app.command("grant")
def grant(account: str, by: str = By, authority: UUID | None = None, cluster: UUID | None = None,
          since: str | None = Since, reason: str | None = Reason) -> None:
    """Let the account write within an authority (and its clusters) or one cluster."""
    _record(xf.ScopeGranted(effective_date=_day(since), account=account, authority_id=authority,
                            cluster_id=cluster), by, reason)


@account_app.command("revoke")
def revoke(account: str, by: str = By, authority: UUID | None = None, cluster: UUID | None = None,
           since: str | None = Since, reason: str | None = Reason) -> None:
    """End the account's grant on an authority or a cluster."""
    _record(xf.ScopeRevoked(effective_date=_day(since), account=account, authority_id=authority,
                            cluster_id=cluster), by, reason)


@account_app.command("disable")
def disable(account: str, by: str = By, reason: str | None = Reason) -> None:
    """Refuse every token of the account on every service from now on."""
    _record(xf.AccountDisabled(effective_date=date.today(), account=account), by, reason)


@account_app.command("revoke-token")
def revoke_token(token_id: str, by: str = By, reason: str | None = Reason) -> None:
    """Refuse one token (by its `jti`) on every service from now on."""
    _record(xf.TokenRevoked(effective_date=date.today(), token_id=token_id), by, reason)


def grant_demo_clerk(ledger: "Ledger", account: str) -> int:
    """`make run`'s clerk may write within every authority of the demo scenario (once), from the
    day each was registered (authority-must-exist: a grant cannot come before its authority)."""
    from thidua_ledger.access import access_register
    from thidua_ledger.domain.organisation import Authority
    from thidua_ledger.scenario import AUTHORITIES, authority_id

    register = access_register(ledger)
    held = register.grants.get(account, {}) if register else {}
    wanted = [authority_id(key) for key in AUTHORITIES if authority_id(key) not in held]
    provenance = Provenance(actor="make run", role=Role.ADMIN, reason="Tài khoản mẫu của bản chạy thử")
    for scope in wanted:
        registered_on = ledger.get(Authority, scope).registered_on
        if registered_on is None:  # only an authority read from a snapshot older than the field
            raise ValueError(f"authority {scope} has no registration day to grant it from")
        ledger.record(xf.ScopeGranted(effective_date=registered_on, account=account, authority_id=scope),
                      provenance)
    return len(wanted)


DEMO_PEOPLE = {Role.CLERK: None, Role.AUDITOR: "Thanh tra viên", Role.ADMIN: "Quản trị viên"}


def demo_accounts(ledger: "Ledger", directory: Path, clerk: str) -> list[tuple[Role, str, str]]:
    """`make run`'s accounts for a clerk, an auditor and an admin, each with a generated password
    written to `directory/<role>.password` (mode 0600), once: a later run reads the files back.
    Returns (role, name, password) for `make run` to print."""
    import secrets

    from thidua_ledger.accounts import Accounts

    accounts = Accounts(ledger.recorder)
    directory.mkdir(parents=True, exist_ok=True)
    made = []
    for role, name in DEMO_PEOPLE.items():
        name = name or clerk
        path = directory / f"{role}.password"
        if accounts.find(name) is None:
            password = secrets.token_urlsafe(12)
            accounts.add(name, role, password)
            path.unlink(missing_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(password + "\n")
        made.append((role, name, path.read_text(encoding="utf-8").strip() if path.exists() else "(file missing)"))
    return made


def _day(text: str | None) -> date:
    return date.fromisoformat(text) if text else date.today()
