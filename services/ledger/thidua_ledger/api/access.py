"""What verifiers read without a token (the public keys and the revocation list), and the
auditor's question: who could write to a cluster on a day, and who granted it."""

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel
from thidua_events.facts import Role

from thidua_ledger.access import BODY_SCOPES, GrantPublic, check_clerk_may_write, revoked, who_could_write_to_cluster
from thidua_ledger.api.clock import ClockDep
from thidua_ledger.api.deps import CurrentUser, LedgerDep, SettingsDep
from thidua_ledger.api.errors import READ_RESPONSES, ProblemPublic

router = APIRouter(tags=["access"], responses=READ_RESPONSES)


@router.get("/.well-known/jwks.json")
def jwks(settings: SettingsDep) -> dict[str, Any]:
    """The public keys that verify the ledger's tokens (by `kid`; several during a rotation)."""
    return settings.published_jwks()


class RevokedPublic(BaseModel):
    token_ids: list[str]
    subject_digests: list[str]


@router.get("/.well-known/revocations")
def revocations(ledger: LedgerDep) -> RevokedPublic:
    """Revoked tokens (by `jti`) and disabled accounts (SHA-256 of the token subject), for
    every verifier to refuse. Public like a certificate revocation list: it names no one."""
    return RevokedPublic(**revoked(ledger).as_json())


class WritersPublic(BaseModel):
    cluster_id: UUID
    on: date
    known_at: int | None
    grants: list[GrantPublic]


@router.get("/access/clusters/{cluster_id}/writers")
def writers(cluster_id: UUID, ledger: LedgerDep, _: CurrentUser, clock: ClockDep,
            on: Annotated[date, Query(description="The day in question")]) -> WritersPublic:
    """Who could write to the cluster on a day (a grant on it or on its authority), and who
    granted it; with `known_at`, as the ledger knew it then. Admins write anywhere."""
    grants = who_could_write_to_cluster(ledger, cluster_id, on, clock.known_at)
    return WritersPublic(cluster_id=cluster_id, on=on, known_at=clock.known_at, grants=grants)


class MayWritePublic(BaseModel):
    account: str
    scope: str


UUID_PATTERN = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


@router.get("/access/me/can-write", responses={
    # Both refusals carry `detail`; only the scope's names a rule, so the shape stated is the common one.
    403: {"model": ProblemPublic, "description": "The token's role may only read, or the body is outside the "
                                                 "caller's grants (rule write-within-granted-scope)"}})
def can_write(ledger: LedgerDep, user: CurrentUser, body: Annotated[str, Query(
        pattern=f"^(authority|cluster|unit):{UUID_PATTERN}$",
        description="The issuing body, as the documents register keys it: `cluster:<id>`")]) -> MayWritePublic:
    """May the caller write for this authority, cluster or unit today? 403 naming the scope if
    not, as a fact recorded there would be; a grant on an authority covers its clusters and
    units. The documents service asks before it numbers or signs a document in a body's name."""
    kind, _, body_id = body.partition(":")
    scopes = BODY_SCOPES[kind](ledger, UUID(body_id))
    if user.role is not Role.ADMIN:
        if not user.can_write:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"role '{user.role}' may not write")
        check_clerk_may_write(ledger, user.subject, scopes)
    return MayWritePublic(account=user.subject or user.actor, scope=scopes.description)
