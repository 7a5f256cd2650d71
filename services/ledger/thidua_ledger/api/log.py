from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, WithJsonSchema
from thidua_events.bounds import MAX_POSITION
from thidua_events.envelope import LogPage

from thidua_ledger.api.deps import CurrentUser, LedgerDep
from thidua_ledger.api.errors import READ_RESPONSES
from thidua_ledger.audit.provenance import HistoryEntry, history
from thidua_ledger.domain.organisation import Unit
from thidua_ledger.feed import read_page

router = APIRouter(tags=["log"], responses=READ_RESPONSES)


@router.get("/log")
def get_log(ledger: LedgerDep, _: CurrentUser, after: int = Query(0, ge=0, le=MAX_POSITION),
            limit: int = Query(100, ge=1, le=1000)) -> LogPage:
    """Events after a position, in recording order, paged (for catch-up and the documents service)."""
    return read_page(ledger, after, limit)


@router.get("/entities/{entity_id}/events")
def get_entity_events(entity_id: UUID, ledger: LedgerDep, _: CurrentUser,
                      known_at: int | None = Query(None, ge=0, le=MAX_POSITION)) -> list[HistoryEntry]:
    """The ordered history of one entity, with provenance and both clocks. A corrected or
    retracted fact names its correction (`corrected_by`); the correction names the original
    (`data.original`)."""
    return history(ledger, entity_id, known_at)


class UnitPublic(BaseModel):
    unit_id: UUID
    name: str
    # Pairs of (since, name); since is a day or, where the source gives less, 2018-03 or 2018.
    # Stated without prefixItems: schemathesis 4.32 turns those into an invalid schema when it
    # checks a response against them.
    names: Annotated[list[tuple[date | str, str]], WithJsonSchema(
        {"type": "array", "items": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2},
         "description": "(since, name) pairs, oldest first; since is a day, or 2018-03 or 2018 where the "
                        "source gives less"})]
    authority_id: UUID
    ended_on: date | None


@router.get("/units/{unit_id}", tags=["units"])
def get_unit(unit_id: UUID, ledger: LedgerDep, _: CurrentUser, on: date | None = None) -> UnitPublic:
    """A unit with its name on a date (default today) and its name history."""
    unit = ledger.get(Unit, unit_id)
    names: list[tuple[date | str, str]] = list(unit.names)
    if len(unit.names_stated) == len(unit.names):  # else read from a snapshot older than precisions
        names = [(stated, name) for stated, (_, name) in zip(unit.names_stated, unit.names, strict=True)]
    return UnitPublic(unit_id=unit.id, name=unit.name_on(on or ledger.today()), names=names,
                      authority_id=unit.authority_id, ended_on=unit.ended_on)
