"""Switching a SQLite file into WAL while other processes may be opening it too.

Switching a new file into WAL needs the file to itself, and SQLite answers "database is
locked" at once, without its busy handler, while another connection (a second consumer, a
replica starting beside this one) holds it. So the switch waits here, as the busy timeout
would for a writer, and tries again until `seconds` have passed.
"""

import sqlite3
import time

BUSY_SECONDS = 60
"""How long a SQLite connection waits for another to let go before giving up."""


def enable_wal(connection: sqlite3.Connection, seconds: float = BUSY_SECONDS) -> None:
    """Put the connection's file in WAL mode (once done, it stays so for every connection)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
        time.sleep(0.02)
