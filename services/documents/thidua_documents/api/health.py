from fastapi import APIRouter
from pydantic import BaseModel

from thidua_documents.api.deps import SettingsDep, StoreDep

router = APIRouter(tags=["health"])


class HealthPublic(BaseModel):
    status: str
    service: str
    store: str
    source: str


@router.get("/health")
def health(store: StoreDep, settings: SettingsDep) -> HealthPublic:
    with store.transaction() as tx:  # proves the store answers, not just the process
        tx.execute("SELECT 1")
    return HealthPublic(status="ok", service="documents", store=settings.store, source=settings.source)
