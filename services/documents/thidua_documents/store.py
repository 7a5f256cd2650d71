"""The documents service's own database: SQLite by default, PostgreSQL by configuration."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from thidua_documents.settings import Settings


@contextmanager
def connect(settings: Settings) -> Iterator[Any]:
    """A DB-API connection to the configured store, committed on success."""
    if settings.store == "sqlite":
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        sqlite_conn = sqlite3.connect(settings.sqlite_path)
        try:
            with sqlite_conn:
                yield sqlite_conn
        finally:
            sqlite_conn.close()
        return
    with psycopg.connect(
        host=settings.postgres_host,
        port=settings.postgres_port,
        user=settings.postgres_user,
        password=settings.postgres_password.get_secret_value(),
        dbname=settings.postgres_dbname,
    ) as pg_conn:
        yield pg_conn
