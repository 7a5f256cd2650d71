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

A page of positions is read a column at a time (`chain_page`: each column joined into one
string) and checked with C loops (`map`, joins, slices), with no Python code per event: the
usual page, where every position is there and every value has the type and form the
recorders write. Any other page is checked row by row (`_rows_page`), which decides.
"""

import hashlib
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from itertools import repeat
from operator import itemgetter, methodcaller
from typing import Any

from thidua_ledger.application import Ledger
from thidua_ledger.audit.chain import GENESIS, STORED_WIDTH, TIMESTAMP, stated_moment
from thidua_ledger.audit.verify import Report, entity_text, walk
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


PAGE = 2000
"""Positions read at a time: small enough that a page's columns stay in the processor's
caches (2,000 measured faster than 5,000 or 20,000), big enough that a query's cost is noise."""


def check_segment(recorder: Any, segment: Segment, batch: int = PAGE) -> Checked:
    """Every link in the segment against the stored one before it and the event it covers."""
    before = recorder.query("SELECT position, hash, recorded_at FROM {chain} WHERE position <= ? "
                            "ORDER BY position DESC LIMIT 1", (segment.after,)) if segment.after else []
    previous, moment = (before[0][1], before[0][2]) if before else (GENESIS, None)
    if segment.after and not before:  # the chain lost the rows before this segment
        return Checked(segment, False, 0, segment.after, previous)
    columnar = hasattr(recorder, "chain_page")  # the ledger's recorders; not any other
    checked, position, after = 0, segment.after, segment.after
    while after < segment.stop:
        top = min(after + batch, segment.stop)
        page = _columns_page(recorder, after, top, previous, moment) if columnar else None
        if page is None:  # not the usual form, or something is wrong: row by row, exactly
            page = _rows_page(recorder, after, top, previous, moment)
        count, last, previous, moment, ok = page
        checked, position = checked + count, last if count else position
        if not ok:
            return Checked(segment, False, checked, position, previous)
        after = top
    return Checked(segment, True, checked, position, previous)


Page = tuple[int, int, str, str | None, bool]
"""(links checked, the last position checked, its link, its moment, whether all held)"""


def _rows_page(recorder: Any, after: int, top: int, previous: str, moment: str | None) -> Page:
    """The links of positions (after, top], one row at a time: any event and any store."""
    events = recorder.raw_events(after, top)
    chain = recorder.query("SELECT position, originator_id, originator_version, content, hash, recorded_at "
                           "FROM {chain} WHERE position > ? AND position <= ? ORDER BY position", (after, top))
    sha256 = hashlib.sha256
    checked, position = 0, after
    if len(events) != len(chain):
        return checked, position, previous, moment, False
    for (e_pos, e_id, e_version, topic, state), (c_pos, c_id, c_version, content, hash_, recorded_at) in zip(
            events, chain, strict=True):
        if state is None:  # walk names it
            return checked, position, previous, moment, False
        state = bytes(state)
        if e_pos != c_pos or c_version != e_version or entity_text(e_id) != c_id:
            return checked, position, previous, moment, False
        digest = sha256(f"{c_id}|{e_version}|{topic}|".encode())
        digest.update(state)
        if digest.hexdigest() != content:
            return checked, position, previous, moment, False
        found = TIMESTAMP.match(state)
        stated = found[1].decode() if found else None
        if stated is None or len(stated) != STORED_WIDTH or not stated.endswith("+00:00") or stated[19] != ".":
            stated = stated_moment(state)  # the rare form: normalised as the recorder did
        expected = moment if stated is None or (moment is not None and moment > stated) else stated
        if recorded_at != expected:
            return checked, position, previous, moment, False
        if hash_ != sha256(f"{previous}|{c_pos}|{content}|{c_id}|{c_version}|{recorded_at or ''}"
                           .encode()).hexdigest():
            return checked, position, previous, moment, False
        previous, moment, position, checked = hash_, recorded_at, c_pos, checked + 1
    return checked, position, previous, moment, True


