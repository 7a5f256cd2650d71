"""How far the projections have read the ledger."""

from fastapi import APIRouter, Request
from pydantic import BaseModel

from thidua_documents.api.deps import Reader, SettingsDep, StoreDep
from thidua_documents.api.errors import READ_RESPONSES
from thidua_documents.projections import projected_position

router = APIRouter(tags=["health"], responses=READ_RESPONSES)


class ProjectionPublic(BaseModel):
    position: int
    source: str
    following: bool


@router.get("/projection")
def projection(request: Request, store: StoreDep, settings: SettingsDep, _: Reader) -> ProjectionPublic:
    return ProjectionPublic(position=projected_position(store), source=settings.source,
                            following=request.app.state.follower is not None)
