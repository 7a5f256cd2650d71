"""The hash chain table, as the first release created it.

Its statements are idempotent, so a database made before migrations existed (which
already has this table) is adopted as version 1 unchanged.
"""

from typing import Any

VERSION = 1
DESCRIPTION = "hash chain beside the events table"


def upgrade(db: Any) -> None:
    position = "INTEGER" if db.dialect == "sqlite" else "BIGINT"
    db.execute(f"CREATE TABLE IF NOT EXISTS {{chain}} (position {position} PRIMARY KEY, "
               "originator_id TEXT NOT NULL, originator_version BIGINT NOT NULL, content TEXT NOT NULL, "
               "hash TEXT NOT NULL, recorded_at TEXT)")
    db.execute(f"CREATE INDEX IF NOT EXISTS {_index(db, 'chain_entity')} ON {{chain}} (originator_id, position)")
    db.execute(f"CREATE INDEX IF NOT EXISTS {_index(db, 'chain_time')} ON {{chain}} (recorded_at)")


def _index(db: Any, suffix: str) -> str:
    # Index names are unqualified on PostgreSQL (they live in their table's schema).
    return f'"{db.recorder.events_table_name}_{suffix}"'
