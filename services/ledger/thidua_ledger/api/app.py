"""The one place that wires settings, the ledger application and the routers together."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from thidua_ledger.api import health
from thidua_ledger.application import Ledger, open_ledger
from thidua_ledger.settings import Settings, get_settings


def create_app(settings: Settings | None = None, ledger: Ledger | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.ledger = ledger or open_ledger(settings)
        app.state.settings = settings
        try:
            yield
        finally:
            app.state.ledger.close()

    app = FastAPI(title="thidua ledger", version="0.1.0", lifespan=lifespan)
    app.include_router(health.router)
    return app
