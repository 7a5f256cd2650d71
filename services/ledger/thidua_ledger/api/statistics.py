"""Statistics per authority, cluster and year, and across years; a unit's history."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from thidua_events.bounds import FIRST_YEAR, LAST_YEAR

from thidua_ledger.api.clock import ClockDep
from thidua_ledger.api.deps import AwardRegisterDep, CurrentUser, LedgerDep
from thidua_ledger.api.errors import READ_RESPONSES
from thidua_ledger.audit.statistics import StatisticsPublic, statistics
from thidua_ledger.audit.unit_history import UnitHistoryPublic, unit_history

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
