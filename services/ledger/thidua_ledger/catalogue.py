"""The catalogue: authorities, clusters, units, people, award kinds, decrees, proposals and
cluster-years by name, searchable, paged in SQL.

A name is searched as it was on the as-of date and under its former names too; search
ignores case and diacritics (đ as d) and matches query words in any order, each as the
start of a word of one of the entity's names. Lists sort the Vietnamese way, syllable by
syllable (people by given name, the last syllable, then the rest), then by id.

The names are a persisted projection (migrations m0007, m0009), like the award register:
one row per name with the log position that made it known, the date from which it holds,
and the position of the correction or retraction that took it out of force, so a read at
any pair of clocks is one query, whatever the length of the log. A search starts from the
word index on the query's rarest word. Every read first applies what was recorded since
the last one.
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
from thidua_events.facts import year as yf
from thidua_events.facts.corrections import Correction, FactCorrected
from thidua_events.text import vietnamese_sort_key

from thidua_ledger.audit.clocks import NOW, Clock
from thidua_ledger.domain.awards import award_kind_id
from thidua_ledger.domain.entity import FactEvent
from thidua_ledger.domain.year import year_id
from thidua_ledger.migrations.database import Database
from thidua_ledger.stored_projection import StoredProjection

KINDS = ("authorities", "clusters", "units", "people", "award-kinds", "decrees", "proposals", "cluster-years")
NAMED = (of.AuthorityRegistered, cf.ClusterFormed, of.UnitRegistered, of.UnitRenamed, of.PersonRegistered,
         cf.UnitJoined, cf.UnitLeft, af.AwardKindRegistered, af.AwardConferred, af.AwardRevoked, af.AwardProposed,
         yf.YearOpened)
NAMED_TYPES = {fact_type.type_name() for fact_type in NAMED}
RAREST_SCAN = 2000  # index entries counted per query word to find the rarest (beyond it, all are common)


@dataclass
class Entry:
    id: UUID
    kind: str
    names: list[tuple[date, str]] = field(default_factory=list)
    authority_id: UUID | None = None
    cluster_id: UUID | None = None
    year: int | None = None

    def name_on(self, on: date | None) -> str:
        dated = [name for since, name in self.names if on is None or since <= on]
        return dated[-1] if dated else self.names[0][1]


def folded(text: str) -> list[str]:
    """The words of a name without case or diacritics: "Cục Cảnh sát PCCC" → cuc canh sat pccc."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    letters = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return "".join(c if c.isalnum() else " " for c in letters).split()


def search_text(name: str) -> str:
    """Each folded word after a space, so `LIKE '% w%'` is "some word starts with w"."""
    return "".join(" " + word for word in folded(name))


def sort_key(name: str, kind: str = "", year: int | None = None) -> str:
    """The Vietnamese order as text that sorts byte by byte: syllable by syllable, each by its
    letters (D before Đ, A before Ă before Â) then its tone. People by given name (the last
    syllable) first, as Vietnamese lists do; cluster-years by cluster, then year."""
    syllables = name.split()
    if kind == "people" and len(syllables) > 1:
        key = _syllables(syllables[-1:]) + "\x03" + _syllables(syllables[:-1])
    else:
        key = _syllables(syllables)
    return key if year is None else f"{key}\x04{year:04d}"


def _syllables(syllables: list[str]) -> str:
    key = ""
    for syllable in syllables:
        letters, tones = vietnamese_sort_key(syllable)
        # \x01 ends a syllable's letters below every letter ("An" before "Anh"), then come its tones.
        key += "".join(chr(0x30 + min(letter, 0x2FF)) for letter in letters) + "\x01"
        key += "".join(chr(0x30 + tone) for tone in tones) + "\x02"
    return key


