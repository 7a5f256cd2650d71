from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path
from thidua_events.bounds import FIRST_YEAR, LAST_YEAR

from thidua_ledger.api.clock import ClockDep
from thidua_ledger.api.deps import CurrentUser, LedgerDep
from thidua_ledger.api.errors import READ_RESPONSES
from thidua_ledger.queries import (
    ClusterYearPublic,
    FlagHolderPublic,
    StandingsPublic,
    YearPublic,
    cluster_in_year,
    flag_holder,
    standings,
    year_record,
)

router = APIRouter(prefix="/clusters", tags=["clusters"], responses=READ_RESPONSES)
YearParam = Annotated[int, Path(ge=FIRST_YEAR, le=LAST_YEAR,
                                description=f"The emulation year, {FIRST_YEAR}..{LAST_YEAR}")]


@router.get("/{cluster_id}/years/{year}")
def get_cluster_year(cluster_id: UUID, year: YearParam, ledger: LedgerDep, _: CurrentUser,
                     clock: ClockDep) -> ClusterYearPublic:
    """Members, leader, deputy and flag holder of a cluster in a year."""
    return cluster_in_year(ledger, cluster_id, year, clock)


@router.get("/{cluster_id}/years/{year}/record")
def get_year_record(cluster_id: UUID, year: YearParam, ledger: LedgerDep, _: CurrentUser,
                     clock: ClockDep) -> YearPublic:
    """Everything recorded about the emulation year: pledge, criteria, drives, reviews, ballots."""
    return year_record(ledger, cluster_id, year, clock)


@router.get("/{cluster_id}/years/{year}/standings")
def get_standings(cluster_id: UUID, year: YearParam, ledger: LedgerDep, _: CurrentUser,
                     clock: ClockDep) -> StandingsPublic:
    """Scores totalled and ranked; ties are stated."""
    return standings(ledger, cluster_id, year, clock)


@router.get("/{cluster_id}/flag")
def get_flag_holder(cluster_id: UUID, on: date, ledger: LedgerDep, _: CurrentUser,
                    clock: ClockDep) -> FlagHolderPublic:
    """Who held the cluster's rotating flag (cờ luân lưu) on a date; `known_at` applies, `as_of`
    is not needed (`on` is the date)."""
    return flag_holder(ledger, cluster_id, on, clock)
