"""Refusals answer with what is wrong and store nothing."""

from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from thidua_events.body_limit import json_refusal
from thidua_events.invalid import name_fields
from thidua_events.tokens import RevocationsUnavailable

from thidua_documents.books import RuleBroken
from thidua_documents.documents import MissingData
from thidua_documents.ledger_client import LedgerRefused, LedgerUnavailable
from thidua_documents.legal import UnknownInstrument
from thidua_documents.preview import RETRY_AFTER_SECONDS, PreviewBusy
from thidua_documents.register import AlreadyIssued, PositionNotReached


class ProblemPublic(BaseModel):
    detail: str


class RefusalPublic(BaseModel):
    """A rule this service refused by name."""

    rule: str
    detail: str


class FieldErrorPublic(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class UnprocessablePublic(BaseModel):
    """Either the request's fields that were refused (a list), or what the ledger lacks for the
    document (a sentence, and each item in `missing`)."""

    detail: str | list[FieldErrorPublic]
    missing: list[str] | None = None


Responses = dict[int | str, dict[str, Any]]
# Every answer a route can give besides its own, so that clients (and the fuzz test) can rely on the schema.
READ_RESPONSES: Responses = {
    401: {"model": ProblemPublic, "description": "No bearer token, or one that is expired or not valid"},
    403: {"model": ProblemPublic, "description": "The token's role may not do this"},
    503: {"model": ProblemPublic, "description": "The ledger's revocation list or position cannot be read "
                                                 "now; retry after `Retry-After` seconds",
          "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
}
ENTRY_RESPONSES: Responses = {
    **READ_RESPONSES, 404: {"model": ProblemPublic, "description": "No such document in the register"}}
REFUSALS: Responses = {
    **READ_RESPONSES,
    400: {"model": ProblemPublic, "description": "The body is not JSON"},
    422: {"model": UnprocessablePublic, "description": "Bad fields, or missing data or parts named in `missing`; "
                                                       "nothing was registered"},
    409: {"model": ProblemPublic, "description": "A rule, named in `rule` (the book's order, a legal basis not in "
                                                 "force, a rule of the ledger); already issued; or position not "
                                                 "reached yet (draft)"},
}

# Any route can be sent a body too large: refused before a route reads it (thidua_events.body_limit).
BODY_RESPONSES: Responses = {
    413: {"model": RefusalPublic, "description": "The request body is larger than DOCUMENTS_MAX_BODY_BYTES "
                                                 "(`body-within-size-limit`); nothing was read or registered"},
}


body_too_large = json_refusal("registered")
"""The answer to a body above its limit (thidua_events.body_limit)."""


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    def _invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        # FastAPI's own 422 shape, with a model-level check's error moved to the field it names.
        return JSONResponse({"detail": jsonable_encoder(name_fields(error.errors()))},
                            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)

    @app.exception_handler(MissingData)
    async def missing(_: Request, error: MissingData) -> JSONResponse:
        return JSONResponse(status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
                            content={"detail": str(error), "missing": error.missing})

    @app.exception_handler(AlreadyIssued)
    async def issued(_: Request, error: AlreadyIssued) -> JSONResponse:
        return JSONResponse(status_code=status.HTTP_409_CONFLICT,
                            content={"detail": str(error), "document_id": error.document_id})

    @app.exception_handler(RevocationsUnavailable)
    async def unavailable(_: Request, error: RevocationsUnavailable) -> JSONResponse:
        # Refuse rather than accept a token that may have been revoked.
        return JSONResponse(status_code=status.HTTP_503_SERVICE_UNAVAILABLE, content={"detail": str(error)},
                            headers={"Retry-After": "2"})

    @app.exception_handler(PreviewBusy)
    async def busy(_: Request, error: PreviewBusy) -> JSONResponse:
        return JSONResponse(status_code=status.HTTP_429_TOO_MANY_REQUESTS, content={"detail": str(error)},
                            headers={"Retry-After": str(RETRY_AFTER_SECONDS)})

    @app.exception_handler(PositionNotReached)
    async def ahead(_: Request, error: PositionNotReached) -> JSONResponse:
        return JSONResponse(status_code=status.HTTP_409_CONFLICT, content={"detail": str(error)})

    @app.exception_handler(RuleBroken)
    async def broken(_: Request, error: RuleBroken) -> JSONResponse:
        return JSONResponse(status_code=status.HTTP_409_CONFLICT, content={"rule": error.rule,
                                                                           "detail": error.detail})

    @app.exception_handler(UnknownInstrument)
    async def unknown(_: Request, error: UnknownInstrument) -> JSONResponse:
        return JSONResponse(status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
                            content={"detail": [{"loc": ["body", "legal_basis_ids", index],
                                                 "msg": "not in the catalogue of legal instruments",
                                                 "type": "unknown_instrument"} for index in error.indices]})

    @app.exception_handler(LedgerRefused)
    async def refused(_: Request, error: LedgerRefused) -> JSONResponse:
        """The ledger's own answer, as it came: nothing was numbered."""
        return JSONResponse(status_code=error.status_code, content=error.body)

    @app.exception_handler(LedgerUnavailable)
    async def ledger_unavailable(_: Request, error: LedgerUnavailable) -> JSONResponse:
        return JSONResponse(status_code=status.HTTP_503_SERVICE_UNAVAILABLE, content={"detail": str(error)},
                            headers={"Retry-After": "2"})