class StoredCatalogue(StoredProjection):
    tracking = "{table:catalogue_tracking}"
    tracking_name = "names"

    def relevant(self, event: FactEvent) -> bool:
        fact = event.fact
        if isinstance(fact, FactCorrected):
            return fact.replacement_type in NAMED_TYPES
        return isinstance(fact, (*NAMED, Correction))

    def apply(self, db: Database, event: FactEvent, position: int) -> None:
        ref = f"{event.originator_id}:{event.originator_version}"
        fact = event.fact
        if isinstance(fact, Correction):
            _correct(db, fact, position, ref)
        else:
            _apply(db, fact, position, Made(ref, ref, position))

    def page(self, kind: str, clock: Clock = NOW, query: str | None = None, authority_id: UUID | None = None,
             year: int | None = None, cluster_id: UUID | None = None, limit: int | None = None,
             after: UUID | None = None) -> tuple[list[Entry], bool]:
        """One page of the kind's entries within both clocks, matching `query`, sorted by name on
        the as-of date, after the entry `after`; and whether more follow. With `year`: clusters
        with members in that year, or (with `cluster_id`) the units that were members of that
        cluster in that year; decrees, proposals and cluster-years of that (award) year.
        `cluster_id` alone picks the decrees, proposals and years of that cluster."""
        reached = self.catch_up()
        known = reached if clock.known_at is None else min(clock.known_at, reached)
        day = (clock.as_of or date.max).isoformat()
        live = "n.kind = ? AND n.position <= ? AND (n.retired_at IS NULL OR n.retired_at > ?) AND n.effective_date <= ?"
        live_params: list[Any] = [kind, known, known, day]
        with self._reading() as db:
            chosen = self._chosen(db, kind, live, live_params, query, year, cluster_id, known, day)
            if chosen is not None and not chosen:
                return [], False
            scope, scope_params = "", []
            if chosen is not None:
                scope = " AND n.entity_id IN (" + ", ".join("?" * len(chosen)) + ")"
                scope_params = sorted(chosen)
            # The entity's name in force on the as-of date is its live row that no later live row follows;
            # walking the sort index in order, a page stops after `limit` of them.
            later = live.replace("n.", "m.")
            filters = [f"NOT EXISTS (SELECT 1 FROM {{table:catalogue_names}} m WHERE m.entity_id = n.entity_id "
                       f"AND {later} AND (m.effective_date > n.effective_date OR "
                       "(m.effective_date = n.effective_date AND m.place > n.place)))"]
            params: list[Any] = [*live_params]
            for column, value in (("authority_id", authority_id),
                                  ("cluster_id", None if kind in ("clusters", "units") else cluster_id),
                                  ("year", None if kind in ("clusters", "units") else year)):
                if value is not None:
                    filters.append(f"n.{column} = ?")
                    params.append(value if column == "year" else str(value))
            if after is not None:
                filters.append("(n.sort_key > ? OR (n.sort_key = ? AND n.entity_id > ?))")
                cursor_key = self._cursor_key(db, live, live_params, after)
                params += [cursor_key, cursor_key, str(after)]
            rows = db.query(
                f"SELECT n.entity_id FROM {{table:catalogue_names}} n WHERE {live}{scope} AND {' AND '.join(filters)} "
                "ORDER BY n.sort_key, n.entity_id" + ("" if limit is None else f" LIMIT {int(limit) + 1}"),
                [*live_params, *scope_params, *params])
            ids = [row[0] for row in rows]
            more = limit is not None and len(ids) > limit
            ids = ids[:limit] if limit is not None else ids
            return self._entries(db, kind, live, live_params, ids), more

    def search(self, kind: str, clock: Clock = NOW, query: str | None = None,
               authority_id: UUID | None = None, year: int | None = None,
               cluster_id: UUID | None = None) -> list[Entry]:
        """Every matching entry, in order (see `page`)."""
        return self.page(kind, clock, query, authority_id, year, cluster_id)[0]

    def _chosen(self, db: Database, kind: str, live: str, live_params: list[Any], query: str | None,
                year: int | None, cluster_id: UUID | None, known: int, day: str) -> set[str] | None:
        """The entities the query and membership filters leave (None: no such filter)."""
        chosen: set[str] | None = None
        if year is not None and kind in ("clusters", "units"):
            members = _members(db, known, day, year, cluster_id)
            chosen = {c for c, _ in members} if kind == "clusters" else {u for _, u in members}
        elif cluster_id is not None and kind == "units":
            chosen = {u for c, u in _members(db, known, day, None, cluster_id)}
        words = folded(query or "")
        if words:
            found = _matching(db, kind, live, live_params, words)
            chosen = found if chosen is None else chosen & found
        return chosen

    def _cursor_key(self, db: Database, live: str, live_params: list[Any], after: UUID) -> str:
        rows = db.query(f"SELECT n.sort_key FROM {{table:catalogue_names}} n WHERE {live} AND n.entity_id = ? "
                        "ORDER BY n.effective_date DESC, n.place DESC LIMIT 1", [*live_params, str(after)])
        return str(rows[0][0]) if rows else "\uffff"  # an unknown cursor: the list is over

    def _entries(self, db: Database, kind: str, live: str, live_params: list[Any], ids: list[str]) -> list[Entry]:
        if not ids:
            return []
        rows = db.query("SELECT n.entity_id, n.effective_date, n.name, n.authority_id, n.cluster_id, n.year "
                        f"FROM {{table:catalogue_names}} n WHERE {live} AND n.entity_id IN ("
                        + ", ".join("?" * len(ids)) + ") ORDER BY n.entity_id, n.effective_date, n.place",
                        [*live_params, *ids])
        found: dict[str, Entry] = {}
        for entity_id, since, name, authority, cluster, year in rows:
            entry = found.setdefault(entity_id, Entry(UUID(entity_id), kind))
            entry.names.append((date.fromisoformat(since), name))
            entry.authority_id = _uuid(authority)
            entry.cluster_id = _uuid(cluster)
            entry.year = None if year is None else int(year)
        return [found[i] for i in ids]


