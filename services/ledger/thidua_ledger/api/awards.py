from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from thidua_events.bounds import FIRST_YEAR, LAST_YEAR

from thidua_ledger.api.clock import ClockDep
from thidua_ledger.api.deps import AwardRegisterDep, CurrentUser
from thidua_ledger.api.errors import READ_RESPONSES
from thidua_ledger.projections import AwardRegisterPublic

router = APIRouter(prefix="/awards", tags=["awards"], responses=READ_RESPONSES)


@router.get("")
def get_award_register(
    register: AwardRegisterDep, _: CurrentUser, clock: ClockDep, unit_id: UUID | None = None,
    person_id: UUID | None = None, authority_id: UUID | None = None,
    year: Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR)] = None,
    cluster_id: UUID | None = None,
) -> AwardRegisterPublic:
    """The award register, filtered by unit, person, authority, year or cluster."""
    return register.query(unit_id=unit_id, person_id=person_id, authority_id=authority_id,
                          year=year, cluster_id=cluster_id, clock=clock)
