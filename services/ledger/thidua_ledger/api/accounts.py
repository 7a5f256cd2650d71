"""Accounts, for admins only: the list with each account's role, grants and whether it is
disabled; a new account; and disabling, granting and revoking, which are facts in the access
register recorded with the admin as provenance, exactly as `ledger account …` records them.

Account names are people's names and may hold any character, so they travel in the body,
never in the path."""

from datetime import date
from typing import Annotated, Any, Literal, Self
from uuid import UUID

from fastapi import APIRouter, Body, Depends, HTTPException, status
from pydantic import BaseModel, Field, SecretStr, model_validator
from thidua_events.facts import Provenance, Role
from thidua_events.facts import access as xf
from thidua_events.invalid import FieldInvalid
from thidua_events.text import Name, Note, vietnamese_sort_key
from thidua_events.tokens import Principal

from thidua_ledger.access import HeldGrantPublic, access_register, grants_held
from thidua_ledger.accounts import AccountExists, Accounts
from thidua_ledger.api.auth import validate_without_echo
from thidua_ledger.api.commands import ReceiptPublic
from thidua_ledger.api.deps import CurrentUser, LedgerDep, VerifierDep
from thidua_ledger.api.errors import WRITE_RESPONSES, ProblemPublic
from thidua_ledger.application import Ledger
from thidua_ledger.domain.errors import RuleViolation, check

router = APIRouter(prefix="/accounts", tags=["access"], responses=WRITE_RESPONSES)


async def _admin(user: CurrentUser) -> Principal:
    if user.role is not Role.ADMIN:
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"role '{user.role}' may not manage accounts; needs role admin")
    return user


AdminUser = Annotated[Principal, Depends(_admin)]


class AccountPublic(BaseModel):
    name: str
    role: Role
    created_at: str | None
    disabled: bool
    grants: list[HeldGrantPublic]


@router.get("")
def list_accounts(ledger: LedgerDep, _: AdminUser) -> list[AccountPublic]:
    """Every account that signs in with a password, sorted the Vietnamese way."""
    register = access_register(ledger)
    disabled = register.disabled if register else set()
    held = grants_held(ledger)
    return [AccountPublic(name=a.name, role=a.role, created_at=a.created_at, disabled=a.name in disabled,
                          grants=held.get(a.name, []))
            for a in sorted(Accounts(ledger.recorder).all(), key=lambda a: vietnamese_sort_key(a.name))]


class NewAccount(BaseModel):
    name: Name = Field(title="Tên đăng nhập")
    role: Literal["clerk", "auditor", "admin"] = Field(title="Vai trò",
                                                       description="Services get tokens from `ledger token`")
    password: SecretStr = Field(min_length=12, max_length=1024, title="Mật khẩu",
                                description="At least 12 characters; only its argon2id hash is kept")


@router.post("", status_code=status.HTTP_201_CREATED,
             responses={409: {"model": ProblemPublic,
                              "description": "The name already has an account (rule account-name-unique)"}},
             # The body is read as a plain object, so a 422 never echoes the password; the document states its form.
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                 "schema": NewAccount.model_json_schema()}}}})
def add_account(body: Annotated[dict[str, Any], Body()], ledger: LedgerDep, _: AdminUser) -> AccountPublic:
    """An account a person signs in with at POST /auth/token, as `ledger account add` makes one."""
    form = validate_without_echo(NewAccount, body)
    accounts = Accounts(ledger.recorder)
    try:
        account = accounts.add(form.name, Role(form.role), form.password.get_secret_value())
    except AccountExists as error:
        raise RuleViolation("account-name-unique", str(error)) from None
    return AccountPublic(name=account.name, role=account.role, created_at=None, disabled=False, grants=[])


class Disable(BaseModel):
    account: Name = Field(title="Tài khoản")
    reason: Note | None = Field(None, title="Lý do")


class ScopeChange(BaseModel):
    account: Name = Field(title="Tài khoản")
    authority_id: UUID | None = Field(None, title="Cơ quan")
    cluster_id: UUID | None = Field(None, title="Cụm thi đua")
    effective_date: date | None = Field(None, title="Từ ngày", description="Default today")
    reason: Note | None = Field(None, title="Lý do")

    @model_validator(mode="after")
    def _one_scope(self) -> Self:
        if (self.authority_id is None) == (self.cluster_id is None):  # as the fact says, but as a 422 of the body
            raise FieldInvalid("cluster_id" if self.authority_id else "authority_id",
                               "name exactly one of authority_id and cluster_id", code="one-scope")
        return self


def _record(ledger: Ledger, verifier: VerifierDep, admin: Principal, fact: xf.Scope | xf.AccountDisabled,
            reason: str | None) -> ReceiptPublic:
    check(Accounts(ledger.recorder).find(fact.account) is not None, "account-must-exist",
          f"'{fact.account}' has no account")
    receipt = ledger.record(fact, Provenance(actor=admin.actor, role=Role.ADMIN, reason=reason))
    if verifier.revocations:
        verifier.revocations.expire()  # this process refuses a disabled account's tokens at once
    return ReceiptPublic(entity_id=receipt.entity_id, version=receipt.version, position=receipt.position)


@router.post("/disabled", status_code=status.HTTP_201_CREATED)
def disable_account(body: Disable, ledger: LedgerDep, verifier: VerifierDep, admin: AdminUser) -> ReceiptPublic:
    """Refuse the account's sign-ins and every token of it on every service from now on (AccountDisabled)."""
    return _record(ledger, verifier, admin, xf.AccountDisabled(effective_date=date.today(), account=body.account),
                   body.reason)


@router.post("/grants", status_code=status.HTTP_201_CREATED)
def grant_scope(body: ScopeChange, ledger: LedgerDep, verifier: VerifierDep, admin: AdminUser) -> ReceiptPublic:
    """Let the account write within an authority (its units, people, clusters, decrees) or one cluster."""
    fact = xf.ScopeGranted(effective_date=body.effective_date or date.today(), account=body.account,
                           authority_id=body.authority_id, cluster_id=body.cluster_id)
    return _record(ledger, verifier, admin, fact, body.reason)


@router.post("/revocations", status_code=status.HTTP_201_CREATED)
def revoke_scope(body: ScopeChange, ledger: LedgerDep, verifier: VerifierDep, admin: AdminUser) -> ReceiptPublic:
    """End the account's grant on an authority or a cluster."""
    fact = xf.ScopeRevoked(effective_date=body.effective_date or date.today(), account=body.account,
                           authority_id=body.authority_id, cluster_id=body.cluster_id)
    return _record(ledger, verifier, admin, fact, body.reason)
