"""The award register folded in memory from the log: the auditors' replay rebuilds it from
the log alone and compares. The API serves the persisted one (`award_register`), with the
same entries; its models are these.
"""

from datetime import date
from threading import Lock
from uuid import UUID

from pydantic import BaseModel, Field
from thidua_events.facts import Fact, Provenance
from thidua_events.facts.awards import AwardConferred, AwardRevoked, RecipientKind
from thidua_events.facts.corrections import Correction, FactCorrected, FactRetracted
from thidua_events.facts.year import CommendationsCounted

from thidua_ledger.application import Ledger
from thidua_ledger.audit.clocks import NOW, Clock
from thidua_ledger.domain.entity import FactEvent
from thidua_ledger.feed import fact_events, paused_gc


def event_id(event: FactEvent) -> str:
    return f"{event.originator_id}:{event.originator_version}"


class AwardEntry(BaseModel):
    decree_id: UUID
    decree_no: str
    decree_date: date
    authority_id: UUID
    award_kind: str
    year: int
    cluster_id: UUID | None
    recipient_kind: RecipientKind
    unit_id: UUID | None
    person_id: UUID | None
    revoked_by_decree_no: str | None = None


class StatedCount(BaseModel):
    """Totals an article or report states without names."""

    cluster_id: UUID
    year: int
    award_kind: str | None
    collectives: int | None
    individuals: int | None
    source_ref: str | None
    position: int = Field(description="The log position of the fact that states it")


class AwardRegisterPublic(BaseModel):
    awards: list[AwardEntry]
    stated_counts: list[StatedCount]
    position: int


REGISTERED = {AwardConferred, AwardRevoked, CommendationsCounted, FactCorrected, FactRetracted}
"""The facts the register folds; every other fact leaves it as it is."""


class AwardRegister:
    """The award register (sổ khen thưởng), folded in memory from the whole log."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.position = 0
        self.entries: dict[tuple[UUID, UUID], AwardEntry] = {}  # (decree, recipient) -> entry
        self.counts: list[StatedCount] = []
        self._counted: dict[str, int] = {}  # event id of a stated count in force -> its position
        self._lock = Lock()

    def catch_up(self, clock: Clock = NOW) -> int:
        with self._lock, paused_gc():
            for position, event in fact_events(self.ledger, self.position, until=clock.known_at):
                if isinstance(event.fact, Correction) or clock.as_of is None \
                        or event.fact.effective_date <= clock.as_of:
                    self.apply(event.fact, event.provenance, position, event_id(event), clock)
                self.position = position
            return self.position

    def apply(self, fact: Fact, provenance: Provenance, position: int, recorded_as: str = "",
              clock: Clock = NOW) -> None:
        if type(fact) not in REGISTERED:  # most facts: a set lookup rather than three isinstance
            return
        if isinstance(fact, Correction):  # of a stated count (decrees are revoked, never corrected)
            replaced = self._counted.pop(fact.original, None)
            if replaced is None:
                return
            self.counts = [c for c in self.counts if c.position != replaced]
            if isinstance(fact, FactCorrected):
                fact = fact.fact_in_force()
                if clock.as_of is None or fact.effective_date <= clock.as_of:
                    self.apply(fact, provenance, replaced, recorded_as)
            return
        if isinstance(fact, AwardConferred):
            for r in fact.recipients:
                self.entries[(fact.decree_id, r.subject_id)] = AwardEntry(
                    decree_id=fact.decree_id, decree_no=fact.decree_no, decree_date=fact.decree_date,
                    authority_id=fact.authority_id, award_kind=fact.award_kind, year=fact.year,
                    cluster_id=fact.cluster_id, recipient_kind=r.kind, unit_id=r.unit_id,
                    person_id=r.person_id,
                )
        elif isinstance(fact, AwardRevoked):
            for r in fact.recipients:
                entry = self.entries.get((fact.revokes_decree_id, r.subject_id))
                if entry is None:
                    # A view as of a date between a revocation and the later-dated decree it revokes
                    # (history recorded before the rule revoke-after-the-decree): nothing to revoke yet.
                    continue
                self.entries[(fact.revokes_decree_id, r.subject_id)] = entry.model_copy(
                    update={"revoked_by_decree_no": fact.decree_no})
        elif isinstance(fact, CommendationsCounted):
            self.counts.append(StatedCount(
                cluster_id=fact.cluster_id, year=fact.year, award_kind=fact.award_kind,
                collectives=fact.collectives, individuals=fact.individuals,
                source_ref=provenance.source_ref, position=position,
            ))
            self.counts.sort(key=lambda c: c.position)
            if recorded_as:  # a later correction names the count by this id
                self._counted[recorded_as] = position
