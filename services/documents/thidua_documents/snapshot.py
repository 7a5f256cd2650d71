"""What the ledger said as of a log position (the second clock), about any date (the first).

Every query filters `position <= as_of`, so the same snapshot read later gives the same
answer: the basis of regenerating an issued document byte for byte.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from thidua_events.facts import Fact
from thidua_events.facts import awards as af
from thidua_events.facts import cluster as cf
from thidua_events.facts import organisation as of
from thidua_events.versions import decode_fact, fact_type

from thidua_documents.store import Row, Tx

_CHUNK = 500  # ids per IN (...) list: well under SQLite's and PostgreSQL's parameter limits


@dataclass(frozen=True)
class AuthorityView:
    authority_id: UUID
    name: str
    symbol: str
    parent_id: UUID | None
    place: str | None
    document_form: str = "state"  # thidua_events.facts.organisation.DocumentForm


@dataclass(frozen=True)
class ClusterView:
    cluster_id: UUID
    name: str
    authority_id: UUID


@dataclass(frozen=True)
class UnitView:
    unit_id: UUID
    authority_id: UUID
    symbol: str | None


@dataclass(frozen=True)
class PersonView:
    """A person's posting on a date: rank (cấp bậc), title (chức vụ) and unit."""

    person_id: UUID
    full_name: str
    unit_id: UUID
    rank: str | None
    title: str | None


def _uuid(value: str | None) -> UUID | None:
    return UUID(value) if value else None


def _decode(type_name: str, version: int, payload: str) -> Fact:
    """A stored payload as the current model: parsed by pydantic straight from JSON when it
    is of the current version (the common case, and much faster), else through the upcasters."""
    model = fact_type(type_name)
    if version == model.version:
        return model.model_validate_json(payload)
    return decode_fact(type_name, version, json.loads(payload))


def _posting_row(row: Row, fact: Fact) -> Row:
    """A postings row made again from a corrected PersonRegistered or PersonPostingChanged."""
    if not isinstance(fact, of.PersonRegistered | of.PersonPostingChanged):
        return row  # a correction keeps its original's type (the ledger's rule)
    full_name = fact.full_name if isinstance(fact, of.PersonRegistered) else None
    return (row[0], fact.effective_date.isoformat(), row[2], full_name, str(fact.unit_id), fact.rank,
            fact.position, row[-1])


Slots = dict[str, Fact | None]
"""event id of a corrected or retracted original -> the fact in force in its place (None: retracted)."""


