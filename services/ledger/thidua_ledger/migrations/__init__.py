"""Versioned migrations of the ledger's own tables, on SQLite and PostgreSQL alike.

eventsourcing creates and owns its tables (events, snapshots, tracking); every table the
ledger adds beside them (the hash chain, projections) is created and changed only here.
Each migration is a numbered module with `VERSION`, `DESCRIPTION` and `upgrade(db)`; the
explicit list `MIGRATIONS` orders them. The number of the last one applied is kept in
the `schema_version` table, and each migration runs in its own transaction together
with the row that records it, so a crash never leaves one half-applied.

A migration that must build aggregates (not plain SQL) defines `upgrade_ledger(ledger)`
instead of `upgrade(db)`: the recorder stops before it when it opens, and the Ledger runs
it once open (`upgrade_ledger` below), saving through the ledger so its events join the
log and the hash chain like any other.

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
    m0008_rule_indexes,
    m0009_catalogue_in_force,
)
from thidua_ledger.migrations.database import Database, MigrationRefused, open_database

MIGRATIONS: list[ModuleType] = [m0001_chain, m0002_chain_covers_reads, m0003_chain_version_index,
                                m0004_award_register, m0005_idempotency_keys, m0006_accounts,
                                m0007_catalogue_names, m0008_rule_indexes, m0009_catalogue_in_force]

__all__ = ["MIGRATIONS", "Database", "MigrationRefused", "current_version", "latest_version", "upgrade",
           "upgrade_ledger"]


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
        if target < migration.VERSION or hasattr(migration, "upgrade_ledger"):
            break  # the rest waits for the ledger to open (a later one may need this one)
        with open_database(recorder, lock=True) as db:
            if db.schema_version() >= migration.VERSION:
                continue
            migration.upgrade(db)
            db.record_version(migration.VERSION, migration.DESCRIPTION)
            applied.append(migration.VERSION)
    return applied


def upgrade_ledger(ledger: Any) -> list[int]:
    """Apply what `upgrade` left for an open ledger: every migration after the database's
    version, in order, SQL ones included. On PostgreSQL the migration lock (an advisory
    lock on a transaction of its own) is held while the ledger saves on its other
    connections. On SQLite that lock is the single writer lock the ledger's saves need
    too, so there a ledger migration runs outside it and must be safe to re-run; its
    version is recorded under the lock."""
    applied = []
    for migration in MIGRATIONS:
        with open_database(ledger.recorder, lock=True) as db:
            if db.schema_version() >= migration.VERSION:
                continue
            if not hasattr(migration, "upgrade_ledger") or db.dialect == "postgres":
                if hasattr(migration, "upgrade_ledger"):
                    migration.upgrade_ledger(ledger)
                else:
                    migration.upgrade(db)
                db.record_version(migration.VERSION, migration.DESCRIPTION)
                applied.append(migration.VERSION)
                continue
        migration.upgrade_ledger(ledger)  # SQLite: outside its writer lock, which the saves take
        with open_database(ledger.recorder, lock=True) as db:
            if db.schema_version() < migration.VERSION:
                db.record_version(migration.VERSION, migration.DESCRIPTION)
                applied.append(migration.VERSION)
    return applied
