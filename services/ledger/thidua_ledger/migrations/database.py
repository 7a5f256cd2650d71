"""What a migration sees of the database: one dialect-neutral way to run SQL.

Statements name tables as `{chain}`, `{events}`, `{snapshots}` or `{table:suffix}` and
take `?` placeholders; both are translated for the store. Types that mean the same on
both (TEXT, BIGINT, BOOLEAN) keep one statement for SQLite and PostgreSQL; where they
cannot, a migration asks `db.dialect`.
"""

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Literal

VERSION_TABLE = "schema_version"
LOCK_KEY = 72_141_174  # any constant (int4): with the schema, the advisory lock that serialises migrations


class MigrationRefused(RuntimeError):
    """A migration found the database in a state it must not carry forward."""


class Database:
    def __init__(self, recorder: Any, cursor: Any, dialect: Literal["sqlite", "postgres"]) -> None:
        self.recorder = recorder
        self.cursor = cursor
        self.dialect = dialect

    # Names

    def table(self, suffix: str) -> str:
        """A ledger table beside the events table (`stored_events_chain` on SQLite,
        `"schema"."ledger_events_chain"` on PostgreSQL), quoted for SQL."""
        return self._qualified(f"{self.recorder.events_table_name}_{suffix}")

    @property
    def events(self) -> str:
        return self._qualified(self.recorder.events_table_name)

    @property
    def position(self) -> str:
        """The events table's column for the log position."""
        return "rowid" if self.dialect == "sqlite" else "notification_id"

    def _qualified(self, name: str) -> str:
        if self.dialect == "sqlite":
            return f'"{name}"'
        return f'"{self.recorder.datastore.schema}"."{name}"'

    def sql(self, statement: str) -> str:
        def name(match: re.Match[str]) -> str:
            word = match[1]
            if word == "events":
                return self.events
            if word.startswith("table:"):
                return self.table(word.removeprefix("table:"))
            if word == "position":
                return self.position
            return self.table(word)  # {chain}, {snapshots}-like suffixes

        text = re.sub(r"\{([a-z_:]+)\}", name, statement)
        return text if self.dialect == "sqlite" else text.replace("%", "%%").replace("?", "%s")

    # Statements

    def execute(self, statement: str, params: Sequence[Any] = ()) -> None:
        self.cursor.execute(self._encode(self.sql(statement)), tuple(params))

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.cursor.executemany(self._encode(self.sql(statement)), [tuple(r) for r in rows])

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self.cursor.execute(self._encode(self.sql(statement)), tuple(params))
        rows = self.cursor.fetchall()
        if self.dialect == "postgres":
            return [tuple(row.values()) for row in rows]
        return [tuple(row) for row in rows]

    def _encode(self, statement: str) -> Any:
        # psycopg takes bytes as a statement it must not parse for its own placeholders' sake.
        return statement.encode() if self.dialect == "postgres" else statement

    def has_table(self, suffix: str) -> bool:
        name = f"{self.recorder.events_table_name}_{suffix}"
        if self.dialect == "sqlite":
            rows = self.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
        else:
            rows = self.query("SELECT 1 FROM information_schema.tables WHERE table_schema = ? "
                              "AND table_name = ?", (self.recorder.datastore.schema, name))
        return bool(rows)

    # The version table

    def schema_version(self) -> int:
        self.execute("CREATE TABLE IF NOT EXISTS {table:" + VERSION_TABLE + "} (version BIGINT PRIMARY KEY, "
                     "description TEXT NOT NULL, applied_at TEXT NOT NULL)")
        rows = self.query("SELECT MAX(version) FROM {table:" + VERSION_TABLE + "}")
        return int(rows[0][0] or 0)

    def record_version(self, version: int, description: str) -> None:
        self.execute("INSERT INTO {table:" + VERSION_TABLE + "} (version, description, applied_at) "
                     "VALUES (?, ?, ?)", (version, description, datetime.now(UTC).isoformat()))


@contextmanager
def open_database(recorder: Any, lock: bool = False) -> Iterator[Database]:
    """One transaction on the recorder's database; with `lock`, holding the migration lock
    (PostgreSQL: an advisory lock for the transaction; SQLite: its single writer lock)."""
    dialect: Literal["sqlite", "postgres"] = "postgres" if hasattr(recorder.datastore, "schema") else "sqlite"
    with recorder.datastore.transaction(commit=True) as cursor:
        db = Database(recorder, cursor, dialect)
        if lock and dialect == "postgres":
            # Per schema: ledgers in other schemas of the same database migrate independently.
            db.execute("SELECT pg_advisory_xact_lock(?, hashtext(?))", (LOCK_KEY, recorder.datastore.schema))
        elif lock:
            # Take SQLite's write lock before reading anything, so a second process waits here
            # (up to the lock timeout) instead of both reading the same version and one then
            # failing to upgrade its read lock. eventsourcing began a deferred transaction.
            cursor.execute("ROLLBACK")
            cursor.execute("BEGIN IMMEDIATE")
        yield db


@contextmanager
def creating_tables(recorder: Any) -> Iterator[None]:
    """Hold PostgreSQL's lock for creating this schema's tables for the block: eventsourcing
    creates its own with CREATE ... IF NOT EXISTS, which two processes starting at once on
    PostgreSQL can race into "tuple concurrently updated". (A different key from the
    migrations' own lock, which the block's transactions take on other connections.)"""
    with recorder.datastore.get_connection() as conn:
        key = (LOCK_KEY + 1, recorder.datastore.schema)
        conn.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", key)
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", key)
