"""The facts the documents need, projected from ledger events into our own tables.

Every table is append-only and every row carries the log position of the event that
made it (its primary key), so a query "as of position P" is the same query with
`position <= ?`: issued documents can be regenerated from their recorded position,
and drafts rendered as of any past position, without keeping snapshots.

The tables are made by `migrations`. `apply_page` (the feed: pages in log order) and
`apply_arrivals` (Kafka: events in any order) update the tables and the tracking row in
one transaction: an event is applied exactly once even when two followers read it.
"""

import json
from collections.abc import Callable, Iterable
from typing import Any

from thidua_events.envelope import LedgerEvent
from thidua_events.facts import Fact
from thidua_events.facts import awards as af
from thidua_events.facts import cluster as cf
from thidua_events.facts import corrections as xf
from thidua_events.facts import organisation as of
from thidua_events.facts import year as yf
from thidua_events.versions import fact_type as model_of

from thidua_documents.store import Store, Tx

TRACKING = "ledger"


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
    tx.execute("INSERT INTO proj_authorities VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (event.position, str(f.authority_id), f.name, f.symbol, _id(f.parent_id), f.place,
                f.effective_date.isoformat(), event.id))
    tx.execute("INSERT INTO proj_authority_forms VALUES (?, ?, ?, ?)",
               (event.position, str(f.authority_id), f.document_form.value, event.id))


@_projects(of.UnitRegistered)
def _unit(tx: Tx, event: LedgerEvent, f: of.UnitRegistered) -> None:
    tx.execute("INSERT INTO proj_units VALUES (?, ?, ?, ?, ?, ?)",
               (event.position, str(f.unit_id), str(f.authority_id), f.symbol, f.effective_date.isoformat(),
                event.id))
    tx.execute("INSERT INTO proj_unit_names VALUES (?, ?, ?, ?, ?)",
               (event.position, str(f.unit_id), f.effective_date.isoformat(), f.name, event.id))


@_projects(of.UnitRenamed)
def _rename(tx: Tx, event: LedgerEvent, f: of.UnitRenamed) -> None:
    tx.execute("INSERT INTO proj_unit_names VALUES (?, ?, ?, ?, ?)",
               (event.position, str(f.unit_id), f.effective_date.isoformat(), f.name, event.id))


@_projects(of.PersonRegistered, of.PersonPostingChanged)
def _posting(tx: Tx, event: LedgerEvent, f: of.PersonRegistered | of.PersonPostingChanged) -> None:
    full_name = f.full_name if isinstance(f, of.PersonRegistered) else None
    tx.execute("INSERT INTO proj_postings VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (event.position, str(f.person_id), f.effective_date.isoformat(), full_name, str(f.unit_id),
                f.rank, f.position, event.id))


@_projects(cf.ClusterFormed)
def _cluster(tx: Tx, event: LedgerEvent, f: cf.ClusterFormed) -> None:
    tx.execute("INSERT INTO proj_clusters VALUES (?, ?, ?, ?, ?, ?)",
               (event.position, str(f.cluster_id), f.name, str(f.authority_id), f.effective_date.isoformat(),
                event.id))


@_projects(cf.UnitJoined, cf.UnitLeft)
def _membership(tx: Tx, event: LedgerEvent, f: cf.UnitJoined | cf.UnitLeft) -> None:
    tx.execute("INSERT INTO proj_memberships VALUES (?, ?, ?, ?, ?, ?)",
               (event.position, str(f.cluster_id), str(f.unit_id), f.effective_date.isoformat(),
                int(isinstance(f, cf.UnitJoined)), event.id))


def _year_fact(tx: Tx, event: LedgerEvent, f: Any) -> None:
    tx.execute("INSERT INTO proj_year_facts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (event.position, str(f.cluster_id), f.year, event.type, event.version,
                f.effective_date.isoformat(), _payload(event), event.id))


_YEAR_TYPES: list[type[Fact]] = [t for t in vars(yf).values() if isinstance(t, type) and issubclass(t, yf.YearFact)
                                 and t not in (yf.YearFact, yf.ReviewHeld)]
# A cluster's stated member count names its year too: documents print it beside the named ones.
_YEAR_TYPES += [cf.RotatingFlagHandedOver, cf.WorkingGroupEstablished, cf.MembersCounted]
for _type in _YEAR_TYPES:
    _PROJECTORS[_type] = _year_fact


