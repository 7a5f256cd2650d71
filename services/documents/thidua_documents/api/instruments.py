"""The catalogue of legal instruments (văn bản quy phạm pháp luật) documents cite by id."""

from datetime import date, datetime
from typing import Self
from uuid import UUID

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field, model_validator
from thidua_events.invalid import FieldInvalid
from thidua_events.text import Name, Note

from thidua_documents.api.deps import Reader, StoreDep, Writer
from thidua_documents.api.errors import ProblemPublic
from thidua_documents.legal import Instrument, instruments, register_instrument

router = APIRouter(prefix="/documents/legal-instruments", tags=["legal instruments"])


class LegalInstrumentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Name = Field(description='What precedes "số …": "Thông tư", "Luật Thi đua, khen thưởng"')
    number: Name = Field(description='"12/2019/TT-BCA"; registered once')
    issued_on: date
    about: Note | None = Field(None, description='What follows the date, e.g. "của Bộ trưởng Bộ Công an quy '
                                                 'định …"')
    in_force_from: date | None = None
    in_force_to: date | None = Field(None, description="The last day in force, once replaced or repealed")

    @model_validator(mode="after")
    def _span(self) -> Self:
        if self.in_force_from and self.in_force_to and self.in_force_to < self.in_force_from:
            raise FieldInvalid("in_force_to", "in_force_to is before in_force_from",
                               code="in-force-to-after-from")
        return self


class LegalInstrumentPublic(BaseModel):
    instrument_id: UUID
    title: str
    number: str
    issued_on: date
    about: str | None
    in_force_from: date | None
    in_force_to: date | None
    citation: str
    registered_by: str
    registered_at: datetime

    @classmethod
    def of(cls, item: Instrument) -> "LegalInstrumentPublic":
        return cls(citation=item.citation(), **vars(item))


@router.post("", status_code=status.HTTP_201_CREATED,
             responses={409: {"model": ProblemPublic,
                              "description": "An instrument of that number is already in the catalogue"}})
def register_legal_instrument(body: LegalInstrumentCreate, store: StoreDep, user: Writer) -> LegalInstrumentPublic:
    with store.transaction(write=True) as tx:
        return LegalInstrumentPublic.of(register_instrument(tx, actor=user.actor, **body.model_dump()))


@router.get("")
def list_legal_instruments(store: StoreDep, _: Reader) -> list[LegalInstrumentPublic]:
    with store.transaction() as tx:
        return [LegalInstrumentPublic.of(item) for item in instruments(tx)]
