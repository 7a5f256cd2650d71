from fastapi import APIRouter
from pydantic import BaseModel

from thidua_ledger.api.deps import LedgerDep, SettingsDep

router = APIRouter(tags=["health"])


class HealthPublic(BaseModel):
    status: str
    service: str
    store: str
    position: int


@router.get("/health")
def health(ledger: LedgerDep, settings: SettingsDep) -> HealthPublic:
    # Reading the log position proves the event store answers, not just the process.
    return HealthPublic(status="ok", service="ledger", store=settings.store, position=ledger.position())
