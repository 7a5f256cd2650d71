"""The one place that wires settings, the backends' connection pools and the pages together.

A feature adds its router here by one line: `app.include_router(<feature>.router)`."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import Depends, FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from thidua_events.body_limit import BodyLimit

from thidua_web import errors
from thidua_web.pages import (
    accounts,
    audit,
    batch,
    catalogue,
    clusters,
    correct,
    documents,
    issued,
    proposals,
    record,
    signin,
    spreadsheets,
    stats,
)
from thidua_web.session import SessionCodec, check_csrf, write_cookie
from thidua_web.settings import Settings, get_settings

STATIC = Path(__file__).parent / "static"
# Everything the pages load comes from this server: scripts, styles, images, frames (the PDF preview).
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "frame-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
                           "frame-ancestors 'self'")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    codec = SessionCodec(settings.session_secret())  # fail at start-up on a missing key

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        timeout = httpx.Timeout(settings.backend_timeout)
        with httpx.Client(base_url=settings.ledger_url, timeout=timeout) as ledger, \
                httpx.Client(base_url=settings.documents_url, timeout=timeout) as documents:
            app.state.ledger_http = ledger
            app.state.documents_http = documents
            yield

    app = FastAPI(title="thidua web", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None, dependencies=[Depends(check_csrf)])
    app.state.settings = settings
    app.state.session_codec = codec

    # Added first, so it runs inside _headers: its refusal page gets the cookie and headers too.
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes, refuse=errors.body_too_large,
                       larger=dict.fromkeys(errors.UPLOAD_PATHS, settings.max_upload_bytes))

    @app.middleware("http")
    async def _headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        write_cookie(request, response, settings.secure_cookies)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.url.path != "/static" and not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")  # pages carry a person's data
        return response

    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(signin.router)
    app.include_router(catalogue.router)
    app.include_router(clusters.router)
    app.include_router(record.router)
    app.include_router(correct.router)
    app.include_router(accounts.router)
    app.include_router(documents.router)
    app.include_router(proposals.router)
    app.include_router(spreadsheets.router)
    app.include_router(batch.router)
    app.include_router(audit.router)
    app.include_router(stats.router)
    app.include_router(issued.router)
    return app
