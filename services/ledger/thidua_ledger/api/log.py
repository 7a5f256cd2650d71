from uuid import UUID

from fastapi import APIRouter, Query
from thidua_events.bounds import MAX_POSITION
from thidua_events.envelope import LogPage

from thidua_ledger.api.clock import ClockDep
from thidua_ledger.api.deps import CurrentUser, LedgerDep
from thidua_ledger.api.errors import READ_RESPONSES
from thidua_ledger.audit.provenance import HistoryEntry, history
from thidua_ledger.domain.errors import NotFound
from thidua_ledger.feed import read_page

router = APIRouter(tags=["log"], responses=READ_RESPONSES)


@router.get("/log")
def get_log(ledger: LedgerDep, _: CurrentUser, clock: ClockDep, after: int = Query(0, ge=0, le=MAX_POSITION),
            limit: int = Query(100, ge=1, le=1000)) -> LogPage:
    """Events after a position, in recording order, paged (for catch-up and the documents service).
    `known_at` ends the log at that position (it is the page's head); `as_of` leaves out the
    facts dated after that day."""
    return read_page(ledger, after, limit, known_at=clock.known_at, as_of=clock.as_of)


@router.get("/entities/{entity_id}/events")
def get_entity_events(entity_id: UUID, ledger: LedgerDep, _: CurrentUser,
                      clock: ClockDep) -> list[HistoryEntry]:
    """The ordered history of one entity, with provenance and both clocks. A corrected or
    retracted fact names its correction (`corrected_by`); the correction names the original
    (`data.original`). `known_at` keeps what was recorded by then, `as_of` the facts dated by
    then; 404 when nothing of the entity is known at that moment."""
    found = history(ledger, entity_id, clock.known_at, clock.as_of)
    if not found:
        when = [f"known at log position {clock.known_at}"] if clock.known_at is not None else []
        when += [f"dated on or before {clock.as_of}"] if clock.as_of is not None else []
        raise NotFound("Entity", f"{entity_id} ({' and '.join(when)})")
    return found