HEAD = b'{"timestamp":{"_type_":"datetime_iso","_data_":"'
PLAIN_HEAD = HEAD + b'0000-00-00T00:00:00.000000+00:00"}'
"""How a state begins when it carries a UTC timestamp as eventsourcing writes it, with every
digit written as 0 (`_ZEROS`)."""
_ZEROS = bytes.maketrans(b"123456789", b"000000000")
_head = itemgetter(slice(0, len(PLAIN_HEAD)))
_hexdigest = methodcaller("hexdigest")
_update = type(hashlib.sha256()).update


@cache
def _stamp_slices(n: int) -> list[slice]:
    """Where the timestamps are in n heads of states laid end to end."""
    width, start = len(PLAIN_HEAD), len(HEAD)
    return [slice(i * width + start, i * width + start + STORED_WIDTH) for i in range(n)]


def _columns_page(recorder: Any, after: int, top: int, previous: str, moment: str | None) -> Page | None:
    """The links of positions (after, top] a column at a time, with no Python code per row.
    The same checks as `_rows_page`, on the usual page only: every position present, every
    value of the type and form the recorders write. None if the page is not usual or any
    check fails; `_rows_page` then says exactly what holds."""
    columns, states = recorder.chain_page(after, top)
    count, e_ids, c_ids, e_versions, c_versions, topics, contents, hashes, moments, text = columns
    n = top - after
    if count != n or text != "text" or len(states) != n or None in columns or e_versions != c_versions:
        return None
    c_ids, topics = c_ids.split(","), topics.split("\x1f")
    hashes, moments, versions = hashes.split(","), moments.split(","), e_versions.split(",")
    if not (len(c_ids) == len(topics) == len(hashes) == len(moments) == len(versions) == n) \
            or set(map(len, c_ids)) != {36}:
        return None
    # Every event id is 32 long (n - 1 commas, each after 32 characters), and every chain id
    # is that id with dashes after its 8th, 12th, 16th and 20th characters.
    dashes, joined = "-" * n, "".join(c_ids)
    if len(e_ids) != 33 * n - 1 or e_ids[32::33] != "," * (n - 1) or e_ids.count(",") != n - 1 \
            or joined[8::36] != dashes or joined[13::36] != dashes or joined[18::36] != dashes \
            or joined[23::36] != dashes or joined.replace("-", "") != e_ids.replace(",", ""):
        return None
    if set(map(type, states)) != {bytes}:
        return None
    # content_hash: f"{id}|{version}|{topic}|" then the state
    digests = list(map(hashlib.sha256, map(str.encode, map("|".join, zip(c_ids, versions, topics, repeat(""))))))
    any(map(_update, digests, states))
    if ",".join(map(_hexdigest, digests)) != contents:
        return None
    heads = b"".join(map(_head, states))
    if heads.translate(_ZEROS) != PLAIN_HEAD * n:
        return None  # a state without the usual timestamp: its moment needs stated_moment
    stated = map(heads.decode().__getitem__, _stamp_slices(n))
    if list(map(max, [moment or "", *moments[:-1]], stated)) != moments:
        return None  # each moment is the stated one, unless the one before is later
    # link: f"{previous}|{position}|{content}|{id}|{version}|{moment}"
    links = map("|".join, zip([previous, *hashes[:-1]], map(str, range(after + 1, top + 1)),
                              contents.split(","), c_ids, versions, moments, strict=True))
    if list(map(_hexdigest, map(hashlib.sha256, map(str.encode, links)))) != hashes:
        return None
    return n, top, hashes[-1], moments[-1], True


Progress = Callable[[int], None]


def verify(recorder: Any, workers: int = 1, open_recorder: Callable[[], Any] | None = None,
           progress: Progress | None = None, segment: int = SEGMENT) -> Report:
    """The chain checked up to the head, in `workers` processes (each opening its own
    recorder with `open_recorder`, which must be picklable); `progress` gets the count of
    positions covered so far."""
    head = recorder.max_notification_id() or 0
    chain_head = recorder.query("SELECT max(position) FROM {chain}")[0][0] or 0
    if head == 0 and chain_head == 0:
        return Report(0, 0, GENESIS, None)
    if head != chain_head:
        # Not an intact log (every event is chained in its own transaction), and the heads may
        # be anywhere (a position moved to 2^62 would make segments without end): walk, which
        # reads by rows, not by positions, names what is wrong.
        return walk(recorder)
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
