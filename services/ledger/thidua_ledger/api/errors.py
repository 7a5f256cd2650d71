"""How the domain's refusals reach the client: a status and the rule's name."""

import errno
import logging
import sqlite3
from typing import Any

import psycopg
from eventsourcing import persistence
from eventsourcing.domain import OriginatorVersionError
from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from psycopg_pool import PoolTimeout
from pydantic import BaseModel, ValidationError
from thidua_events.body_limit import json_refusal
from thidua_events.invalid import name_fields
from thidua_events.tokens import RevocationsUnavailable

from thidua_ledger.application import ConcurrentWrite
from thidua_ledger.audit.stored_history import StoredHistoryInconsistent
from thidua_ledger.domain.access import OutOfScope
from thidua_ledger.domain.errors import NotFound, RuleViolation
from thidua_ledger.rehearsal import CorrectionRefused


class ProblemPublic(BaseModel):
    detail: str


class RefusalPublic(BaseModel):
    """A broken rule (409) or a missing entity (404): the rule's name and what broke it."""

    rule: str
    detail: str
    entity_id: str | None = None
    current_version: int | None = None


Responses = dict[int | str, dict[str, Any]]
# Every answer a route can give besides its own, so that clients (and the fuzz test) can rely on the schema.
READ_RESPONSES: Responses = {
    401: {"model": ProblemPublic, "description": "No bearer token, or one that is expired or not valid"},
    404: {"model": RefusalPublic, "description": "An entity it names is not in the ledger"},
}
WRITE_RESPONSES: Responses = {
    **READ_RESPONSES,
    400: {"model": ProblemPublic, "description": "The body is not JSON"},
    403: {"model": ProblemPublic, "description": "The token's role may only read, or the fact falls outside "
                                                 "the clerk's granted scope"},
    409: {"model": RefusalPublic, "description": "A rule refused the fact (or an Idempotency-Key was reused "
                                                 "with another body); nothing was stored"},
}


AUDIT_RESPONSES: Responses = {
    **READ_RESPONSES,
    403: {"model": ProblemPublic, "description": "The audit desk is for auditors and admins"},
    409: {"model": RefusalPublic, "description": "A digest of a chain that does not verify, one not signed by "
                                                 "this ledger's key, or no digest key configured (`rule`)"},
}
RETRY_AFTER_SECONDS = 2
# What the event store raises when it cannot answer now (a restart, a full disk, a lock):
# the request failed as a whole, inside a transaction that was rolled back or never began.
STORE_UNAVAILABLE = (persistence.OperationalError, persistence.InterfaceError,
                     persistence.ConnectionUnavailableError, psycopg.OperationalError,
                     psycopg.InterfaceError, PoolTimeout, sqlite3.OperationalError)
