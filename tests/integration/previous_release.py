"""A ledger database as the release before migrations (main at a74a4fb) made it.

Its recorders are frozen here as that release wrote them: the chain table created by
hand beside the events table, and the first chain format (a link over the previous link,
the position and the content; `recorded_at` copied from the application's clock). The
migration tests record a history through them, then open it with today's ledger.
"""

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier
from thidua_ledger.settings import Settings

COLUMNS = "position, originator_id, originator_version, content, hash, recorded_at"


def _links(previous: str, rows: list[tuple[int, StoredEvent]]) -> list[tuple[Any, ...]]:
    links = []
    for position, stored in rows:
        digest = hashlib.sha256(f"{stored.originator_id}|{stored.originator_version}|{stored.topic}|".encode())
        digest.update(stored.state)
        content = digest.hexdigest()
        previous = hashlib.sha256(f"{previous}|{position}|{content}".encode()).hexdigest()
        timestamp = json.loads(stored.state).get("timestamp")
        links.append((position, str(stored.originator_id), stored.originator_version, content, previous,
                      timestamp.get("_data_") if isinstance(timestamp, dict) else None))
    return links


class FirstReleaseSQLiteRecorder(SQLiteApplicationRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {self.events_table_name}_chain ("
            "position INTEGER PRIMARY KEY, originator_id TEXT NOT NULL, "
            "originator_version INTEGER NOT NULL, content TEXT NOT NULL, hash TEXT NOT NULL, "
            "recorded_at TEXT)",
            f"CREATE INDEX IF NOT EXISTS {self.events_table_name}_chain_entity "
            f"ON {self.events_table_name}_chain (originator_id, position)",
            f"CREATE INDEX IF NOT EXISTS {self.events_table_name}_chain_time "
            f"ON {self.events_table_name}_chain (recorded_at)",
        ]

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent],
                       **kwargs: Any) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        if ids:
            c.execute(f"SELECT hash FROM {self.events_table_name}_chain ORDER BY position DESC LIMIT 1")
            row = c.fetchone()
            c.executemany(f"INSERT INTO {self.events_table_name}_chain ({COLUMNS}) VALUES (?,?,?,?,?,?)",
                          _links(row[0] if row else "0" * 64, list(zip(ids, stored_events, strict=True))))
        return ids


class FirstReleasePostgresRecorder(PostgresApplicationRecorder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chain = Identifier(self.datastore.schema, f"{self.events_table_name}_chain")
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {} (position bigint PRIMARY KEY, originator_id text NOT NULL, "
            "originator_version bigint NOT NULL, content text NOT NULL, hash text NOT NULL, "
            "recorded_at text)").format(chain))
        self.sql_create_statements.append(SQL("CREATE INDEX IF NOT EXISTS {} ON {} (originator_id, position)")
                                          .format(Identifier(f"{self.events_table_name}_chain_entity"), chain))
        self.sql_create_statements.append(SQL("CREATE INDEX IF NOT EXISTS {} ON {} (recorded_at)")
                                          .format(Identifier(f"{self.events_table_name}_chain_time"), chain))

    def _fetch_ids_after_insert_events(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent],
                                       **kwargs: Any) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        if ids:
            chain = Identifier(self.datastore.schema, f"{self.events_table_name}_chain")
            curs.execute(SQL("SELECT hash FROM {} ORDER BY position DESC LIMIT 1").format(chain))
            row = curs.fetchone()
            curs.executemany(SQL("INSERT INTO {} (" + COLUMNS + ") VALUES (%s,%s,%s,%s,%s,%s)").format(chain),
                             _links(row["hash"] if row else "0" * 64, list(zip(ids, stored_events, strict=True))))
        return ids


def first_release_env(settings: Settings) -> dict[str, str]:
    """The eventstore environment of `settings`, with the previous release's recorders."""
    recorder = FirstReleaseSQLiteRecorder if settings.store == "sqlite" else FirstReleasePostgresRecorder
    return {**settings.eventstore_env(), "APPLICATION_RECORDER_TOPIC": f"{__name__}:{recorder.__name__}"}
