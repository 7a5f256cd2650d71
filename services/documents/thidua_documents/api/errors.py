"""Refusals answer with what is wrong and store nothing."""

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse
from thidua_events.tokens import RevocationsUnavailable

from thidua_documents.documents import MissingData
from thidua_documents.register import AlreadyIssued, PositionNotReached


def install(app: FastAPI) -> None:
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
        return JSONResponse(status_code=status.HTTP_503_SERVICE_UNAVAILABLE, content={"detail": str(error)})

    @app.exception_handler(PositionNotReached)
    async def ahead(_: Request, error: PositionNotReached) -> JSONResponse:
        return JSONResponse(status_code=status.HTTP_409_CONFLICT, content={"detail": str(error)})