STORE_RESPONSES: Responses = {
    409: {"model": RefusalPublic, "description": "Besides a route's own refusals: an entity's stored history "
          "was changed outside the ledger (`stored-history-consistent`); nothing was read or stored, and "
          "`ledger verify` names the rows"},
    503: {"model": ProblemPublic, "description": "The event store does not answer (e.g. restarting); retry "
          "after `Retry-After` seconds", "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
    507: {"model": ProblemPublic, "description": "The event store's disk is full; nothing was stored"},
}

# Any route can be sent a body too large: refused before a route reads it (thidua_events.body_limit).
BODY_RESPONSES: Responses = {
    413: {"model": RefusalPublic, "description": "The request body is larger than LEDGER_MAX_BODY_BYTES "
                                                 "(`body-within-size-limit`); nothing was read or stored"},
}


body_too_large = json_refusal("stored")
"""The answer to a body above its limit (thidua_events.body_limit)."""


def disk_full(error: BaseException | None) -> bool:
    """Whether a store error, or one it was raised from, says the disk is full."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:  # a chain can loop (an error re-raised in its handler)
        seen.add(id(error))
        if (isinstance(error, sqlite3.Error) and getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL) \
                or isinstance(error, psycopg.errors.DiskFull) \
                or (isinstance(error, OSError) and error.errno == errno.ENOSPC) \
                or "database or disk is full" in str(error):
            return True
        error = error.__cause__ or error.__context__
    return False


INCONSISTENT = "stored-history-consistent"
# What a read of a history changed behind the ledger's back raises: a version missing between
# two (an entity id re-spelled or a row deleted: the library's fold, or ours), a state that
# does not decode (NULL, say). The store answers; what it holds is not a history.
INCONSISTENT_HISTORY = (OriginatorVersionError, persistence.MapperDeserialisationError, StoredHistoryInconsistent)
log = logging.getLogger(__name__)


def install(app: FastAPI) -> None:
    def _inconsistent(request: Request, error: Exception) -> JSONResponse:
        # Refused, never folded around or repaired: the operator must see it, and the auditor's
        # `ledger verify` names the rows. The log stays as it is.
        log.error("%s %s: the stored history is inconsistent (%s: %s)", request.method, request.url.path,
                  type(error).__name__, error)
        found = f"{type(error).__name__}: {error}"
        if isinstance(error, StoredHistoryInconsistent):
            found = str(error)
        elif isinstance(error, OriginatorVersionError) and len(error.args) == 2:  # (found, due)
            found = f"an entity's event of version {error.args[0]} where version {error.args[1]} was due"
        return JSONResponse(
            {"rule": INCONSISTENT,
             "detail": f"the ledger's stored history is inconsistent ({found}): it was changed outside the "
                       "ledger. Nothing was read or stored; `ledger verify` names the rows"},
            status_code=status.HTTP_409_CONFLICT)

    for inconsistency in INCONSISTENT_HISTORY:
        app.add_exception_handler(inconsistency, _inconsistent)

    def _store_unavailable(_: Request, error: Exception) -> JSONResponse:
        if disk_full(error):
            return JSONResponse({"detail": "the event store's disk is full: nothing was stored; free space, "
                                           "then send the command again"},
                                status_code=status.HTTP_507_INSUFFICIENT_STORAGE)
        return JSONResponse(
            {"detail": f"the event store does not answer ({type(error).__name__}); retry in "
                       f"{RETRY_AFTER_SECONDS} s. A command may or may not have been recorded if the store "
                       "failed while committing: send it again with expected_version, or read first"},
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})

    for kind in STORE_UNAVAILABLE:
        app.add_exception_handler(kind, _store_unavailable)

    @app.exception_handler(RuleViolation)
    def _rule(_: Request, error: RuleViolation) -> JSONResponse:
        body = {"rule": error.rule, "detail": error.detail}
        if isinstance(error, CorrectionRefused) and error.dependent:
            body["dependent"] = error.dependent  # the event id of the fact the correction would break
        return JSONResponse(body, status_code=status.HTTP_409_CONFLICT)

    @app.exception_handler(ConcurrentWrite)
    def _concurrent(_: Request, error: ConcurrentWrite) -> JSONResponse:
        return JSONResponse(
            {"rule": "optimistic-concurrency", "detail": str(error),
             "entity_id": str(error.entity_id), "current_version": error.current_version},
            status_code=status.HTTP_409_CONFLICT,
        )

    @app.exception_handler(OutOfScope)
    def _out_of_scope(_: Request, error: OutOfScope) -> JSONResponse:
        return JSONResponse({"rule": "write-within-granted-scope", "scope": error.scope, "detail": str(error)},
                            status_code=status.HTTP_403_FORBIDDEN)

    @app.exception_handler(RevocationsUnavailable)
    def _unavailable(_: Request, error: RevocationsUnavailable) -> JSONResponse:
        # The list is read from the store: while it is down, this is the same outage.
        return JSONResponse({"detail": str(error)}, status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
                            headers={"Retry-After": str(RETRY_AFTER_SECONDS)})

    @app.exception_handler(NotFound)
    def _not_found(_: Request, error: NotFound) -> JSONResponse:
        return JSONResponse({"rule": "entity-must-exist", "detail": str(error)},
                            status_code=status.HTTP_404_NOT_FOUND)

    @app.exception_handler(ValidationError)
    def _invalid(_: Request, error: ValidationError) -> JSONResponse:
        # Raised when a request is turned into a fact: same shape as FastAPI's own 422s.
        return JSONResponse({"detail": name_fields(error.errors(include_url=False))},
                            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)

    @app.exception_handler(RequestValidationError)
    def _invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        # FastAPI's own 422 shape, with a model-level check's error moved to the field it names.
        return JSONResponse({"detail": jsonable_encoder(name_fields(error.errors()))},
                            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)
