"""SQL run straight on the database behind the ledger's back, as an intruder (or a bug)
with database access would: the auditors' tools must notice."""

import sqlite3
from typing import Any

import psycopg
from thidua_ledger.settings import Settings


def tamper(settings: Settings, sql: str, params: tuple[Any, ...] = ()) -> None:
    """{events}, {chain} and {snapshots} name the ledger's tables; {pos} the log position."""
    if settings.store == "sqlite":
        with sqlite3.connect(settings.sqlite_path) as conn:
            conn.execute(sql.format(events="stored_events", chain="stored_events_chain",
                                    snapshots="stored_snapshots", pos="rowid"), params)
        return
    schema = settings.postgres_schema
    statement = sql.replace("?", "%s").format(events=f'"{schema}".ledger_events',
                                              chain=f'"{schema}".ledger_events_chain',
                                              snapshots=f'"{schema}".ledger_snapshots',
                                              pos="notification_id")
    with psycopg.connect(host=settings.postgres_host, port=settings.postgres_port,
                         user=settings.postgres_user, dbname=settings.postgres_dbname,
                         password=settings.postgres_secret(), autocommit=True) as conn:
        conn.execute(statement.encode(), params)
