"""Entities kept in memory between commands, so a command need not reload and decode a year.

Loading a year (its snapshot plus up to a hundred events) costs most of a command. The
cache keeps the entities the last commands used; a command checks one out, and hands it
back only once it is saved, or untouched. Nothing is served stale: a command first reads
the log's head (one indexed query); an entity kept at that same head is current, and one
kept at an older head is used only if its newest stored version is still the one kept (one
more indexed query), since another process may have written meanwhile. Whatever slips
between that check and the insert is caught by the store itself: an event takes the next
version of its entity, and a second writer of that version is refused (optimistic
concurrency; `Ledger.record` then reloads and retries the rules).

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

DEFAULT_SIZE = 256


@dataclass
class Command:
    """What one command has read and written: the log's head at its start, the entities it
    loaded or saved, the positions its write took (first and last), the entities it is saving
    (a snapshot due on one is taken from memory), and the entities whose state in memory is
    not their facts in force (never handed back nor snapshotted: see `_correct`)."""

    head: int
    loaded: list[Aggregate] = field(default_factory=list)
    saved: set[UUID] = field(default_factory=set)
    saving: list[Aggregate] = field(default_factory=list)
    refold: set[UUID] = field(default_factory=set)
    first: int = 0
    written_at: int = 0


class EntityCache:
    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._kept: OrderedDict[UUID, tuple[Aggregate, int]] = OrderedDict()  # id -> (entity, head it is current at)
        self._lock = threading.Lock()
        self._local = threading.local()

    @property
    def command(self) -> Command | None:
        """The command running in this thread, if any."""
        return getattr(self._local, "command", None)

    @contextmanager
    def running(self, head: int) -> Iterator[Command]:
        """One command: its entities are handed back when it succeeds, dropped when it fails.
        Nested calls join the outer command."""
        if self.command is not None:
            yield self.command
            return
        command = self._local.command = Command(head)
        try:
            yield command
        finally:
            self._local.command = None

    def take(self, entity_id: UUID) -> tuple[Aggregate, int] | None:
        """Check an entity out: (entity, head it was current at), or None."""
        with self._lock:
            return self._kept.pop(entity_id, None)

    def keep(self, entities: list[Aggregate], head: int) -> None:
        """Hand entities back, current as of `head`; the least recently used go first."""
        if self.size <= 0:
            return
        with self._lock:
            for entity in entities:
                self._kept[entity.id] = (entity, head)
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
