"""The catalogue: authorities, clusters, units and people by name, searchable.

A name is searched as it was on the as-of date and under its former names too; search
ignores case and diacritics (đ as d) and matches query words in any order, each as the
start of a word of the name. Lists sort the Vietnamese way, then by id.

This first version folds the log up to the known-at position on each request: correct under
both clocks, but it reads the whole log; a persisted, indexed names projection is next.
"""

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from thidua_events.facts import cluster as cf
from thidua_events.facts import organisation as of
from thidua_events.text import vietnamese_sort_key

from thidua_ledger.application import Ledger
from thidua_ledger.audit.clocks import Clock
from thidua_ledger.feed import fact_events

KINDS = ("authorities", "clusters", "units", "people")


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


def matches(query: str, names: list[str]) -> bool:
    wanted = folded(query)
    words = {word for name in names for word in folded(name)}
    return all(any(word.startswith(w) for word in words) for w in wanted)


def entries(ledger: Ledger, kind: str, clock: Clock) -> list[Entry]:
    found: dict[UUID, Entry] = {}
    for _, event in fact_events(ledger, 0, clock.known_at):
        fact = event.fact
        if clock.as_of is not None and fact.effective_date > clock.as_of:
            continue
        if kind == "authorities" and isinstance(fact, of.AuthorityRegistered):
            found[fact.authority_id] = Entry(fact.authority_id, kind, [(fact.effective_date, fact.name)],
                                             fact.parent_id)
        elif kind == "clusters" and isinstance(fact, cf.ClusterFormed):
            found[fact.cluster_id] = Entry(fact.cluster_id, kind, [(fact.effective_date, fact.name)],
                                           fact.authority_id)
        elif kind == "units" and isinstance(fact, of.UnitRegistered):
            found[fact.unit_id] = Entry(fact.unit_id, kind, [(fact.effective_date, fact.name)], fact.authority_id)
        elif kind == "units" and isinstance(fact, of.UnitRenamed) and fact.unit_id in found:
            found[fact.unit_id].names.append((fact.effective_date, fact.name))
            found[fact.unit_id].names.sort()
        elif kind == "people" and isinstance(fact, of.PersonRegistered):
            found[fact.person_id] = Entry(fact.person_id, kind, [(fact.effective_date, fact.full_name)])
    return list(found.values())


def search(ledger: Ledger, kind: str, clock: Clock, query: str | None = None,
           authority_id: UUID | None = None) -> list[Entry]:
    listed = [e for e in entries(ledger, kind, clock)
              if (authority_id is None or e.authority_id == authority_id)
              and (not query or matches(query, [name for _, name in e.names]))]
    return sorted(listed, key=lambda e: (vietnamese_sort_key(e.name_on(clock.as_of)), str(e.id)))
