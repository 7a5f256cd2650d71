"""Where a subscriber remembers the CloudEvents ids it has handled, to drop redeliveries.

The relay delivers at least once, so a subscriber sees an event twice after a relay
crash or a consumer rebalance. Any object with `seen`, `add` and `close` will do: a
service that keeps its own state in PostgreSQL should record the id in the same
transaction as the handler's effect, which makes the pair exactly-once.
"""

import sqlite3
import threading
from pathlib import Path
from typing import Protocol

from thidua_events.sqlite_wal import BUSY_SECONDS, enable_wal


class SeenStore(Protocol):
    def seen(self, event_id: str) -> bool: ...

    def add(self, event_id: str) -> None: ...

    def close(self) -> None: ...


class MemorySeenStore:
    """Forgets on restart: for tests and handlers that are idempotent anyway."""

    def __init__(self) -> None:
        self._ids: set[str] = set()

    def seen(self, event_id: str) -> bool:
        return event_id in self._ids

    def add(self, event_id: str) -> None:
        self._ids.add(event_id)

    def close(self) -> None:
        pass


class SQLiteSeenStore:
    """The default: one small SQLite file, committed on every add (it must survive a crash)."""

    def __init__(self, path: str | Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Two consumers may share the file: a writer waits for the other's add, as the switch
        # into WAL waits for the other's opening.
        self._db = sqlite3.connect(str(path), timeout=BUSY_SECONDS, check_same_thread=False,
                                   isolation_level=None)
        self._lock = threading.Lock()  # run() and stop() may come from different threads
        with self._lock:
            enable_wal(self._db)
            self._db.execute("CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY, "
                             "at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP) WITHOUT ROWID")

    def seen(self, event_id: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM seen WHERE id = ?", (event_id,)).fetchone() is not None

    def add(self, event_id: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO seen (id) VALUES (?)", (event_id,))

    def close(self) -> None:
        with self._lock:
            self._db.close()
