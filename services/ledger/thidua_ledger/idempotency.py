"""Idempotency keys: a client that sends `Idempotency-Key` with a POST may retry it safely.

The first receipt is kept per actor and key with a hash of what was asked (the fact type
and the body as sent, before the server made any ids). A retry with the same request gets
that receipt back and records nothing; the same key with another request is refused, since
answering it with the first receipt would report a fact that was never recorded.
"""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from thidua_ledger.domain.errors import RuleViolation
from thidua_ledger.migrations.database import open_database

REUSED = "idempotency-key-names-one-request"


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


def keep_receipt(recorder: Any, actor: str, key: str, asked: str, receipt: dict[str, Any]) -> None:
    # A concurrent retry that recorded first keeps its row: the conflict leaves it as it is.
    with open_database(recorder) as db:
        db.execute("INSERT INTO {table:idempotency} (actor, key, request_hash, receipt, recorded_at) "
                   "VALUES (?, ?, ?, ?, ?) ON CONFLICT (actor, key) DO NOTHING",
                   (actor, key, asked, json.dumps(receipt), datetime.now(UTC).isoformat()))
