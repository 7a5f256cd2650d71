"""The catalogue: authorities, clusters, units and people by name, searchable.

A name is searched as it was on the as-of date and under its former names too; search
ignores case and diacritics (đ as d) and matches query words in any order, each as the
start of a word of one of the entity's names. Lists sort the Vietnamese way, then by id.

The names are a persisted projection (migration m0007), like the award register: one row
per name with the log position that made it known and the date from which it holds, so a
read at any pair of clocks is one query on the kind's rows, whatever the length of the log.
Every read first applies what was recorded since the last one.
"""

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from thidua_events.facts import Fact
from thidua_events.facts import awards as af
from thidua_events.facts import cluster as cf
from thidua_events.facts import organisation as of
from thidua_events.text import vietnamese_sort_key

from thidua_ledger.audit.clocks import NOW, Clock
from thidua_ledger.domain.awards import award_kind_id
from thidua_ledger.domain.entity import FactEvent
from thidua_ledger.migrations.database import Database
from thidua_ledger.stored_projection import StoredProjection

KINDS = ("authorities", "clusters", "units", "people", "award-kinds", "decrees")
NAMED = (of.AuthorityRegistered, cf.ClusterFormed, of.UnitRegistered, of.UnitRenamed, of.PersonRegistered,
         cf.UnitJoined, cf.UnitLeft, af.AwardKindRegistered, af.AwardConferred, af.AwardRevoked)


@dataclass
class Entry:
    id: UUID
    kind: str
    names: list[tuple[date, str]] = field(default_factory=list)
    authority_id: UUID | None = None

    def name_on(self, on: date | None) -> str:
        dated = [name for since, name in self.names if on is None or since <= on]
        return dated[-1]


