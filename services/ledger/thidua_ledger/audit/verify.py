"""Walk the log and its hash chain; report the first event that was altered, deleted,
inserted or reordered. Signed digests (`digests.py`) let an auditor prove later that the history up
to a position was not rewritten, even by someone who rewrote the chain table too."""

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any, Literal
from uuid import UUID

from thidua_ledger.audit.chain import GENESIS, content_hash, link, recorded_moment, stated_moment
from thidua_ledger.audit.stored_history import in_stored_form

Kind = Literal["altered", "deleted", "inserted", "reordered", "chain-altered"]


@dataclass(frozen=True)
class Finding:
    kind: Kind
    position: int
    detail: str


@dataclass(frozen=True)
class Report:
    checked: int
    head_position: int
    head: str
    finding: Finding | None

    @property
    def ok(self) -> bool:
        return self.finding is None

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, **asdict(self)}


@dataclass(frozen=True)
class Stored:
    """What the events table holds at a position, reduced to what the chain covers."""
    content: str
    originator_id: str
    version: int
    stated_moment: str | None


MISSING_STATE = "no state"
"""The content of an event whose state is NULL: matches no content the chain records."""


def _events(recorder: Any, stop: int | None, batch: int) -> Iterator[tuple[int, Stored]]:
    """The events as stored, whatever an intruder left in them: the ledger's recorders read
    raw rows (the library's reads fail on a NULL state); any other recorder, notifications."""
    after = 0
    raw = getattr(recorder, "raw_events", None)
    while True:
        if raw is not None:
            rows = raw(after, stop if stop is not None else 2**63 - 1, batch)
        else:
            rows = [(n.id, n.originator_id, n.originator_version, n.topic, n.state) for n in
                    recorder.select_notifications(start=after, limit=batch, stop=stop, inclusive_of_start=False)]
        for position, entity, version, topic, state in rows:
            originator_id = entity_text(entity)
            if state is None:
                yield position, Stored(MISSING_STATE, originator_id, version, None)
                continue
            state = bytes(state)
            yield position, Stored(content_hash(originator_id, version, topic, state), originator_id, version,
                                   stated_moment(state))
        if len(rows) < batch:
            return
        after = rows[-1][0]


def entity_text(entity: Any) -> str:
    """An event's entity id as the chain writes it (str of its UUID). PostgreSQL's column holds
    a UUID; SQLite's holds text, which the library writes, and finds an entity's events by, as
    32 lower-case hex digits: the same UUID spelled any other way takes the event out of its
    entity's history, so it is not that entity's id (and matches no chain row)."""
    if isinstance(entity, UUID):
        return str(entity)
    if in_stored_form(entity):
        return f"{entity[:8]}-{entity[8:12]}-{entity[12:16]}-{entity[16:20]}-{entity[20:]}"
    return f"not an entity id as stored: {entity!r}"


ChainColumns = tuple[int, str, int, str, str, str | None]
"""position, originator_id, originator_version, content, hash, recorded_at"""


def _chain(recorder: Any, stop: int | None, batch: int) -> Iterator[ChainColumns]:
    after = 0
    limit = stop if stop is not None else 2**62
    while True:
        rows = recorder.query("SELECT position, originator_id, originator_version, content, hash, recorded_at "
                              "FROM {chain} WHERE position > ? AND position <= ? ORDER BY position LIMIT ?",
                              (after, limit, batch))
        # As stored: a NULL or odd value an intruder wrote is compared, not converted (which
        # could fail, or make two values one).
        yield from ((int(p), o, v, c, h, r) for p, o, v, c, h, r in rows)
        if len(rows) < batch:
            return
        after = int(rows[-1][0])


def _pairs(recorder: Any, stop: int | None, batch: int
           ) -> Iterator[tuple[int, Stored | None, ChainColumns | None]]:
    """(position, stored event or None, chain row or None), merged in position order."""
    events, chain = _events(recorder, stop, batch), _chain(recorder, stop, batch)
    event, row = next(events, None), next(chain, None)
    while event or row:
        if row is None or (event and event[0] < row[0]):
            assert event is not None
            yield event[0], event[1], None
            event = next(events, None)
        elif event is None or row[0] < event[0]:
            yield row[0], None, row
            row = next(chain, None)
        else:
            yield event[0], event[1], row
            event, row = next(events, None), next(chain, None)


def walk(recorder: Any, stop: int | None = None, batch: int = 5000,
         progress: Callable[[int], None] | None = None) -> Report:
    """Recompute the chain from the events themselves, comparing with the stored chain:
    every chain column a read uses is checked against the events, or its link."""
    recomputed = stored = GENESIS
    moment: str | None = None
    checked, head_position = 0, 0
    for position, event, row in _pairs(recorder, stop, batch):
        expected_moment = recorded_moment(event.stated_moment, moment) if event else None
        finding = _check(recorder, position, event, row, recomputed, stored, expected_moment)
        if finding:
            return Report(checked, head_position, recomputed, finding)
        assert event is not None and row is not None
        moment = expected_moment
        recomputed = link(recomputed, position, event.content, event.originator_id, event.version, moment)
        stored, checked, head_position = row[4], checked + 1, position
        if progress and checked % batch == 0:
            progress(checked)
    return Report(checked, head_position, recomputed, None)


def _check(recorder: Any, position: int, event: Stored | None, row: ChainColumns | None, recomputed: str,
           stored: str, moment: str | None) -> Finding | None:
    if row is None:
        return Finding("inserted", position, "an event is in the log that was never chained")
    if event is None:
        return Finding("deleted", position, "the chain records an event that is no longer in the log")
    _, originator_id, version, content, hash_, recorded_at = row
    if hash_ != link(stored, position, content, originator_id, version, recorded_at):
        return Finding("chain-altered", position, "the stored chain itself was rewritten here")
    if event.content != content:
        moved = recorder.query("SELECT position FROM {chain} WHERE content = ? AND position <> ?",
                               (event.content, position))
        if moved:
            return Finding("reordered", position,
                           f"the event recorded at position {moved[0][0]} now stands at {position}")
        return Finding("altered", position, "the stored event differs from what was recorded")
    for column, found, expected in (("originator_id", originator_id, event.originator_id),
                                    ("originator_version", version, event.version),
                                    ("recorded_at", recorded_at, moment)):
        if found != expected:
            return Finding("chain-altered", position,
                           f"the chain's {column} is {found!r} where the log says {expected!r}")
    if hash_ != link(recomputed, position, content, originator_id, version, recorded_at):
        return Finding("altered", position, "the history before this event was rewritten along with the chain")
    return None
