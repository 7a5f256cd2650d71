"""Request-scoped dependencies, as Annotated aliases.

They are `async def` on purpose: none of them waits on anything, and FastAPI runs every
plain `def` dependency in its thread pool, a hop per dependency per request (five of them
cost a command more than its own fold did)."""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from thidua_events.facts import Role
from thidua_events.tokens import InvalidToken, Principal, Verifier

from thidua_documents.ledger_client import LedgerWriter
from thidua_documents.register import Register
from thidua_documents.settings import Settings
from thidua_documents.store import Store

# Subscribers read the ledger's feed; the documents service is for the people who write documents.
READERS = frozenset({Role.CLERK, Role.AUDITOR, Role.ADMIN})

_bearer = HTTPBearer(auto_error=False, description="A token from `ledger token` (or the configured issuer)")


async def _register(request: Request) -> Register:
    return request.app.state.register


async def _store(request: Request) -> Store:
    return request.app.state.store


async def _settings(request: Request) -> Settings:
    return request.app.state.settings


async def _ledger(request: Request) -> LedgerWriter:
    return request.app.state.ledger


RegisterDep = Annotated[Register, Depends(_register)]
LedgerDep = Annotated[LedgerWriter, Depends(_ledger)]
StoreDep = Annotated[Store, Depends(_store)]
SettingsDep = Annotated[Settings, Depends(_settings)]


async def _verifier(request: Request) -> Verifier:
    return request.app.state.verifier


async def _current_user(
    verifier: Annotated[Verifier, Depends(_verifier)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    try:
        return verifier.read_bearer(credentials.credentials if credentials else None)
    except InvalidToken as error:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(error), {"WWW-Authenticate": "Bearer"}) from None


CurrentUser = Annotated[Principal, Depends(_current_user)]


async def _reader(user: CurrentUser) -> Principal:
    if user.role not in READERS:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"role '{user.role}' may not use the documents service; reading and drafting "
                            "documents needs role clerk, auditor or admin")
    return user


Reader = Annotated[Principal, Depends(_reader)]


async def _writer(user: Reader) -> Principal:
    if not user.can_write:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"role '{user.role}' may only read and draft; issuing a numbered document "
                            "needs role clerk or admin")
    return user


Writer = Annotated[Principal, Depends(_writer)]


async def _token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> str:
    """The caller's own token, forwarded to the ledger so that it records the caller as the actor."""
    return credentials.credentials if credentials else ""


BearerToken = Annotated[str, Depends(_token)]

MayIssue = Callable[[str], None]
"""Refuses (403) unless the caller may write for the issuing body with that register key."""


async def _may_issue(user: Writer, ledger: LedgerDep, token: BearerToken) -> MayIssue:
    """Roles are checked here, scopes by the ledger, which holds the grants: asked with the
    clerk's own token. Admins write anywhere; the ledger is not asked for them."""
    def check(issuer_key: str) -> None:
        if user.role is not Role.ADMIN:
            ledger.check_may_issue(issuer_key, token)
    return check


ScopedWriter = Annotated[MayIssue, Depends(_may_issue)]


# Path parameters name what the register made: a document id is a UUID, an issuing body's key
# `kind:<UUID>`. Visible ASCII only, and short: a key with NUL was a 500 on PostgreSQL (text
# holds no NUL), and no value outside these could name anything anyway.
_VISIBLE_ASCII = r"^[!-~]+$"
DocumentId = Annotated[str, Path(min_length=1, max_length=100, pattern=_VISIBLE_ASCII,
                                 description="As the register gave it (visible ASCII)")]
IssuerKey = Annotated[str, Path(min_length=1, max_length=100, pattern=_VISIBLE_ASCII,
                                description="`authority:<id>`, `cluster:<id>` or `unit:<id>` (visible ASCII)")]