def folded(text: str) -> list[str]:
    """The words of a name without case or diacritics: "Cục Cảnh sát PCCC" → cuc canh sat pccc."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    letters = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return "".join(c if c.isalnum() else " " for c in letters).split()


def search_text(name: str) -> str:
    """Each folded word after a space, so `LIKE '% w%'` is "some word starts with w"."""
    return "".join(" " + word for word in folded(name))


class StoredCatalogue(StoredProjection):
    tracking = "{table:catalogue_tracking}"
    tracking_name = "names"

    def relevant(self, event: FactEvent) -> bool:
        return isinstance(event.fact, NAMED)

    def apply(self, db: Database, event: FactEvent, position: int) -> None:
        _apply(db, event.fact, position)

    def search(self, kind: str, clock: Clock = NOW, query: str | None = None,
               authority_id: UUID | None = None, year: int | None = None,
               cluster_id: UUID | None = None) -> list[Entry]:
        """The kind's entries within both clocks, matching `query`, sorted by name on the as-of date.
        With `year`: only clusters with members in that year, or (with `cluster_id`) the units
        that were members of that cluster in that year. Without `year`, `cluster_id` picks the
        decrees of that cluster. Decrees are named by their number, award kinds by their name."""
        reached = self.catch_up()
        known = reached if clock.known_at is None else min(clock.known_at, reached)
        within = "kind = ? AND position <= ? AND effective_date <= ?"
        values: list[Any] = [kind, known, (clock.as_of or date.max).isoformat()]
        filters, params = [within], list(values)
        if authority_id is not None:
            filters.append("authority_id = ?")
            params.append(str(authority_id))
        words = folded(query or "")
        if words:
            # An entity is found when one of its names (within the clocks) has every word.
            filters.append(f"entity_id IN (SELECT entity_id FROM {{table:catalogue_names}} WHERE {within}"
                           + " AND search_text LIKE ?" * len(words) + ")")
            params += values + [f"% {word}%" for word in words]
        if cluster_id is not None and year is None:  # the decrees of a cluster
            filters.append("cluster_id = ?")
            params.append(str(cluster_id))
        with self._reading() as db:
            if year is not None:
                members = _members(db, known, values[2], year, cluster_id)
                chosen = {cluster for cluster, _ in members} if kind == "clusters" else {u for _, u in members}
                filters.append("entity_id IN (" + ", ".join("?" * len(chosen)) + ")" if chosen else "1 = 0")
                params += sorted(chosen)
            rows = db.query("SELECT entity_id, effective_date, name, authority_id FROM {table:catalogue_names} "
                            f"WHERE {' AND '.join(filters)} ORDER BY entity_id, effective_date, position", params)
        found: dict[str, Entry] = {}
        for entity_id, since, name, authority in rows:
            if entity_id not in found:
                found[entity_id] = Entry(UUID(entity_id), kind, authority_id=None if authority is None
                                         else UUID(authority))
            found[entity_id].names.append((date.fromisoformat(since), name))
        return sorted(found.values(), key=lambda e: (vietnamese_sort_key(e.name_on(clock.as_of)), str(e.id)))




def _members(db: Database, known: int, day: str, year: int,
             cluster_id: UUID | None) -> set[tuple[str, str]]:
    """(cluster, unit) pairs where the unit was a member at some time in `year`, within both clocks."""
    filters, params = ["position <= ?", "effective_date <= ?", "effective_date <= ?"], \
        [known, day, date(year, 12, 31).isoformat()]
    if cluster_id is not None:
        filters.append("cluster_id = ?")
        params.append(str(cluster_id))
    rows = db.query("SELECT cluster_id, unit_id, effective_date, joined FROM {table:catalogue_members} "
                    f"WHERE {' AND '.join(filters)} ORDER BY cluster_id, unit_id, effective_date, position", params)
    start = date(year, 1, 1).isoformat()
    state: dict[tuple[str, str], bool] = {}
    during: set[tuple[str, str]] = set()
    for cluster, unit, since, joined in rows:
        pair = (cluster, unit)
        if state.get(pair) and since >= start:  # a member when the year began, or left during it
            during.add(pair)
        state[pair] = bool(joined)
    return during | {pair for pair, member in state.items() if member}


def _apply(db: Database, fact: Fact, position: int) -> None:
    if isinstance(fact, cf.UnitJoined | cf.UnitLeft):
        db.execute("INSERT INTO {table:catalogue_members} (cluster_id, unit_id, position, effective_date, joined) "
                   "VALUES (?, ?, ?, ?, ?)", (str(fact.cluster_id), str(fact.unit_id), position,
                                              fact.effective_date.isoformat(), isinstance(fact, cf.UnitJoined)))
        return
    cluster_id = None
    if isinstance(fact, of.AuthorityRegistered):
        row = ("authorities", fact.authority_id, fact.name, fact.parent_id)
    elif isinstance(fact, af.AwardKindRegistered):
        row = ("award-kinds", award_kind_id(fact.authority_id, fact.name), fact.name, fact.authority_id)
    elif isinstance(fact, af.AwardConferred | af.AwardRevoked):
        row = ("decrees", fact.decree_id, fact.decree_no, fact.authority_id)
        cluster_id = getattr(fact, "cluster_id", None)
    elif isinstance(fact, cf.ClusterFormed):
        row = ("clusters", fact.cluster_id, fact.name, fact.authority_id)
    elif isinstance(fact, of.UnitRegistered):
        row = ("units", fact.unit_id, fact.name, fact.authority_id)
    elif isinstance(fact, of.UnitRenamed):
        # A new name keeps the unit's authority, so a list by authority finds it under every name.
        first = db.query("SELECT authority_id FROM {table:catalogue_names} WHERE kind = 'units' AND entity_id = ? "
                         "ORDER BY position LIMIT 1", (str(fact.unit_id),))
        if not first:
            return
        row = ("units", fact.unit_id, fact.name, first[0][0])
    elif isinstance(fact, of.PersonRegistered):
        row = ("people", fact.person_id, fact.full_name, None)
    else:
        return
    kind, entity_id, name, authority_id = row
    db.execute("INSERT INTO {table:catalogue_names} (kind, entity_id, position, effective_date, name, search_text, "
               "authority_id, cluster_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (kind, str(entity_id), position, fact.effective_date.isoformat(), name, search_text(name),
                None if authority_id is None else str(authority_id), None if cluster_id is None else str(cluster_id)))
