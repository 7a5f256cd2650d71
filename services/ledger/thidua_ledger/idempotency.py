"""Idempotency keys: a client that sends `Idempotency-Key` with a POST may retry it safely.

The first receipt is kept per actor and key with a hash of what was asked (the fact type
and the body as sent, before the server made any ids). A retry with the same request gets
that receipt back and records nothing; the same key with another request is refused, since
answering it with the first receipt would report a fact that was never recorded.

The receipt is written in the transaction that appends the fact (the recorder calls
`KeptReceipt.write` there): a crash between the two cannot leave a fact without its
receipt, which a retry would then record a second time. Two retries racing with one key
both pass `first_receipt`; the second's receipt then breaks the key's uniqueness, so its
whole transaction, fact and all, is rolled back and it answers with the first's receipt.
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from thidua_events.bounds import IDEMPOTENCY_KEY_PATTERN

from thidua_ledger.domain.errors import RuleViolation
from thidua_ledger.migrations.database import Database, open_database

REUSED = "idempotency-key-names-one-request"
KEY_PATTERN = IDEMPOTENCY_KEY_PATTERN
"""What a key may be (thidua_events.bounds): NUL was a 500 on PostgreSQL, whose text holds none."""


def request_hash(fact_type: str, body: dict[str, Any]) -> str:
    canonical = json.dumps({"type": fact_type, "body": body}, sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def first_receipt(recorder: Any, actor: str, key: str, asked: str) -> dict[str, Any] | None:
    """The receipt this actor got for this key, or None for a new key; refuses another request."""
    with open_database(recorder) as db:
        rows = db.query("SELECT request_hash, receipt FROM {table:idempotency} WHERE actor = ? AND key = ?",
                        (actor, key))
    if not rows:
        return None
    kept_hash, receipt = rows[0]
    if kept_hash != asked:
        raise RuleViolation(REUSED, f"Idempotency-Key {key!r} was first sent with another request; "
                                    "use a new key for a new request")
    found: dict[str, Any] = json.loads(receipt)
    return found


@dataclass
class KeptReceipt:
    """The receipt to keep for a keyed request, written by the recorder beside the fact."""

    actor: str
    key: str
    asked: str
    ids: dict[str, str] = field(default_factory=dict)
    entity_id: UUID | None = None  # the fact's subject and its version, set by `Ledger.record`
    version: int = 0

    def receipt(self, position: int) -> dict[str, Any]:
        return {"entity_id": str(self.entity_id), "version": self.version, "position": position, "ids": self.ids}

    def write(self, db: Database, inserted: Sequence[tuple[int, StoredEvent]]) -> None:
        """Inside the insert transaction; `inserted` pairs each new event with its position."""
        own = max(at for at, stored in inserted if _uuid(stored.originator_id) == self.entity_id)
        # No ON CONFLICT: a receipt already kept for this key means a racing retry recorded
        # first, and this transaction (the fact with it) must not commit.
        db.execute("INSERT INTO {table:idempotency} (actor, key, request_hash, receipt, recorded_at) "
                   "VALUES (?, ?, ?, ?, ?)", (self.actor, self.key, self.asked, json.dumps(self.receipt(own)),
                                              datetime.now(UTC).isoformat()))


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))
