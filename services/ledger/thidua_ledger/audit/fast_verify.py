"""`ledger verify` at the log's read rate, and shared among processes.

`verify.walk` decodes each stored event into the library's objects and checks each link
twice. This reads raw rows (position, entity, version, topic, state) beside the chain rows
in position order, and checks each link once, against the stored link before it: a chain
whose every link is the hash of the stored link before it and of columns that match the
events is exactly the chain `walk` recomputes (by induction from GENESIS), so an intact
log gets the same report. The log is cut into segments of positions, each checked on its
own from the stored link and moment just before it, so segments can go to several
processes. Whenever a segment fails, the answer comes from `walk` itself: a finding is
named exactly as before (kind, position, detail), only sooner when the log is intact.
"""

import hashlib
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from thidua_ledger.application import Ledger
from thidua_ledger.audit.chain import GENESIS, STORED_WIDTH, TIMESTAMP, stated_moment
from thidua_ledger.audit.verify import Report, walk
from thidua_ledger.settings import Settings

SEGMENT = 50_000
"""Positions per segment: big enough that a segment's start-up is noise, small enough for
progress and for sharing the work out."""


@dataclass(frozen=True)
class Segment:
    after: int  # the last position before the segment (0: from the start)
    stop: int  # the last position in it


@dataclass(frozen=True)
class Checked:
    segment: Segment
    ok: bool
    checked: int
    last_position: int
    last_hash: str


def segments(head: int, size: int = SEGMENT) -> list[Segment]:
    return [Segment(after, min(after + size, head)) for after in range(0, head, size)]


def _dashed(entity: Any) -> str:
    """An entity id as the chain stores it: str(UUID), whatever the store returned."""
    text = str(entity)
    if len(text) == 32:  # SQLite keeps the hex
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    return text


def check_segment(recorder: Any, segment: Segment, batch: int = 5000) -> Checked:
    """Every link in the segment against the stored one before it and the event it covers."""
    before = recorder.query("SELECT position, hash, recorded_at FROM {chain} WHERE position <= ? "
                            "ORDER BY position DESC LIMIT 1", (segment.after,)) if segment.after else []
    previous, moment = (before[0][1], before[0][2]) if before else (GENESIS, None)
    if segment.after and not before:  # the chain lost the rows before this segment
        return Checked(segment, False, 0, segment.after, previous)
    sha256 = hashlib.sha256
    checked, position = 0, segment.after
    for events, chain in _pages(recorder, segment, batch):
        if len(events) != len(chain):
            return Checked(segment, False, checked, position, previous)
        for (e_pos, e_id, e_version, topic, state), (c_pos, c_id, c_version, content, hash_, recorded_at) in zip(
                events, chain, strict=True):
            state = bytes(state)
            if e_pos != c_pos or c_version != e_version or _dashed(e_id) != c_id:
                return Checked(segment, False, checked, position, previous)
            digest = sha256(f"{c_id}|{e_version}|{topic}|".encode())
            digest.update(state)
            if digest.hexdigest() != content:
                return Checked(segment, False, checked, position, previous)
            found = TIMESTAMP.match(state)
            stated = found[1].decode() if found else None
            if stated is None or len(stated) != STORED_WIDTH or not stated.endswith("+00:00") or stated[19] != ".":
                stated = stated_moment(state)  # the rare form: normalised as the recorder did
            expected = moment if stated is None or (moment is not None and moment > stated) else stated
            if recorded_at != expected:
                return Checked(segment, False, checked, position, previous)
            if hash_ != sha256(f"{previous}|{c_pos}|{content}|{c_id}|{c_version}|{recorded_at or ''}"
                               .encode()).hexdigest():
                return Checked(segment, False, checked, position, previous)
            previous, moment, position, checked = hash_, recorded_at, c_pos, checked + 1
    return Checked(segment, True, checked, position, previous)


def _pages(recorder: Any, segment: Segment, batch: int) -> Iterator[tuple[list[Any], list[Any]]]:
    """(events, chain rows) of the segment, a page at a time, both by position."""
    after = segment.after
    while after < segment.stop:
        top = min(after + batch, segment.stop)
        events = recorder.raw_events(after, top)
        chain = recorder.query("SELECT position, originator_id, originator_version, content, hash, recorded_at "
                               "FROM {chain} WHERE position > ? AND position <= ? ORDER BY position", (after, top))
        yield events, chain
        after = top


Progress = Callable[[int], None]


def verify(recorder: Any, workers: int = 1, open_recorder: Callable[[], Any] | None = None,
           progress: Progress | None = None, segment: int = SEGMENT) -> Report:
    """The chain checked up to the head, in `workers` processes (each opening its own
    recorder with `open_recorder`, which must be picklable); `progress` gets the count of
    positions covered so far."""
    head = recorder.max_notification_id() or 0
    if head == 0 and not recorder.query("SELECT position FROM {chain} LIMIT 1"):
        return Report(0, 0, GENESIS, None)
    parts = segments(head, segment)
    results: list[Checked] = []
    if workers > 1 and open_recorder is not None:
        spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited connections
        with ProcessPoolExecutor(workers, mp_context=spawn, initializer=_open, initargs=(open_recorder,)) as pool:
            for result in pool.map(_check_opened, parts):
                results.append(result)
                if progress:
                    progress(result.segment.stop)
    else:
        for part in parts:
            results.append(check_segment(recorder, part))
            if progress:
                progress(part.stop)
    tail = recorder.query("SELECT position FROM {chain} WHERE position > ? LIMIT 1", (head,))
    if tail or not all(r.ok for r in results):
        return walk(recorder)  # something is wrong: name it exactly as walk does
    last = next((r for r in reversed(results) if r.checked), None)
    if last is None:
        return walk(recorder)
    return Report(sum(r.checked for r in results), last.last_position, last.last_hash, None)


_worker: dict[str, Any] = {}
"""A worker process's recorder, opened once for all the segments it checks."""


def _open(open_recorder: Callable[[], Any]) -> None:
    _worker["recorder"] = open_recorder()


def settings_recorder(settings: Settings) -> Any:
    """The recorder of the ledger `settings` name, for a worker process (picklable with
    functools.partial). The tables exist; one connection each."""
    ledger = Ledger(env={**settings.eventstore_env(), "CREATE_TABLE": "false",
                         "POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "0"})
    _worker["ledger"] = ledger  # kept open while the worker lives
    return ledger.recorder


def _check_opened(segment: Segment) -> Checked:
    return check_segment(_worker["recorder"], segment)
