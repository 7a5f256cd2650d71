"""How the domain's refusals reach the client: a status and the rule's name."""

from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from thidua_events.invalid import name_fields
from thidua_events.tokens import RevocationsUnavailable

from thidua_ledger.application import ConcurrentWrite
from thidua_ledger.domain.access import OutOfScope
from thidua_ledger.domain.errors import NotFound, RuleViolation
from thidua_ledger.rehearsal import CorrectionRefused


def install(app: FastAPI) -> None:
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
        return JSONResponse({"detail": str(error)}, status_code=status.HTTP_503_SERVICE_UNAVAILABLE)

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