def _matching(db: Database, kind: str, live: str, live_params: list[Any], words: list[str]) -> set[str]:
    """Entities one of whose names (within the clocks) has a word starting with each query word:
    read from the word index on the rarest, the other words checked on those names only."""
    counts = []
    for word in set(words):
        counted = db.query("SELECT COUNT(*) FROM (SELECT 1 FROM {table:catalogue_words} WHERE kind = ? "
                           f"AND word >= ? AND word < ? LIMIT {RAREST_SCAN}) AS found",
                           (kind, word, word + "\uffff"))
        counts.append((int(counted[0][0]), word))
    rarest = min(counts)[1]
    rows = db.query("SELECT DISTINCT n.entity_id FROM {table:catalogue_words} w JOIN {table:catalogue_names} n "
                    "ON n.kind = w.kind AND n.entity_id = w.entity_id AND n.position = w.position "
                    f"WHERE w.kind = ? AND w.word >= ? AND w.word < ? AND {live}"
                    + " AND n.search_text LIKE ?" * len(words),
                    [kind, rarest, rarest + "\uffff", *live_params, *(f"% {word}%" for word in words)])
    return {row[0] for row in rows}


def _members(db: Database, known: int, day: str, year: int | None,
             cluster_id: UUID | None) -> set[tuple[str, str]]:
    """(cluster, unit) pairs where the unit was a member at some time in `year` (None: up to the
    as-of date), within both clocks."""
    last = day if year is None else min(day, date(year, 12, 31).isoformat())
    filters = ["position <= ?", "(retired_at IS NULL OR retired_at > ?)", "effective_date <= ?"]
    params: list[Any] = [known, known, last]
    if cluster_id is not None:
        filters.append("cluster_id = ?")
        params.append(str(cluster_id))
    rows = db.query("SELECT cluster_id, unit_id, effective_date, joined FROM {table:catalogue_members} "
                    f"WHERE {' AND '.join(filters)} ORDER BY cluster_id, unit_id, effective_date, position", params)
    start = date.min.isoformat() if year is None else date(year, 1, 1).isoformat()
    state: dict[tuple[str, str], bool] = {}
    during: set[tuple[str, str]] = set()
    for cluster, unit, since, joined in rows:
        pair = (cluster, unit)
        if state.get(pair) and since >= start and year is not None:  # a member when the year began, or left during it
            during.add(pair)
        state[pair] = bool(joined)
    return during | {pair for pair, member in state.items() if member}


@dataclass(frozen=True)
class Made:
    """Which event made a row, which original fact it stands for, and the original's place."""

    ref: str
    original: str
    place: int


