"""The one place that wires settings, storage and the routers together."""

from fastapi import FastAPI

from thidua_documents.api import health
from thidua_documents.settings import Settings, get_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    app = FastAPI(title="thidua documents", version="0.1.0")
    app.state.settings = settings or get_settings()
    app.include_router(health.router)
    return app