@_projects(af.AwardConferred, af.AwardRevoked)
def _decree(tx: Tx, event: LedgerEvent, f: af.AwardConferred | af.AwardRevoked) -> None:
    cluster_id = f.cluster_id if isinstance(f, af.AwardConferred) else None
    tx.execute("INSERT INTO proj_awards VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (event.position, str(f.decree_id), event.type, event.version, str(f.authority_id),
                _id(cluster_id), f.year, _payload(event), event.id))


@_projects(af.AwardProposed)
def _proposal(tx: Tx, event: LedgerEvent, f: af.AwardProposed) -> None:
    tx.execute("INSERT INTO proj_awards VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (event.position, str(f.proposal_id), event.type, event.version, str(f.authority_id),
                _id(f.cluster_id), f.year, _payload(event), event.id))


@_projects(xf.FactCorrected, xf.FactRetracted)
def _correction(tx: Tx, event: LedgerEvent, f: xf.FactCorrected | xf.FactRetracted) -> None:
    """Kept whatever the original's kind: reads as of a position apply the corrections up to it
    (see `snapshot.Snapshot`), so a document issued before one regenerates unchanged."""
    replacement = (f.replacement_type, f.replacement_version or model_of(f.replacement_type).version,
                   json.dumps(f.replacement, ensure_ascii=False, sort_keys=True)) \
        if isinstance(f, xf.FactCorrected) else (None, None, None)
    tx.execute("INSERT INTO proj_corrections VALUES (?, ?, ?, ?, ?, ?, ?)",
               (event.position, str(f.entity_id), event.entity_version, f.original_version, *replacement))


def tracked_position(tx: Tx, lock: bool = False) -> int:
    row = tx.one("SELECT position FROM proj_tracking WHERE name = ?" + (tx.for_update if lock else ""),
                 (TRACKING,))
    return int(row[0]) if row else 0


def _project(tx: Tx, event: LedgerEvent) -> None:
    fact = event.fact()
    projector = _PROJECTORS.get(type(fact))
    if projector is not None:  # facts no document needs (regulations, mergers) are skipped
        projector(tx, event, fact)


def _locked_position(tx: Tx) -> int:
    tx.execute("INSERT INTO proj_tracking (name, position) VALUES (?, 0) ON CONFLICT (name) DO NOTHING",
               (TRACKING,))
    return tracked_position(tx, lock=True)


def _track(tx: Tx, position: int) -> None:
    tx.execute("UPDATE proj_tracking SET position = ? WHERE name = ?", (position, TRACKING))


def apply_page(store: Store, events: Iterable[LedgerEvent], read_up_to: int) -> int:
    """Project the events not yet applied and move the tracking row to `read_up_to` (the
    position the page covers, internal events included), atomically. Returns the new position."""
    with store.transaction(write=True) as tx:
        current = _locked_position(tx)
        for event in events:
            if event.position > current:  # else another follower (or an earlier run) applied it
                _project(tx, event)
        new_position = max(current, read_up_to)
        _track(tx, new_position)
        return new_position


def apply_arrivals(tx: Tx, arrivals: Iterable[tuple[LedgerEvent, int]]) -> int:
    """Project events that arrive in any order, each with the position published before it,
    in the caller's transaction; returns the tracked position.

    An event is applied when it arrives, unless it was already (a duplicate from the relay, or
    a replica sharing the store got there first). The tracked position then follows the links:
    it moves to the next event only if that event's previous one is at or below it, so it
    never passes an event that has not arrived, and a late one is never taken for a duplicate.
    """
    current = _locked_position(tx)
    for event, previous in arrivals:
        if event.position <= current or tx.one("SELECT 1 FROM proj_arrivals WHERE position = ?",
                                                (event.position,)):
            continue
        _project(tx, event)
        tx.execute("INSERT INTO proj_arrivals (position, previous) VALUES (?, ?)", (event.position, previous))
    ahead = tx.all("SELECT position, previous FROM proj_arrivals WHERE position > ? ORDER BY position",
                   (current,))
    for position, previous in ahead:
        if previous > current:
            break  # an event between has not arrived yet
        current = position
    _track(tx, current)
    return current


def projected_position(store: Store) -> int:
    with store.transaction() as tx:
        return tracked_position(tx)