def _correct(db: Database, fact: Correction, position: int, ref: str) -> None:
    """Take the original's rows out of force from this position; a correction puts its
    replacement in their place. A correction of a correction stands for the same original."""
    original = fact.original
    for table in ("catalogue_names", "catalogue_members"):
        found = db.query(f"SELECT original FROM {{table:{table}}} WHERE ref = ? LIMIT 1", (original,))
        original = str(found[0][0]) if found else original
        if found:
            break
    places = db.query("SELECT MIN(place) FROM {table:catalogue_names} WHERE original = ?", (original,))
    for table in ("catalogue_names", "catalogue_members"):
        db.execute(f"UPDATE {{table:{table}}} SET retired_at = ? WHERE original = ? AND retired_at IS NULL",
                   (position, original))
    if isinstance(fact, FactCorrected):
        place = places[0][0] if places and places[0][0] is not None else position
        _apply(db, fact.fact_in_force(), position, Made(ref, original, int(place)))


def _apply(db: Database, fact: Fact, position: int, made: Made) -> None:
    if isinstance(fact, cf.UnitJoined | cf.UnitLeft):
        db.execute("INSERT INTO {table:catalogue_members} (cluster_id, unit_id, position, effective_date, joined, "
                   "ref, original) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (str(fact.cluster_id), str(fact.unit_id), position, fact.effective_date.isoformat(),
                    isinstance(fact, cf.UnitJoined), made.ref, made.original))
        return
    row = _row(db, fact)
    if row is None:
        return
    kind, entity_id, name, authority_id, cluster_id, year = row
    keyed_year = year if kind == "cluster-years" else None
    db.execute("INSERT INTO {table:catalogue_names} (kind, entity_id, position, place, effective_date, name, "
               "search_text, sort_key, authority_id, cluster_id, year, ref, original) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (kind, str(entity_id), position, made.place, fact.effective_date.isoformat(), name,
                search_text(name), sort_key(name, kind, keyed_year), _text(authority_id), _text(cluster_id), year,
                made.ref, made.original))
    db.executemany("INSERT INTO {table:catalogue_words} (kind, word, entity_id, position) VALUES (?, ?, ?, ?)",
                   [(kind, word, str(entity_id), position) for word in sorted(set(folded(name)))])


Row = tuple[str, UUID, str, Any, Any, int | None]


def _row(db: Database, fact: Fact) -> Row | None:
    """(kind, id, name, authority, cluster, year) of the catalogue row a fact makes, if any."""
    if isinstance(fact, of.AuthorityRegistered):
        return "authorities", fact.authority_id, fact.name, fact.parent_id, None, None
    if isinstance(fact, af.AwardKindRegistered):
        return "award-kinds", award_kind_id(fact.authority_id, fact.name), fact.name, fact.authority_id, None, None
    if isinstance(fact, af.AwardConferred | af.AwardRevoked):
        return ("decrees", fact.decree_id, fact.decree_no, fact.authority_id, getattr(fact, "cluster_id", None),
                fact.year)
    if isinstance(fact, af.AwardProposed):  # named by the award it proposes
        return "proposals", fact.proposal_id, fact.award_kind, fact.authority_id, fact.cluster_id, fact.year
    if isinstance(fact, cf.ClusterFormed):
        return "clusters", fact.cluster_id, fact.name, fact.authority_id, None, None
    if isinstance(fact, of.UnitRegistered):
        return "units", fact.unit_id, fact.name, fact.authority_id, None, None
    if isinstance(fact, of.UnitRenamed):
        # A new name keeps the unit's authority, so a list by authority finds it under every name.
        first = _first(db, "units", fact.unit_id)
        return None if first is None else ("units", fact.unit_id, fact.name, first[1], None, None)
    if isinstance(fact, yf.YearOpened):  # named by its cluster
        cluster = _first(db, "clusters", fact.cluster_id)
        if cluster is None:
            return None
        return ("cluster-years", year_id(fact.cluster_id, fact.year), cluster[0], cluster[1], fact.cluster_id,
                fact.year)
    if isinstance(fact, of.PersonRegistered):
        return "people", fact.person_id, fact.full_name, None, None, None
    return None


def _first(db: Database, kind: str, entity_id: UUID) -> tuple[str, str | None] | None:
    """(name, authority) of an entity's latest row in force."""
    rows = db.query("SELECT name, authority_id FROM {table:catalogue_names} WHERE kind = ? AND entity_id = ? "
                    "AND retired_at IS NULL ORDER BY effective_date DESC, place DESC LIMIT 1", (kind, str(entity_id)))
    return (str(rows[0][0]), rows[0][1]) if rows else None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _uuid(value: Any) -> UUID | None:
    return None if value is None else UUID(str(value))
