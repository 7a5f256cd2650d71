"""The documents service's own database: SQLite by default, PostgreSQL by configuration.

One code path for both: SQL is written once with `?` placeholders and portable types;
`Tx` converts the placeholders for psycopg. The tables are made by `migrations`.
"""

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from thidua_events.sqlite_wal import BUSY_SECONDS, enable_wal

from thidua_documents.settings import Settings

SQLITE_BUSY_SECONDS = BUSY_SECONDS
"""How long a SQLite writer waits for another to finish before giving up."""

Row = tuple[Any, ...]


class Tx:
    """One transaction on either store."""

    def __init__(self, conn: Any, dialect: str) -> None:
        self._conn = conn
        self.dialect = dialect

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect == "postgres" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._conn.execute(self._sql(sql), tuple(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = [tuple(row) for row in rows]
        if not rows:
            return
        if self.dialect == "postgres":
            with self._conn.cursor() as cursor:
                cursor.executemany(self._sql(sql), rows)
        else:
            self._conn.executemany(sql, rows)

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row = self.execute(sql, params).fetchone()
        return tuple(row) if row is not None else None

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [tuple(row) for row in self.execute(sql, params).fetchall()]

    @property
    def for_update(self) -> str:
        """Row lock on PostgreSQL; SQLite's BEGIN IMMEDIATE already holds the write lock."""
        return " FOR UPDATE" if self.dialect == "postgres" else ""


class Store:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.dialect = settings.store

    def _sqlite(self) -> sqlite3.Connection:
        path = self.settings.sqlite_path
        path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN ourselves, so a writer can take the lock up front.
        return sqlite3.connect(path, timeout=SQLITE_BUSY_SECONDS, isolation_level=None)

    def _postgres(self) -> psycopg.Connection:
        s = self.settings
        return psycopg.connect(
            host=s.postgres_host, port=s.postgres_port, user=s.postgres_user,
            password=s.postgres_secret(), dbname=s.postgres_dbname,
            options=f"-c search_path={s.postgres_schema}",
        )

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Tx]:
        """Committed on success, rolled back on any error. `write` takes SQLite's write lock
        at BEGIN, so two writers never both read a counter before either updates it."""
        if self.dialect == "sqlite":
            conn = self._sqlite()
            try:
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    yield Tx(conn, "sqlite")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            finally:
                conn.close()
            return
        with self._postgres() as pg:  # psycopg commits on clean exit, rolls back on error
            yield Tx(pg, "postgres")

    def enable_wal(self) -> None:
        """SQLite: readers must not wait for the follower's or the register's writes. The switch
        waits for a replica starting beside this one (`thidua_events.sqlite_wal`)."""
        if self.dialect != "sqlite":
            return
        conn = self._sqlite()
        try:
            enable_wal(conn, SQLITE_BUSY_SECONDS)
        finally:
            conn.close()

    def migrate(self) -> int:
        """Bring the tables to this release's schema (see `migrations`); returns its version."""
        from thidua_documents.migrations import migrate  # migrations use this module's Store

        return migrate(self)


@contextmanager
def connect(settings: Settings) -> Iterator[Tx]:
    """A transaction on the configured store (kept for callers that need no more)."""
    with Store(settings).transaction() as tx:
        yield tx
