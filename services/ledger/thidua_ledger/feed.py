"""The log in recording order: as domain events (for the ledger's own projections and
replays) and as contract envelopes (for the feed and its subscribers)."""

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from threading import Lock

from eventsourcing.persistence import Notification
from thidua_events.envelope import LedgerEvent, LogPage

from thidua_ledger.application import Ledger
from thidua_ledger.domain.entity import FactEvent

Select = Callable[[int, int], Sequence[Notification]]
"""(first position, how many) -> stored notifications, in order."""


def fact_events(ledger: Ledger, after: int = 0, until: int | None = None, batch: int = 500,
                select: Select | None = None) -> Iterator[tuple[int, FactEvent]]:
    """(position, event) for every fact recorded after `after` and up to `until`, streamed in
    batches (never all in memory); `select` reads only part of the log instead."""
    if select is None:
        def select(start: int, limit: int) -> Sequence[Notification]:
            return ledger.recorder.select_notifications(start=start, limit=limit, stop=until)
    while notifications := select(after + 1, batch):
        for notification in notifications:
            event = ledger.mapper.to_domain_event(notification)
            if isinstance(event, FactEvent):
                yield notification.id, event
        if len(notifications) < batch:
            return
        after = notifications[-1].id


_pauses = 0
_was_enabled = True
_pauses_lock = Lock()


@contextmanager
def paused_gc() -> Iterator[None]:
    """Keep the cyclic garbage collector out of a bulk fold.

    A replay builds millions of long-lived objects and no cycles; each of the collector's
    full passes walks all of them, so a replay of a million events slowed down as it grew.
    Reference counting still frees everything; cycles wait until the last pause ends, and
    the collector is then left as it was found.
    """
    global _pauses, _was_enabled
    with _pauses_lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
        _pauses += 1
        gc.disable()
    try:
        yield
    finally:
        with _pauses_lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()


def envelope(ledger: Ledger, notification: Notification) -> LedgerEvent | None:
    """The published form of a stored event; None for internal events (award claims)."""
    event = ledger.mapper.to_domain_event(notification)
    if not isinstance(event, FactEvent):
        return None
    return LedgerEvent.of(
        event.fact, event.provenance, position=notification.id, entity_id=event.originator_id,
        entity_version=event.originator_version, recorded_at=event.timestamp,
    )


def read_page(ledger: Ledger, after: int = 0, limit: int = 100, known_at: int | None = None,
              as_of: date | None = None) -> LogPage:
    """Up to `limit` published events after `after`: the internal events stored beside them
    (award claims, decree numbers) are skipped and do not count against the limit. The log as
    known at `known_at` ends there (its head); `as_of` skips the facts dated after that day."""
    head = ledger.position() if known_at is None else min(ledger.position(), known_at)
    events: list[LedgerEvent] = []
    next_after = max(after, 0)
    while len(events) < limit:
        wanted = limit - len(events)
        notifications = ledger.recorder.select_notifications(start=next_after + 1, limit=wanted,
                                                             stop=None if known_at is None else head)
        for notification in notifications:
            published = envelope(ledger, notification)
            if published is not None and (as_of is None or published.effective_date <= as_of):
                events.append(published)
            next_after = notification.id
        if len(notifications) < wanted:
            break
    return LogPage(events=events, next_after=next_after, head=head)


def follow(ledger: Ledger, after: int = 0, batch: int = 500) -> Iterator[LedgerEvent]:
    """Every published event after a position, streamed in batches (never all in memory)."""
    while True:
        page = read_page(ledger, after, batch)
        yield from page.events
        if page.next_after == after or page.next_after >= page.head:
            return
        after = page.next_after
