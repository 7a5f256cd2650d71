"""Versioned migrations of the ledger's own tables, on SQLite and PostgreSQL alike.

eventsourcing creates and owns its tables (events, snapshots, tracking); every table the
ledger adds beside them (the hash chain, projections) is created and changed only here.
Each migration is a numbered module with `VERSION`, `DESCRIPTION` and `upgrade(db)`; the
explicit list `MIGRATIONS` orders them. The number of the last one applied is kept in
the `schema_version` table, and each migration runs in its own transaction together
with the row that records it, so a crash never leaves one half-applied.

To add one: write `mNNNN_what.py` with the next number, add it to `MIGRATIONS`, and test
it from a database made by the schema before it (tests/integration/test_migrations.py).
"""

from types import ModuleType
from typing import Any

from thidua_ledger.migrations import (
    m0001_chain,
    m0002_chain_covers_reads,
    m0003_chain_version_index,
    m0004_award_register,
    m0005_idempotency_keys,
    m0006_accounts,
    m0007_catalogue_names,
)
from thidua_ledger.migrations.database import Database, MigrationRefused, open_database

MIGRATIONS: list[ModuleType] = [m0001_chain, m0002_chain_covers_reads, m0003_chain_version_index,
                                m0004_award_register, m0005_idempotency_keys, m0006_accounts,
                                m0007_catalogue_names]

__all__ = ["MIGRATIONS", "Database", "MigrationRefused", "current_version", "latest_version", "upgrade"]


def latest_version() -> int:
    version: int = MIGRATIONS[-1].VERSION
    return version


def current_version(recorder: Any) -> int:
    """The number of the last migration applied to this recorder's database (0: none)."""
    with open_database(recorder) as db:
        return db.schema_version()


def upgrade(recorder: Any, to: int | None = None) -> list[int]:
    """Apply every migration after the database's version, up to `to` (default: the last).
    Returns the numbers applied. Safe to run from several processes at once: each
    migration takes the database's migration lock and re-reads the version under it."""
    target = latest_version() if to is None else to
    applied = []
    for migration in MIGRATIONS:
        if target < migration.VERSION:
            break
        with open_database(recorder, lock=True) as db:
            if db.schema_version() >= migration.VERSION:
                continue
            migration.upgrade(db)
            db.record_version(migration.VERSION, migration.DESCRIPTION)
            applied.append(migration.VERSION)
    return applied
