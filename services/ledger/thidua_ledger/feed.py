"""The log as a feed of contract envelopes, in recording order."""

from collections.abc import Iterator

from eventsourcing.persistence import Notification
from thidua_events.envelope import LedgerEvent, LogPage

from thidua_ledger.application import Ledger
from thidua_ledger.domain.entity import Entity


def envelope(ledger: Ledger, notification: Notification) -> LedgerEvent | None:
    """The published form of a stored event; None for internal events (award claims)."""
    event = ledger.mapper.to_domain_event(notification)
    if not isinstance(event, Entity.Registered | Entity.Recorded):
        return None
    return LedgerEvent.of(
        event.fact, event.provenance, position=notification.id, entity_id=event.originator_id,
        entity_version=event.originator_version, recorded_at=event.timestamp,
    )


def read_page(ledger: Ledger, after: int = 0, limit: int = 100) -> LogPage:
    head = ledger.position()
    notifications = ledger.recorder.select_notifications(start=after + 1, limit=limit)
    events = [e for n in notifications if (e := envelope(ledger, n)) is not None]
    next_after = notifications[-1].id if notifications else max(after, 0)
    return LogPage(events=events, next_after=next_after, head=head)


def follow(ledger: Ledger, after: int = 0, batch: int = 500) -> Iterator[LedgerEvent]:
    """Every published event after a position, streamed in batches (never all in memory)."""
    while True:
        page = read_page(ledger, after, batch)
        yield from page.events
        if page.next_after == after or page.next_after >= page.head:
            return
        after = page.next_after
