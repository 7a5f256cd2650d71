"""The facts the documents need, projected from ledger events into our own tables.

Every table is append-only and every row carries the log position of the event that
made it (its primary key), so a query "as of position P" is the same query with
`position <= ?`: issued documents can be regenerated from their recorded position,
and drafts rendered as of any past position, without keeping snapshots.

`apply_page` updates the tables and the tracking row in one transaction: an event is
applied exactly once even when two followers read the same page.
"""

import json
from collections.abc import Callable, Iterable
from typing import Any

from thidua_events.envelope import LedgerEvent
from thidua_events.facts import Fact
from thidua_events.facts import awards as af
from thidua_events.facts import cluster as cf
from thidua_events.facts import organisation as of
from thidua_events.facts import year as yf

from thidua_documents.store import Store, Tx

TRACKING = "ledger"

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS proj_tracking (name TEXT PRIMARY KEY, position BIGINT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS proj_authorities (position BIGINT PRIMARY KEY, authority_id TEXT NOT NULL,
        name TEXT NOT NULL, symbol TEXT NOT NULL, parent_id TEXT, place TEXT, effective_date TEXT NOT NULL)""",
    # Which family of forms an authority's documents follow (a table of its own, so a store
    # made before the field existed needs no change; no row reads as the State's forms).
    """CREATE TABLE IF NOT EXISTS proj_authority_forms (position BIGINT PRIMARY KEY, authority_id TEXT NOT NULL,
        document_form TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS proj_units (position BIGINT PRIMARY KEY, unit_id TEXT NOT NULL,
        authority_id TEXT NOT NULL, symbol TEXT, effective_date TEXT NOT NULL)""",
    # Registration and every rename: the name a unit carried on any date.
    """CREATE TABLE IF NOT EXISTS proj_unit_names (position BIGINT PRIMARY KEY, unit_id TEXT NOT NULL,
        effective_date TEXT NOT NULL, name TEXT NOT NULL)""",
    # Registration and every posting change; NULL means "not stated by this fact".
    """CREATE TABLE IF NOT EXISTS proj_postings (position BIGINT PRIMARY KEY, person_id TEXT NOT NULL,
        effective_date TEXT NOT NULL, full_name TEXT, unit_id TEXT NOT NULL, rank TEXT, title TEXT)""",
    """CREATE TABLE IF NOT EXISTS proj_clusters (position BIGINT PRIMARY KEY, cluster_id TEXT NOT NULL,
        name TEXT NOT NULL, authority_id TEXT NOT NULL, effective_date TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS proj_memberships (position BIGINT PRIMARY KEY, cluster_id TEXT NOT NULL,
        unit_id TEXT NOT NULL, effective_date TEXT NOT NULL, joined INTEGER NOT NULL)""",
    # Everything that belongs to one cluster's year, the flag handover included, as the event's
    # own payload and version (decoded through the contract's upcasters when read): reviews,
    # ballots, honours, elections, scores, criteria, pledge, signatures.
    """CREATE TABLE IF NOT EXISTS proj_year_facts (position BIGINT PRIMARY KEY, cluster_id TEXT NOT NULL,
        year INTEGER NOT NULL, fact_type TEXT NOT NULL, version INTEGER NOT NULL, effective_date TEXT NOT NULL,
        payload TEXT NOT NULL)""",
    # Conferrals, revocations and proposals, recipients inside the payload.
    """CREATE TABLE IF NOT EXISTS proj_awards (position BIGINT PRIMARY KEY, award_id TEXT NOT NULL,
        fact_type TEXT NOT NULL, version INTEGER NOT NULL, authority_id TEXT NOT NULL, cluster_id TEXT,
        year INTEGER NOT NULL, payload TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS proj_unit_names_unit ON proj_unit_names (unit_id)",
    "CREATE INDEX IF NOT EXISTS proj_postings_person ON proj_postings (person_id)",
    "CREATE INDEX IF NOT EXISTS proj_memberships_cluster ON proj_memberships (cluster_id)",
    "CREATE INDEX IF NOT EXISTS proj_year_facts_year ON proj_year_facts (cluster_id, year)",
    "CREATE INDEX IF NOT EXISTS proj_awards_id ON proj_awards (award_id)",
    "CREATE INDEX IF NOT EXISTS proj_awards_year ON proj_awards (cluster_id, year)",
]


def _id(value: Any) -> str | None:
    return None if value is None else str(value)


def _payload(event: LedgerEvent) -> str:
    return json.dumps(event.data, ensure_ascii=False, sort_keys=True)


Projector = Callable[[Tx, LedgerEvent, Any], None]
_PROJECTORS: dict[type[Fact], Projector] = {}


def _projects(*fact_types: type[Fact]) -> Callable[[Projector], Projector]:
    def register(function: Projector) -> Projector:
        for fact_type in fact_types:
            _PROJECTORS[fact_type] = function
        return function

    return register


@_projects(of.AuthorityRegistered)
def _authority(tx: Tx, event: LedgerEvent, f: of.AuthorityRegistered) -> None:
    tx.execute("INSERT INTO proj_authorities VALUES (?, ?, ?, ?, ?, ?, ?)",
               (event.position, str(f.authority_id), f.name, f.symbol, _id(f.parent_id), f.place,
                f.effective_date.isoformat()))
    tx.execute("INSERT INTO proj_authority_forms VALUES (?, ?, ?)",
               (event.position, str(f.authority_id), f.document_form.value))


@_projects(of.UnitRegistered)
def _unit(tx: Tx, event: LedgerEvent, f: of.UnitRegistered) -> None:
    tx.execute("INSERT INTO proj_units VALUES (?, ?, ?, ?, ?)",
               (event.position, str(f.unit_id), str(f.authority_id), f.symbol, f.effective_date.isoformat()))
    tx.execute("INSERT INTO proj_unit_names VALUES (?, ?, ?, ?)",
               (event.position, str(f.unit_id), f.effective_date.isoformat(), f.name))


@_projects(of.UnitRenamed)
def _rename(tx: Tx, event: LedgerEvent, f: of.UnitRenamed) -> None:
    tx.execute("INSERT INTO proj_unit_names VALUES (?, ?, ?, ?)",
               (event.position, str(f.unit_id), f.effective_date.isoformat(), f.name))


@_projects(of.PersonRegistered, of.PersonPostingChanged)
def _posting(tx: Tx, event: LedgerEvent, f: of.PersonRegistered | of.PersonPostingChanged) -> None:
    full_name = f.full_name if isinstance(f, of.PersonRegistered) else None
    tx.execute("INSERT INTO proj_postings VALUES (?, ?, ?, ?, ?, ?, ?)",
               (event.position, str(f.person_id), f.effective_date.isoformat(), full_name, str(f.unit_id),
                f.rank, f.position))


@_projects(cf.ClusterFormed)
def _cluster(tx: Tx, event: LedgerEvent, f: cf.ClusterFormed) -> None:
    tx.execute("INSERT INTO proj_clusters VALUES (?, ?, ?, ?, ?)",
               (event.position, str(f.cluster_id), f.name, str(f.authority_id), f.effective_date.isoformat()))


@_projects(cf.UnitJoined, cf.UnitLeft)
def _membership(tx: Tx, event: LedgerEvent, f: cf.UnitJoined | cf.UnitLeft) -> None:
    tx.execute("INSERT INTO proj_memberships VALUES (?, ?, ?, ?, ?)",
               (event.position, str(f.cluster_id), str(f.unit_id), f.effective_date.isoformat(),
                int(isinstance(f, cf.UnitJoined))))


def _year_fact(tx: Tx, event: LedgerEvent, f: Any) -> None:
    tx.execute("INSERT INTO proj_year_facts VALUES (?, ?, ?, ?, ?, ?, ?)",
               (event.position, str(f.cluster_id), f.year, event.type, event.version,
                f.effective_date.isoformat(), _payload(event)))


_YEAR_TYPES: list[type[Fact]] = [t for t in vars(yf).values() if isinstance(t, type) and issubclass(t, yf.YearFact)
                                 and t not in (yf.YearFact, yf.ReviewHeld)]
_YEAR_TYPES += [cf.RotatingFlagHandedOver, cf.WorkingGroupEstablished]
for _type in _YEAR_TYPES:
    _PROJECTORS[_type] = _year_fact


@_projects(af.AwardConferred, af.AwardRevoked)
def _decree(tx: Tx, event: LedgerEvent, f: af.AwardConferred | af.AwardRevoked) -> None:
    cluster_id = f.cluster_id if isinstance(f, af.AwardConferred) else None
    tx.execute("INSERT INTO proj_awards VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (event.position, str(f.decree_id), event.type, event.version, str(f.authority_id),
                _id(cluster_id), f.year, _payload(event)))


@_projects(af.AwardProposed)
def _proposal(tx: Tx, event: LedgerEvent, f: af.AwardProposed) -> None:
    tx.execute("INSERT INTO proj_awards VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (event.position, str(f.proposal_id), event.type, event.version, str(f.authority_id),
                _id(f.cluster_id), f.year, _payload(event)))


def tracked_position(tx: Tx, lock: bool = False) -> int:
    row = tx.one("SELECT position FROM proj_tracking WHERE name = ?" + (tx.for_update if lock else ""),
                 (TRACKING,))
    return int(row[0]) if row else 0


def apply_page(store: Store, events: Iterable[LedgerEvent], read_up_to: int) -> int:
    """Project the events not yet applied and move the tracking row to `read_up_to` (the
    position the page covers, internal events included), atomically. Returns the new position."""
    with store.transaction(write=True) as tx:
        tx.execute("INSERT INTO proj_tracking (name, position) VALUES (?, 0) ON CONFLICT (name) DO NOTHING",
                   (TRACKING,))
        current = tracked_position(tx, lock=True)
        for event in events:
            if event.position <= current:
                continue  # another follower (or an earlier run) applied it already
            fact = event.fact()
            projector = _PROJECTORS.get(type(fact))
            if projector is not None:  # facts no document needs (regulations, mergers) are skipped
                projector(tx, event, fact)
        new_position = max(current, read_up_to)
        tx.execute("UPDATE proj_tracking SET position = ? WHERE name = ?", (new_position, TRACKING))
        return new_position


def projected_position(store: Store) -> int:
    with store.transaction() as tx:
        return tracked_position(tx)
