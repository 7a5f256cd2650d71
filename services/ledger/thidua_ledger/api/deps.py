"""Request-scoped dependencies, as Annotated aliases.

They are `async def` on purpose: none of them waits on anything, and FastAPI runs every
plain `def` dependency in its thread pool, a hop per dependency per request (five of them
cost a command more than its own fold did)."""

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from thidua_events.tokens import InvalidToken, Principal, Verifier

from thidua_ledger.application import Ledger
from thidua_ledger.award_register import StoredAwardRegister
from thidua_ledger.settings import Settings

bearer = HTTPBearer(auto_error=False, description="A token from `ledger token` (or the configured issuer)")


async def _ledger(request: Request) -> Ledger:
    return request.app.state.ledger


async def _settings(request: Request) -> Settings:
    return request.app.state.settings


async def _award_register(request: Request) -> StoredAwardRegister:
    return request.app.state.award_register


LedgerDep = Annotated[Ledger, Depends(_ledger)]
SettingsDep = Annotated[Settings, Depends(_settings)]
AwardRegisterDep = Annotated[StoredAwardRegister, Depends(_award_register)]


async def _verifier(request: Request) -> Verifier:
    return request.app.state.verifier


VerifierDep = Annotated[Verifier, Depends(_verifier)]


Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def principal(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    # The verifier straight from the app's state, not through VerifierDep: every dependency
    # FastAPI resolves costs a command about as much as a rule check (issue 17), and the
    # caller's roles below each need only this one.
    verifier: Verifier = request.app.state.verifier
    try:
        return verifier.read_bearer(credentials.credentials if credentials else None)
    except InvalidToken as error:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(error), {"WWW-Authenticate": "Bearer"}) from None


async def _current_user(request: Request, credentials: Bearer) -> Principal:
    return principal(request, credentials)


CurrentUser = Annotated[Principal, Depends(_current_user)]


async def _writer(request: Request, credentials: Bearer) -> Principal:
    user = principal(request, credentials)
    if not user.can_write:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"role '{user.role}' may only read; recording needs role clerk or admin")
    return user


Writer = Annotated[Principal, Depends(_writer)]


async def _auditor(request: Request, credentials: Bearer) -> Principal:
    user = principal(request, credentials)
    if user.role not in ("auditor", "admin"):
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"role '{user.role}' may not audit; the audit desk needs role auditor or admin")
    return user


Auditor = Annotated[Principal, Depends(_auditor)]
