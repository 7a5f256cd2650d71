"""The award register (sổ khen thưởng) the API serves: a persisted projection with both clocks.

Its tables (migration m0004) hold one row per conferral and recipient, one per revocation
and recipient, one per stated count, each with the log position that made it known and
the effective date from which it holds. A read at any pair of clocks is the same indexed
query with `position <= known_at AND effective_date <= as_of`: it costs what it returns,
whatever the length of the log, and a past view no longer rebuilds the register from the
whole log. Every read first applies what was recorded since the last one (the few new
events), so a clerk reads what they just wrote.

`projections.AwardRegister` is the same register folded in memory: the auditors' replay
rebuilds it from the log alone, independently of these tables.
"""

from datetime import date
from typing import Any
from uuid import UUID

from thidua_events.facts import Fact
from thidua_events.facts.awards import AwardConferred, AwardRevoked, RecipientKind
from thidua_events.facts.year import CommendationsCounted

from thidua_ledger.audit.clocks import NOW, Clock
from thidua_ledger.domain.entity import FactEvent
from thidua_ledger.migrations.database import Database
from thidua_ledger.projections import REGISTERED, AwardEntry, AwardRegisterPublic, StatedCount
from thidua_ledger.stored_projection import StoredProjection

_ENTRY = ("e.decree_id, e.decree_no, e.decree_date, e.authority_id, e.award_kind, e.year, e.cluster_id, "
          "e.recipient_kind, e.unit_id, e.person_id")
# The newest revocation of an entry within the clocks, looked up by the revocations' primary key.
_REVOKED_BY = ("(SELECT r.decree_no FROM {table:award_revocations} r WHERE r.decree_id = e.decree_id "
               "AND r.subject_id = e.subject_id AND r.position <= ? AND r.effective_date <= ? "
               "ORDER BY r.position DESC LIMIT 1) AS revoked_by")


class StoredAwardRegister(StoredProjection):
    tracking = "{table:award_tracking}"
    tracking_name = "awards"

    def relevant(self, event: FactEvent) -> bool:
        return type(event.fact) in REGISTERED

    def apply(self, db: Database, event: FactEvent, position: int) -> None:
        _apply(db, event.fact, event.provenance.source_ref, position)

    def query(self, unit_id: UUID | None = None, person_id: UUID | None = None,
              authority_id: UUID | None = None, year: int | None = None,
              cluster_id: UUID | None = None, clock: Clock = NOW) -> AwardRegisterPublic:
        reached = self.catch_up()
        known = reached if clock.known_at is None else min(clock.known_at, reached)
        day = (clock.as_of or date.max).isoformat()
        filters, values = ["e.position <= ?", "e.effective_date <= ?"], [known, day]
        for column, value in (("unit_id", unit_id), ("person_id", person_id), ("authority_id", authority_id),
                              ("year", year), ("cluster_id", cluster_id)):
            if value is not None:
                filters.append(f"e.{column} = ?")
                values.append(value if isinstance(value, int) else str(value))
        by_recipient = unit_id is not None or person_id is not None or authority_id is not None
        with self._reading() as db:
            rows = db.query(f"SELECT {_ENTRY}, {_REVOKED_BY} FROM {{table:award_entries}} e "
                            f"WHERE {' AND '.join(filters)} ORDER BY e.position, e.ordinal", [known, day, *values])
            counts = [] if by_recipient else _counts(db, known, day, year, cluster_id)
        awards = [_entry(row) for row in rows]
        awards.sort(key=lambda e: (e.year, e.decree_date, e.decree_no))  # stable: log order breaks ties
        return AwardRegisterPublic(awards=awards, stated_counts=counts, position=known)




def _apply(db: Database, fact: Fact, source_ref: str | None, position: int) -> None:
    day = fact.effective_date.isoformat()
    if isinstance(fact, AwardConferred):
        db.executemany(
            "INSERT INTO {table:award_entries} (decree_id, subject_id, position, ordinal, effective_date, "
            "decree_no, decree_date, authority_id, award_kind, year, cluster_id, recipient_kind, unit_id, "
            "person_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(str(fact.decree_id), str(r.subject_id), position, n, day, fact.decree_no,
              fact.decree_date.isoformat(), str(fact.authority_id), fact.award_kind, fact.year,
              _text(fact.cluster_id), r.kind.value, _text(r.unit_id), _text(r.person_id))
             for n, r in enumerate(fact.recipients)])
    elif isinstance(fact, AwardRevoked):
        db.executemany(
            "INSERT INTO {table:award_revocations} (decree_id, subject_id, position, effective_date, decree_no) "
            "VALUES (?, ?, ?, ?, ?)",
            [(str(fact.revokes_decree_id), str(r.subject_id), position, day, fact.decree_no)
             for r in fact.recipients])
    elif isinstance(fact, CommendationsCounted):
        db.execute("INSERT INTO {table:award_counts} (position, effective_date, cluster_id, year, award_kind, "
                   "collectives, individuals, source_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (position, day, str(fact.cluster_id), fact.year, fact.award_kind, fact.collectives,
                    fact.individuals, source_ref))


def _counts(db: Database, known: int, day: str, year: int | None, cluster_id: UUID | None) -> list[StatedCount]:
    filters, values = ["position <= ?", "effective_date <= ?"], [known, day]
    if year is not None:
        filters.append("year = ?")
        values.append(year)
    if cluster_id is not None:
        filters.append("cluster_id = ?")
        values.append(str(cluster_id))
    rows = db.query("SELECT cluster_id, year, award_kind, collectives, individuals, source_ref, position "
                    f"FROM {{table:award_counts}} WHERE {' AND '.join(filters)} ORDER BY position", values)
    return [StatedCount(cluster_id=UUID(c), year=y, award_kind=k, collectives=n, individuals=i, source_ref=s,
                        position=p) for c, y, k, n, i, s, p in rows]


def _entry(row: tuple[Any, ...]) -> AwardEntry:
    decree_id, decree_no, decree_date, authority_id, kind, year, cluster_id, recipient_kind, unit_id, person_id, \
        revoked_by = row
    return AwardEntry(decree_id=UUID(decree_id), decree_no=decree_no, decree_date=date.fromisoformat(decree_date),
                      authority_id=UUID(authority_id), award_kind=kind, year=year, cluster_id=_uuid(cluster_id),
                      recipient_kind=RecipientKind(recipient_kind), unit_id=_uuid(unit_id),
                      person_id=_uuid(person_id), revoked_by_decree_no=revoked_by)


def _text(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def _uuid(value: str | None) -> UUID | None:
    return None if value is None else UUID(value)
