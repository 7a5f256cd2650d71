"""Entities kept in memory between commands, so a command need not reload and decode a year.

Loading a year (its snapshot plus up to a hundred events) costs most of a command. The
cache keeps the entities the last commands used; a command checks one out, and hands it
back only once it is saved, or untouched. Nothing is served stale. A command starts from
the log's head: the end of this process's write run (every position since the run began
was written by this process's own commands: see `wrote`), taken on trust, or else read
from the store (one indexed query). An entity kept at that head is current, and one kept
at an older head is used only if its newest stored version is still the one kept (one
more indexed query). The trust is checked where it cannot be wrong, in the insert's own
transaction: a write that does not follow the head its command started from (another
process wrote meanwhile) is rolled back and the command made again from the store's head,
as is a refusal from a trusted head that has moved (`Ledger.command`, `Ledger.retried`).
A second writer of an entity's version is refused by the store itself (optimistic
concurrency; `Ledger.retried` then makes the command again on the entity as it now is).

An entity is checked out, not shared: two threads never hold the same object, and one a
refused command touched is dropped, never handed back. Size: LEDGER_ENTITY_CACHE_SIZE
entities (0 turns the cache off).
"""

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from uuid import UUID

from eventsourcing.domain import Aggregate

from thidua_ledger.domain.errors import LedgerError

DEFAULT_SIZE = 256
TRUSTED_HEAD = "trusted_head"
"""The keyword that carries a command's trusted head through eventsourcing's save to the
insert's transaction, where the recorder checks it (thidua_ledger.audit.recorders)."""


class HeadMoved(LedgerError):
    """A command started from a trusted head (this process's write run's end), and another
    process had written since: nothing of it is stored; it is made again from the store's head."""

    def __init__(self, trusted: int, head: int | None = None) -> None:
        super().__init__(f"the log moved past position {trusted}" + (f" to {head}" if head is not None else ""))


@dataclass
class Command:
    """What one command has read and written: the log's head at its start, the entities it
    loaded or saved, the positions its write took (first and last), the entities it is saving
    (a snapshot due on one is taken from memory), and the entities whose state in memory is
    not their facts in force (never handed back nor snapshotted: see `_correct`)."""

    head: int
    trusted: bool = False  # the head is this process's write run's end, not read from the store
    loaded: list[Aggregate] = field(default_factory=list)
    saved: set[UUID] = field(default_factory=set)
    saving: list[Aggregate] = field(default_factory=list)
    refold: set[UUID] = field(default_factory=set)
    first: int = 0
    written_at: int = 0


class EntityCache:
    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        # id -> (entity, head it is current at, whether it was kept at the run's end)
        self._kept: OrderedDict[UUID, tuple[Aggregate, int, bool]] = OrderedDict()
        self._lock = threading.Lock()
        self._local = threading.local()
        # (from, to): every position after `from` up to `to` was written by this process's
        # commands, each of which handed back, or dropped, every entity it saved.
        self._run: tuple[int, int] | None = None

    @property
    def command(self) -> Command | None:
        """The command running in this thread, if any."""
        return getattr(self._local, "command", None)

    @contextmanager
    def running(self, head: int, trusted: bool = False) -> Iterator[Command]:
        """One command: its entities are handed back when it succeeds, dropped when it fails.
        Nested calls join the outer command."""
        if self.command is not None:
            yield self.command
            return
        command = self._local.command = Command(head, trusted)
        try:
            yield command
        finally:
            self._local.command = None

    def take(self, entity_id: UUID, head: int) -> Aggregate | None:
        """Check an entity out if it is known current at `head`, the log's head the command
        started from; else None (the caller checks it against the store: see `take_any`).
        It is current if it was kept at that head, or kept at the end of this process's
        write run, which has gone on unbroken to that head: every position since was written
        by this process's own commands, which hand back or drop whatever they saved."""
        with self._lock:
            kept = self._kept.get(entity_id)
            if kept is None:
                return None
            _, kept_at, in_run = kept
            if kept_at == head or (in_run and self._run is not None and self._run[0] <= kept_at
                                   and self._run[1] == head):
                del self._kept[entity_id]
                return kept[0]
            return None

    def run_end(self) -> int | None:
        """The last position of this process's write run: the log's head, unless another
        process has written since (which the next write finds out: see the module's text).
        None once after `run_broken` in this thread: its next command reads the head."""
        if getattr(self._local, "confirm", False):
            self._local.confirm = False
            return None
        with self._lock:
            return self._run[1] if self._run is not None else None

    def run_broken(self) -> None:
        """Another process has written since this process's run: its end is no head to trust,
        and this thread's next command reads the head from the store, whatever other threads
        of this process write meanwhile."""
        self._local.confirm = True
        with self._lock:
            self._run = None

    def take_any(self, entity_id: UUID) -> Aggregate | None:
        """Check an entity out whatever head it was kept at (the caller checks its version)."""
        with self._lock:
            kept = self._kept.pop(entity_id, None)
            return kept[0] if kept is not None else None

    def wrote(self, head: int, first: int, last: int, saved: set[UUID]) -> None:
        """A command that started at `head` wrote positions `first` to `last`, saving the
        entities `saved`; call before handing them back. A copy of one of those still kept
        (one that command did not check out) is dropped. The run goes on if the write follows
        the run's end with nothing between; otherwise it starts again at this write."""
        with self._lock:
            for entity_id in saved:
                self._kept.pop(entity_id, None)
            if first != head + 1:
                self._run = (first - 1, last)
            elif self._run is not None and self._run[1] == head:
                self._run = (self._run[0], last)
            else:
                self._run = (head, last)

    def keep(self, entities: list[Aggregate], head: int) -> None:
        """Hand entities back, current as of `head`; the least recently used go first. One
        handed back at an older head than the run's end (a command that started before this
        process's last write) is checked against the store when next taken: that write may
        have changed it. A newer version kept already stays."""
        if self.size <= 0:
            return
        with self._lock:
            in_run = self._run is not None and self._run[1] == head
            for entity in entities:
                kept = self._kept.get(entity.id)
                if kept is not None and kept[0].version > entity.version:
                    continue
                self._kept[entity.id] = (entity, head, in_run)
                self._kept.move_to_end(entity.id)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)

    def hand_back_read(self, entity: Aggregate) -> None:
        """Hand back at once an entity the running command only read: it is current as of the
        command's start (it was checked out as such), so a later read of the same command (or
        of the next) checks it out again instead of loading it. One with changes pending, or
        one this command did not check out, stays where it is."""
        command = self.command
        if command is None or entity.pending_events:
            return
        held = [e for e in command.loaded if e is not entity]
        if len(held) < len(command.loaded):
            command.loaded[:] = held
            self.keep([entity], command.head)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)
