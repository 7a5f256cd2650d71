"""The catalogue routes: list and search by name, paged by cursor, under both clocks."""

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from thidua_ledger.api.clock import ClockDep
from thidua_ledger.api.deps import CurrentUser
from thidua_ledger.api.errors import READ_RESPONSES
from thidua_ledger.catalogue import StoredCatalogue

router = APIRouter(prefix="/catalogue", tags=["catalogue"])


async def _catalogue(request: Request) -> StoredCatalogue:
    catalogue: StoredCatalogue = request.app.state.catalogue
    return catalogue


CatalogueDep = Annotated[StoredCatalogue, Depends(_catalogue)]


class EntryPublic(BaseModel):
    id: UUID
    name: str
    names: list[tuple[date, str]]
    authority_id: UUID | None
    cluster_id: UUID | None = Field(None, description="Decrees, proposals and cluster-years: the cluster")
    year: int | None = Field(None, description="Decrees and proposals: the award year; cluster-years: the year")


class CataloguePage(BaseModel):
    entries: list[EntryPublic]
    next_cursor: UUID | None


@router.get("/{kind}", responses={401: READ_RESPONSES[401]})
def list_catalogue(
    kind: Literal["authorities", "clusters", "units", "people", "award-kinds", "decrees", "proposals",
                  "cluster-years"],
    catalogue: CatalogueDep, _: CurrentUser, clock: ClockDep,
    q: Annotated[str | None, Query(min_length=1, max_length=200,
                                   description="Words in any order, without case or diacritics")] = None,
    authority_id: UUID | None = None,
    year: Annotated[int | None, Query(ge=1945, le=2100, description=(
        "Clusters with members that year; with `cluster_id`, the units that were its members that year; "
        "decrees and proposals of that award year; the cluster-years of that year"))] = None,
    cluster_id: Annotated[UUID | None, Query(description=(
        "The cluster's units (as of), decrees, proposals and years"))] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[UUID | None, Query(description="`next_cursor` of the page before")] = None,
) -> CataloguePage:
    """Entries sorted by name the Vietnamese way, syllable by syllable (people by given name), as named
    on the as-of date; found under former names too. Corrections and retractions known at `known_at` are in
    force."""
    page, more = catalogue.page(kind, clock, q, authority_id, year, cluster_id, limit, cursor)
    return CataloguePage(
        entries=[EntryPublic(id=e.id, name=e.name_on(clock.as_of), names=e.names, authority_id=e.authority_id,
                             cluster_id=e.cluster_id, year=e.year) for e in page],
        next_cursor=page[-1].id if more and page else None)
