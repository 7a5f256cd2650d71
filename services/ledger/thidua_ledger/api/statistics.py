"""Statistics per authority, cluster and year, and across years; a unit's history."""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from thidua_events.bounds import FIRST_YEAR, LAST_YEAR
from thidua_events.facts.year import ScoreKind

from thidua_ledger.api.clock import ClockDep
from thidua_ledger.api.clusters import YearParam
from thidua_ledger.api.deps import AwardRegisterDep, CurrentUser, LedgerDep
from thidua_ledger.api.errors import READ_RESPONSES
from thidua_ledger.audit.clocks import load
from thidua_ledger.audit.statistics import StatisticsPublic, statistics
from thidua_ledger.audit.unit_history import UnitHistoryPublic, unit_history
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.queries import unit_ref

router = APIRouter(tags=["statistics"], responses=READ_RESPONSES)
YearQuery = Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR)]


@router.get("/statistics")
def get_statistics(request: Request, ledger: LedgerDep, register: AwardRegisterDep, _: CurrentUser,
                   clock: ClockDep, authority_id: UUID | None = None, cluster_id: UUID | None = None,
                   year: YearQuery = None, from_year: YearQuery = None, to_year: YearQuery = None
                   ) -> StatisticsPublic:
    """Awards by kind and level, named collectives and individuals apart from the counts sources
    state without names, flags and emulation titles: per year, for one year (`year`) or a range."""
    low, high = (year, year) if year is not None else (from_year, to_year)
    return statistics(ledger, register, request.app.state.catalogue, clock, authority_id, cluster_id, low, high)


@router.get("/units/{unit_id}/history", tags=["units"])
def get_unit_history(request: Request, unit_id: UUID, ledger: LedgerDep, register: AwardRegisterDep,
                     _: CurrentUser, clock: ClockDep) -> UnitHistoryPublic:
    """A unit's names, clusters, leadership terms, rotating flags received and awards."""
    return unit_history(ledger, register, request.app.state.catalogue, unit_id, clock)


class CriterionPoints(BaseModel):
    unit_id: UUID
    unit: str
    criterion_code: str
    points: Decimal = Field(description="What the standings count for the criterion: the mean of the cross "
                                        "scores where there are any, else the self score")


@router.get("/statistics/clusters/{cluster_id}/years/{year}/criteria")
def get_counted_points(cluster_id: UUID, year: YearParam, ledger: LedgerDep, _: CurrentUser,
                       clock: ClockDep) -> list[CriterionPoints]:
    """Each unit's counted points per criterion, as the standings add them up (for a chart of
    the standings with each unit's criteria stacked)."""
    record = load(ledger, EmulationYear, year_id(cluster_id, year), clock)
    cross: dict[tuple[UUID, str], list[Decimal]] = defaultdict(list)
    own: dict[tuple[UUID, str], Decimal] = {}
    for unit_id, criterion, points, kind, _scorer in record.current_scores().values():
        if kind is ScoreKind.CROSS:
            cross[(unit_id, criterion)].append(points)
        else:
            own[(unit_id, criterion)] = points
    on = min(date(year, 12, 31), ledger.today(), clock.as_of or date.max)
    found = []
    for unit_id, criterion in sorted(set(cross) | set(own), key=lambda k: (str(k[0]), k[1])):
        counted = cross[(unit_id, criterion)]
        points = sum(counted, Decimal(0)) / len(counted) if counted else own[(unit_id, criterion)]
        ref = unit_ref(ledger, unit_id, on, clock)
        found.append(CriterionPoints(unit_id=unit_id, unit=ref.name if ref else str(unit_id),
                                     criterion_code=criterion, points=points.quantize(Decimal("0.01"))))
    return found
