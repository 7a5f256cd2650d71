"""The receipts of POSTs sent with an `Idempotency-Key`, per actor: a retry returns the first
receipt instead of recording the fact twice (see thidua_ledger/idempotency.py)."""

from typing import Any

VERSION = 5
DESCRIPTION = "idempotency keys: the first receipt of each actor's keyed POST"


def upgrade(db: Any) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS {table:idempotency} (actor TEXT NOT NULL, key TEXT NOT NULL, "
               "request_hash TEXT NOT NULL, receipt TEXT NOT NULL, recorded_at TEXT NOT NULL, "
               "PRIMARY KEY (actor, key))")
