from fastapi import APIRouter, Request
from pydantic import BaseModel

from thidua_documents.store import connect

router = APIRouter(tags=["health"])


class HealthPublic(BaseModel):
    status: str
    service: str
    store: str
    source: str


@router.get("/health")
def health(request: Request) -> HealthPublic:
    settings = request.app.state.settings
    with connect(settings) as conn:  # proves the store answers, not just the process
        conn.execute("SELECT 1")
    return HealthPublic(status="ok", service="documents", store=settings.store, source=settings.source)
