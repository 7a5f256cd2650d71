"""Where snapshots are sealed when stored and checked before use.

A stored snapshot is refused unless all of these hold: it is stored as the ledger's one
snapshot class (its topic is compared, never imported); its head says the current
format; its seal matches its bytes, entity and version; and the position and chain link
it records are those of the chain at that entity and version (checked by the ledger, in
`Ledger.checked_snapshot`). A refused snapshot is never decoded.

The seal is HMAC-SHA256 under the ledger's snapshot key (LEDGER_SNAPSHOT_KEY), over the
entity id, version and the stored bytes (with the seal itself zeroed). Without a key it is
a plain hash: it still refuses a snapshot copied from another entity or edited by hand,
but someone with write access who recomputes it would pass the live check; with a key,
they cannot. Either way `ledger verify --snapshots` folds every snapshot's entity from
the log and reports any that differ, with no key at all.
"""

import hashlib
import hmac
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import get_topic

from thidua_ledger.domain.snapshots import FORMAT, UNSEALED, EntitySnapshot, SnapshotRefused, read_head

SNAPSHOT_TOPIC = get_topic(EntitySnapshot)
HEAD_BYTES = 400
_UNSEALED = b'"seal":"' + UNSEALED.encode() + b'"'


def seal(key: bytes, originator_id: UUID | str, version: int, unsealed_state: bytes) -> str:
    mac = hmac.new(key, f"thidua-snapshot|{UUID(str(originator_id))}|{version}|".encode(), hashlib.sha256)
    mac.update(unsealed_state)
    return mac.hexdigest()


class SealingMapper(Mapper):
    """eventsourcing's mapper for the snapshot store, sealing on the way in and refusing
    on the way out."""

    def __init__(self, transcoder: Transcoder, key: bytes) -> None:
        super().__init__(transcoder=transcoder)
        self.key = key

    def to_stored_event(self, domain_event: DomainEventProtocol) -> StoredEvent:
        stored = super().to_stored_event(domain_event)
        if stored.topic != SNAPSHOT_TOPIC or _UNSEALED not in stored.state[:HEAD_BYTES]:
            raise TypeError("only EntitySnapshot.take_at snapshots are stored")
        mark = seal(self.key, stored.originator_id, stored.originator_version, stored.state)
        return StoredEvent(originator_id=stored.originator_id, originator_version=stored.originator_version,
                           topic=stored.topic,
                           state=stored.state.replace(_UNSEALED, b'"seal":"' + mark.encode() + b'"', 1))

    def to_domain_event(self, stored: StoredEvent) -> DomainEventProtocol:
        self.check(stored)
        return super().to_domain_event(stored)

    def check(self, stored: StoredEvent) -> None:
        """Refuse a stored snapshot that is not the ledger's, of this format, as sealed."""
        if stored.topic != SNAPSHOT_TOPIC:
            raise SnapshotRefused("foreign", f"stored as {stored.topic[:80]!r}, not as a ledger snapshot")
        head = read_head(stored.state[:HEAD_BYTES])
        if head is None or head.format != FORMAT:
            raise SnapshotRefused("old-format", "written in an earlier snapshot format")
        unsealed = stored.state.replace(b'"seal":"' + head.seal.encode() + b'"', _UNSEALED, 1)
        expected = seal(self.key, stored.originator_id, stored.originator_version, unsealed)
        if not hmac.compare_digest(expected, head.seal):
            raise SnapshotRefused("doctored", "its seal does not match its content, entity and version")
