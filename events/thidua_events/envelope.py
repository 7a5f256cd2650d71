"""The envelope in which the ledger publishes a fact: its feed, Kafka, and subscribers."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from thidua_events.facts import Fact, Provenance
from thidua_events.versions import decode_fact


class LedgerEvent(BaseModel):
    """One recorded fact with both clocks and its provenance."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Stable across re-publication: '<entity_id>:<entity_version>'")
    position: int = Field(description="Position in the ledger's log (the recording order)")
    entity_id: UUID
    entity_version: int
    entity_kind: str
    type: str
    version: int
    effective_date: date = Field(description="When it happened (first clock)")
    recorded_at: datetime = Field(description="When the ledger recorded it (second clock)")
    provenance: Provenance
    data: dict[str, Any]

    def fact(self) -> Fact:
        return decode_fact(self.type, self.version, self.data)

    @classmethod
    def of(cls, fact: Fact, provenance: Provenance, *, position: int, entity_id: UUID,
           entity_version: int, recorded_at: datetime) -> "LedgerEvent":
        return cls(
            id=f"{entity_id}:{entity_version}", position=position, entity_id=entity_id,
            entity_version=entity_version, entity_kind=fact.aggregate, type=fact.type_name(),
            version=fact.version, effective_date=fact.effective_date, recorded_at=recorded_at,
            provenance=provenance, data=fact.model_dump(mode="json"),
        )


class LogPage(BaseModel):
    """A page of the log: events after a position, in order."""

    events: list[LedgerEvent]
    next_after: int = Field(description="Pass as `after` to read the next page")
    head: int = Field(description="The newest position in the log when the page was read")
