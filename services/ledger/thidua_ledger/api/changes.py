"""What changed between two moments of the ledger (auditors): a cluster-year, or the award register.

Each moment is a log position (`from_known_at`, `to_known_at`) or a recording moment
(`from_known_at_time`, `to_known_at_time`); unset, the first is the empty log and the second now."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from thidua_events.bounds import FIRST_YEAR, LAST_YEAR, MAX_POSITION

from thidua_ledger.api.clusters import YearParam
from thidua_ledger.api.deps import Auditor, AwardRegisterDep, LedgerDep
from thidua_ledger.api.errors import READ_RESPONSES
from thidua_ledger.application import Ledger
from thidua_ledger.audit.clocks import position_at
from thidua_ledger.audit.diff import ChangesPublic, award_items, changes_between, cluster_year_items

router = APIRouter(tags=["audit"], responses=READ_RESPONSES)
Position = Annotated[int | None, Query(ge=0, le=MAX_POSITION)]


def _moments(ledger: Ledger, from_known_at: int | None, to_known_at: int | None,
             from_known_at_time: datetime | None, to_known_at_time: datetime | None) -> tuple[int, int]:
    for name, position, moment in (("from_known_at_time", from_known_at, from_known_at_time),
                                   ("to_known_at_time", to_known_at, to_known_at_time)):
        if position is not None and moment is not None:
            raise RequestValidationError([{"type": "value_error", "loc": ("query", name), "input": str(moment),
                                           "msg": "give a position or a moment, not both"}])
    head = ledger.position()
    before = from_known_at if from_known_at is not None else (
        position_at(ledger.recorder, from_known_at_time) if from_known_at_time else 0)
    after = to_known_at if to_known_at is not None else (
        position_at(ledger.recorder, to_known_at_time) if to_known_at_time else head)
    before, after = min(before, head), min(after, head)
    if before > after:
        raise RequestValidationError([{"type": "value_error", "loc": ("query", "to_known_at"), "input": after,
                                       "msg": "the second moment must not come before the first"}])
    return before, after


@router.get("/clusters/{cluster_id}/years/{year}/changes")
def get_cluster_year_changes(
    cluster_id: UUID, year: YearParam, ledger: LedgerDep, register: AwardRegisterDep, _: Auditor,
    from_known_at: Position = None, to_known_at: Position = None,
    from_known_at_time: datetime | None = None, to_known_at_time: datetime | None = None,
) -> ChangesPublic:
    """Members, leader, deputy, flag, scores, standings, honours and awards of a cluster-year:
    what changed between two moments, each change naming the event that made it."""
    before, after = _moments(ledger, from_known_at, to_known_at, from_known_at_time, to_known_at_time)
    return changes_between(ledger, lambda clock: cluster_year_items(ledger, register, cluster_id, year, clock),
                           before, after)


@router.get("/awards/changes")
def get_award_changes(
    ledger: LedgerDep, register: AwardRegisterDep, _: Auditor,
    from_known_at: Position = None, to_known_at: Position = None,
    from_known_at_time: datetime | None = None, to_known_at_time: datetime | None = None,
    unit_id: UUID | None = None, authority_id: UUID | None = None, cluster_id: UUID | None = None,
    year: Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR)] = None,
) -> ChangesPublic:
    """The award register's entries and stated counts: what changed between two moments."""
    before, after = _moments(ledger, from_known_at, to_known_at, from_known_at_time, to_known_at_time)
    filters = {k: v for k, v in (("unit_id", unit_id), ("authority_id", authority_id),
                                 ("cluster_id", cluster_id), ("year", year)) if v is not None}
    return changes_between(ledger, lambda clock: award_items(ledger, register, filters, clock), before, after,
                           every_event=True)
