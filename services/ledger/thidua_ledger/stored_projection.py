"""A projection kept in the ledger's own database, caught up from the log on each read.

The award register and the catalogue share this: each read first applies only the facts
recorded since the last one, in batches, under the tracking row's lock (SQLite: the write
lock), so several processes sharing a database apply each fact once."""

from collections.abc import Iterator
from contextlib import contextmanager
from threading import Lock
from typing import Any, ClassVar, Literal

from thidua_ledger.application import Ledger
from thidua_ledger.domain.entity import FactEvent
from thidua_ledger.feed import fact_events
from thidua_ledger.migrations.database import Database, open_database

BATCH = 5000  # log positions applied per transaction while catching up


class StoredProjection:
    tracking: ClassVar[str]  # "{table:…}" of the tracking row's table
    tracking_name: ClassVar[str]  # the row's name in it

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._lock = Lock()  # one catch-up at a time in this process; the tracking row guards the rest

    def relevant(self, event: FactEvent) -> bool:
        raise NotImplementedError

    def apply(self, db: Database, event: FactEvent, position: int) -> None:
        raise NotImplementedError

    def catch_up(self) -> int:
        """Apply the events recorded since the last read; returns the position reached."""
        with self._lock:
            with self._reading() as db:
                position = self._tracked(db)
            head = self.ledger.position()
            while position < head:
                until = min(head, position + BATCH)
                # Read before the write transaction: SQLite's reader and writer are separate connections.
                events = [(at, event) for at, event in fact_events(self.ledger, position, until=until)
                          if self.relevant(event)]
                with open_database(self.ledger.recorder) as db:
                    # The update takes the row's lock (SQLite: the write lock) before reading it.
                    db.execute(f"UPDATE {self.tracking} SET position = position WHERE name = ?",
                               (self.tracking_name,))
                    current = self._tracked(db)
                    if current == position:  # else another process applied them meanwhile
                        for at, event in events:
                            self.apply(db, event, at)
                        db.execute(f"UPDATE {self.tracking} SET position = ? WHERE name = ?",
                                   (until, self.tracking_name))
                        current = until
                position = current
            return position

    def _tracked(self, db: Database) -> int:
        return int(db.query(f"SELECT position FROM {self.tracking} WHERE name = ?", (self.tracking_name,))[0][0])

    @contextmanager
    def _reading(self) -> Iterator[Database]:
        """A read-only transaction (SQLite: a reader's connection, not the single writer's)."""
        recorder: Any = self.ledger.recorder
        dialect: Literal["sqlite", "postgres"] = "postgres" if hasattr(recorder.datastore, "schema") else "sqlite"
        with recorder.datastore.transaction(commit=False) as cursor:
            yield Database(recorder, cursor, dialect)
