"""Projections that span entities, kept by following the log.

They catch up on every read, so a clerk reads what they just wrote; a lock keeps
concurrent requests from applying the same event twice.
"""

from datetime import date
from threading import Lock
from uuid import UUID

from pydantic import BaseModel, Field
from thidua_events.facts import Fact, Provenance
from thidua_events.facts.awards import AwardConferred, AwardRevoked, RecipientKind
from thidua_events.facts.year import CommendationsCounted

from thidua_ledger.application import Ledger
from thidua_ledger.audit.clocks import NOW, Clock
from thidua_ledger.feed import fact_events, paused_gc


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


REGISTERED = {AwardConferred, AwardRevoked, CommendationsCounted}
"""The facts the register folds; every other fact leaves it as it is."""


class AwardRegister:
    """The award register (sổ khen thưởng) by unit, person, authority and year."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.position = 0
        self.entries: dict[tuple[UUID, UUID], AwardEntry] = {}  # (decree, recipient) -> entry
        self.counts: list[StatedCount] = []
        self._lock = Lock()

    def catch_up(self, clock: Clock = NOW) -> int:
        with self._lock, paused_gc():
            for position, event in fact_events(self.ledger, self.position, until=clock.known_at):
                if clock.as_of is None or event.fact.effective_date <= clock.as_of:
                    self.apply(event.fact, event.provenance, position)
                self.position = position
            return self.position

    def apply(self, fact: Fact, provenance: Provenance, position: int) -> None:
        if type(fact) not in REGISTERED:  # most facts: a set lookup rather than three isinstance
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

    def query(self, unit_id: UUID | None = None, person_id: UUID | None = None,
              authority_id: UUID | None = None, year: int | None = None,
              cluster_id: UUID | None = None, clock: Clock = NOW) -> AwardRegisterPublic:
        if not clock.is_now:  # a past view is rebuilt from the log, leaving the live one alone
            return AwardRegister(self.ledger)._query(unit_id, person_id, authority_id, year, cluster_id,
                                                     clock)
        return self._query(unit_id, person_id, authority_id, year, cluster_id, clock)

    def _query(self, unit_id: UUID | None, person_id: UUID | None, authority_id: UUID | None,
               year: int | None, cluster_id: UUID | None, clock: Clock) -> AwardRegisterPublic:
        position = self.catch_up(clock)
        awards = [
            e for e in self.entries.values()
            if (unit_id is None or e.unit_id == unit_id)
            and (person_id is None or e.person_id == person_id)
            and (authority_id is None or e.authority_id == authority_id)
            and (year is None or e.year == year)
            and (cluster_id is None or e.cluster_id == cluster_id)
        ]
        counts = [
            c for c in self.counts
            if unit_id is None and person_id is None and authority_id is None
            and (year is None or c.year == year) and (cluster_id is None or c.cluster_id == cluster_id)
        ]
        awards.sort(key=lambda e: (e.year, e.decree_date, e.decree_no))
        return AwardRegisterPublic(awards=awards, stated_counts=counts, position=position)