class Snapshot:
    def __init__(self, tx: Tx, as_of: int) -> None:
        self.tx = tx
        self.as_of = as_of

    def _rows_for(self, sql: str, ids: Iterable[UUID] | Iterable[str], order: str) -> list[Row]:
        """`sql` has an `{ids}` slot for the IN list; the position filter is added here."""
        keys = sorted({str(i) for i in ids})
        rows: list[Row] = []
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start:start + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            rows += self.tx.all(sql.format(ids=marks) + f" AND position <= ? ORDER BY {order}",
                                (*chunk, self.as_of))
        return rows

    def _registration(self, table: str, column: str, entity_id: UUID, fields: str) -> Row | Fact | None:
        """The row that registered an entity, or the fact a correction put in its place (None:
        never registered, or retracted, as of this snapshot)."""
        row = self.tx.one(f"SELECT {fields}, event_id FROM {table} WHERE {column} = ? AND position <= ? "
                          "ORDER BY position LIMIT 1", (str(entity_id), self.as_of))
        if row is None or row[-1] is None:
            return row
        slots = self.corrections([row[-1]])
        return slots.get(row[-1], row)

    def authority(self, authority_id: UUID) -> AuthorityView | None:
        found = self._registration("proj_authorities", "authority_id", authority_id,
                                   "authority_id, name, symbol, parent_id, place")
        if isinstance(found, of.AuthorityRegistered):
            return AuthorityView(found.authority_id, found.name, found.symbol, found.parent_id, found.place,
                                 found.document_form.value)
        if not isinstance(found, tuple):
            return None
        form = self.tx.one("SELECT document_form FROM proj_authority_forms WHERE authority_id = ? AND position <= ? "
                           "ORDER BY position LIMIT 1", (str(authority_id), self.as_of))
        return AuthorityView(UUID(found[0]), found[1], found[2], _uuid(found[3]), found[4],
                             form[0] if form else "state")

    def cluster(self, cluster_id: UUID) -> ClusterView | None:
        found = self._registration("proj_clusters", "cluster_id", cluster_id, "cluster_id, name, authority_id")
        if isinstance(found, cf.ClusterFormed):
            return ClusterView(found.cluster_id, found.name, found.authority_id)
        return ClusterView(UUID(found[0]), found[1], UUID(found[2])) if isinstance(found, tuple) else None

    def unit(self, unit_id: UUID) -> UnitView | None:
        found = self._registration("proj_units", "unit_id", unit_id, "unit_id, authority_id, symbol")
        if isinstance(found, of.UnitRegistered):
            return UnitView(found.unit_id, found.authority_id, found.symbol)
        return UnitView(UUID(found[0]), UUID(found[1]), found[2]) if isinstance(found, tuple) else None

    def _rows_in_force(self, rows: list[Row], as_fact: Callable[[Row, Fact], Row]) -> list[Row]:
        """Rows whose last column is their event id, each corrected one made again from the fact
        in its place by `as_fact`, each retracted one left out."""
        slots = self.corrections(row[-1] for row in rows)
        kept = []
        for row in rows:
            if row[-1] in slots:
                fact = slots[row[-1]]
                if fact is None:
                    continue
                row = as_fact(row, fact)
            kept.append(row)
        return kept

    def unit_names(self, unit_ids: Iterable[UUID], on: date) -> dict[UUID, str]:
        """Each unit's name as it was on `on`: a renamed unit keeps its old name in older documents."""
        names: dict[UUID, str] = {}
        rows = self._rows_for("SELECT unit_id, effective_date, position, name, event_id FROM proj_unit_names "
                              "WHERE unit_id IN ({ids})", unit_ids, "unit_id, effective_date, position")
        rows = sorted(self._rows_in_force(rows, lambda row, fact: (
            row[0], fact.effective_date.isoformat(), row[2], fact.name, row[-1])))  # type: ignore[attr-defined]
        day = on.isoformat()
        for unit_id, effective, _, name, _ in rows:
            key = UUID(unit_id)
            # The first name also stands for days before registration (a unit recorded late).
            if key not in names or effective <= day:
                names[key] = name
        return names

    def unit_name(self, unit_id: UUID, on: date) -> str | None:
        return self.unit_names([unit_id], on).get(unit_id)

    def people(self, person_ids: Iterable[UUID], on: date) -> dict[UUID, PersonView]:
        """Each person's name, rank, title and unit on `on` (a posting fact that leaves rank
        or title out keeps the previous one)."""
        found: dict[UUID, PersonView] = {}
        rows = self._rows_for("SELECT person_id, effective_date, position, full_name, unit_id, rank, title, event_id "
                              "FROM proj_postings WHERE person_id IN ({ids})",
                              person_ids, "person_id, effective_date, position")
        rows = sorted(self._rows_in_force(rows, _posting_row))
        day = on.isoformat()
        for person_id, effective, _, full_name, unit_id, rank, title, _ in rows:
            key = UUID(person_id)
            before = found.get(key)
            if before is not None and effective > day:
                continue
            found[key] = PersonView(key, full_name or (before.full_name if before else ""), UUID(unit_id),
                                    rank or (before.rank if before else None),
                                    title or (before.title if before else None))
        return found

    def _memberships(self, cluster_id: UUID) -> dict[UUID, list[tuple[date, date | None]]]:
        spans: dict[UUID, list[tuple[date, date | None]]] = {}
        rows = self.tx.all("SELECT effective_date, position, unit_id, joined, event_id FROM proj_memberships "
                           "WHERE cluster_id = ? AND position <= ? ORDER BY effective_date, position",
                           (str(cluster_id), self.as_of))
        rows = sorted(self._rows_in_force(rows, lambda row, fact: (
            fact.effective_date.isoformat(), row[1], str(fact.unit_id),  # type: ignore[attr-defined]
            int(isinstance(fact, cf.UnitJoined)), row[-1])))
        for effective, _, unit_id, joined, _ in rows:
            key, day = UUID(unit_id), date.fromisoformat(effective)
            if joined:
                spans.setdefault(key, []).append((day, None))
            elif spans.get(key):
                spans[key][-1] = (spans[key][-1][0], day)
        return spans

    def members_on(self, cluster_id: UUID, day: date) -> list[UUID]:
        return [unit for unit, spans in self._memberships(cluster_id).items()
                if any(joined <= day and (left is None or day < left) for joined, left in spans)]

    def members_in(self, cluster_id: UUID, year: int) -> list[UUID]:
        """Members at any time during the calendar year (the ledger's definition)."""
        first, last = date(year, 1, 1), date(year, 12, 31)
        return [unit for unit, spans in self._memberships(cluster_id).items()
                if any(joined <= last and (left is None or left > first) for joined, left in spans)]

    def corrections(self, event_ids: Iterable[str | None]) -> Slots:
        """Which of these originals are corrected or retracted as of this snapshot, as the
        ledger folds them: a correction may name an earlier one, and then the chain is
        followed down to the original, whose place takes the last replacement."""
        entities = {event_id.split(":")[0] for event_id in event_ids if event_id}
        root: dict[str, str] = {}
        slots: Slots = {}
        rows = self._rows_for("SELECT entity_id, entity_version, original_version, fact_type, version, payload "
                              "FROM proj_corrections WHERE entity_id IN ({ids})", entities, "position")
        for entity_id, own_version, original_version, kind, version, payload in rows:
            named = f"{entity_id}:{original_version}"
            original = root.get(named, named)
            root[f"{entity_id}:{own_version}"] = original
            slots[original] = _decode(kind, version, payload) if kind else None
        return slots

    def _in_force(self, rows: list[Row]) -> list[Fact]:
        """(event_id, fact_type, version, payload) rows as the facts in force, in their order."""
        slots = self.corrections(row[0] for row in rows)
        facts = []
        for event_id, kind, version, payload in rows:
            if event_id in slots:
                fact = slots[event_id]
                if fact is not None:  # else retracted: it no longer counts
                    facts.append(fact)
            else:
                facts.append(_decode(kind, version, payload))
        return facts

    def year_facts(self, cluster_id: UUID, year: int) -> list[Fact]:
        """Every fact in force of one cluster's year, in recording order (a corrected fact in
        its original's place)."""
        rows = self.tx.all("SELECT event_id, fact_type, version, payload FROM proj_year_facts WHERE cluster_id = ? "
                           "AND year = ? AND position <= ? ORDER BY position",
                           (str(cluster_id), year, self.as_of))
        return self._in_force(rows)

    def year_known(self, cluster_id: UUID, year: int) -> bool:
        return self.tx.one("SELECT 1 FROM proj_year_facts WHERE cluster_id = ? AND year = ? AND "
                           "fact_type = 'YearOpened' AND position <= ?",
                           (str(cluster_id), year, self.as_of)) is not None

    def award(self, award_id: UUID) -> Fact | None:
        """A decree (conferral or revocation) or a proposal, by its id."""
        row = self.tx.one("SELECT event_id, fact_type, version, payload FROM proj_awards WHERE award_id = ? "
                          "AND position <= ? ORDER BY position LIMIT 1", (str(award_id), self.as_of))
        facts = self._in_force([row]) if row else []  # a proposal may be corrected; decrees are not
        return facts[0] if facts else None

    def decrees_of(self, cluster_id: UUID, year: int) -> list[af.AwardConferred]:
        """The cluster's conferrals for a year, each without the recipients a later revocation
        withdrew (a decree with none left is dropped)."""
        rows = self.tx.all("SELECT fact_type, version, payload FROM proj_awards WHERE year = ? "
                           "AND fact_type IN ('AwardConferred', 'AwardRevoked') AND position <= ? "
                           "ORDER BY position", (year, self.as_of))
        facts = [_decode(kind, version, payload) for kind, version, payload in rows]
        revoked: dict[UUID, set[UUID]] = {}
        for fact in facts:
            if isinstance(fact, af.AwardRevoked):
                revoked.setdefault(fact.revokes_decree_id, set()).update(r.subject_id for r in fact.recipients)
        standing = []
        for fact in facts:
            if not isinstance(fact, af.AwardConferred) or fact.cluster_id != cluster_id:
                continue
            gone = revoked.get(fact.decree_id, set())
            kept = tuple(r for r in fact.recipients if r.subject_id not in gone)
            if kept:
                standing.append(fact.model_copy(update={"recipients": kept}))
        return standing
