"""Authorities and units, each with its names over time, under both clocks."""

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field, WithJsonSchema
from thidua_events.facts.organisation import AuthorityRegistered, DocumentForm

from thidua_ledger.api.clock import ClockDep
from thidua_ledger.api.deps import CurrentUser, LedgerDep
from thidua_ledger.api.errors import READ_RESPONSES
from thidua_ledger.audit.clocks import Clock, load
from thidua_ledger.domain.errors import NotFound
from thidua_ledger.domain.organisation import Authority, Unit
from thidua_ledger.in_force import fold_known

router = APIRouter(tags=["organisation"], responses=READ_RESPONSES)

# Stated without prefixItems: schemathesis 4.32 turns those into an invalid schema when it
# checks a response against them.
Names = Annotated[list[tuple[date | str, str]], WithJsonSchema(
    {"type": "array", "items": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2},
     "description": "(since, name) pairs, oldest first; since is a day, or 2018-03 or 2018 where the "
                    "source gives less"})]


class UnitPublic(BaseModel):
    unit_id: UUID
    name: str
    names: Names
    authority_id: UUID
    ended_on: date | None


class AuthorityRef(BaseModel):
    authority_id: UUID
    name: str


class AuthorityPublic(BaseModel):
    authority_id: UUID
    name: str
    names: Names
    symbol: str = Field(description='Used in document numbers, e.g. "CATP"')
    parent: AuthorityRef | None = Field(description="The authority above it; null at the top")
    place: str | None = Field(description='The place in a document\'s date line, e.g. "Hà Nội"; null where unstated')
    document_form: DocumentForm


@router.get("/units/{unit_id}", tags=["units"])
def get_unit(unit_id: UUID, ledger: LedgerDep, _: CurrentUser, clock: ClockDep,
             on: date | None = None) -> UnitPublic:
    """A unit with its name on a date (default the as-of date, else today) and its name history."""
    unit = load(ledger, Unit, unit_id, clock)
    names: list[tuple[date | str, str]] = list(unit.names)
    if len(unit.names_stated) == len(unit.names):  # else read from a snapshot older than precisions
        names = [(stated, name) for stated, (_, name) in zip(unit.names_stated, unit.names, strict=True)]
    return UnitPublic(unit_id=unit.id, name=unit.name_on(on or clock.as_of or ledger.today()), names=names,
                      authority_id=unit.authority_id, ended_on=unit.ended_on)


@router.get("/authorities/{authority_id}", tags=["authorities"])
def get_authority(authority_id: UUID, ledger: LedgerDep, _: CurrentUser, clock: ClockDep) -> AuthorityPublic:
    """An authority with its symbol, the authority above it, and its names."""
    folded = fold_known(ledger, Authority, authority_id, clock)
    registered = folded.facts[0].fact
    if not isinstance(registered, AuthorityRegistered):
        raise NotFound("Authority", authority_id)
    authority = folded.entity
    parent = None
    if authority.parent_id is not None:
        # Known at the same position; the parent's name as it is (authorities are not renamed).
        above = load(ledger, Authority, authority.parent_id, Clock(known_at=clock.known_at))
        parent = AuthorityRef(authority_id=above.id, name=above.name)
    return AuthorityPublic(authority_id=authority.id, name=authority.name,
                           names=[(registered.stated_date(), authority.name)], symbol=authority.symbol,
                           parent=parent, place=authority.place, document_form=registered.document_form)
