"""eventsourcing application recorders that write the hash chain in the insert transaction.

Selected through eventsourcing's APPLICATION_RECORDER_TOPIC setting, so SQLite and
PostgreSQL keep one code path above this module.
"""

from collections.abc import Sequence
from operator import itemgetter
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier, Literal

from thidua_ledger.audit.chain import GENESIS, ChainRow, chain_rows
from thidua_ledger.audit.stored_history import StoredHistoryInconsistent
from thidua_ledger.entity_cache import TRUSTED_HEAD, HeadMoved
from thidua_ledger.migrations import upgrade
from thidua_ledger.migrations.database import Database, creating_tables

HEAD_BYTES = 400
CHAIN_COLUMNS = "position, originator_id, originator_version, content, hash, recorded_at"
CHAIN_PAGE = (
    "SELECT count(*), "
    "group_concat(e.originator_id, ','), group_concat(c.originator_id, ','), "
    "group_concat(e.originator_version, ','), group_concat(c.originator_version, ','), "
    "group_concat(e.topic, char(31)), group_concat(c.content, ','), group_concat(c.hash, ','), "
    "group_concat(c.recorded_at, ','), "
    # Whether every value of these TEXT columns is text: a blob sorts above text and NULL
    # below, so the greatest of a row's values is text only if none is a blob or NULL; and
    # 'text' sorts after the other type names. (A number would be stored as text here.)
    "min(typeof(max(e.originator_id, e.topic, c.originator_id, c.content, c.hash, c.recorded_at))) "
    "FROM {events} e LEFT JOIN {chain} c ON c.position = e.rowid WHERE e.rowid > ? AND e.rowid <= ?")
POSTGRES_CHAIN_PAGE = (
    "SELECT * FROM (SELECT count(*) AS e_count, "
    "string_agg(replace(originator_id::text, '-', ''), ',' ORDER BY notification_id) AS e_ids, "
    "string_agg(originator_version::text, ',' ORDER BY notification_id) AS e_versions, "
    "string_agg(topic, chr(31) ORDER BY notification_id) AS topics, "
    "string_agg(state, '\\x1e'::bytea ORDER BY notification_id) AS states, "
    "sum(num_nulls(originator_id, originator_version, topic, state)) AS e_nulls "
    "FROM {events} WHERE notification_id > %s AND notification_id <= %s) AS e, "
    "(SELECT count(*) AS c_count, string_agg(originator_id, ',' ORDER BY position) AS c_ids, "
    "string_agg(originator_version::text, ',' ORDER BY position) AS c_versions, "
    "string_agg(content, ',' ORDER BY position) AS contents, string_agg(hash, ',' ORDER BY position) AS hashes, "
    "string_agg(recorded_at, ',' ORDER BY position) AS moments, "
    "sum(num_nulls(originator_id, originator_version, content, hash, recorded_at)) AS c_nulls "
    "FROM {chain} WHERE position > %s AND position <= %s) AS c")
"""One page of the log and its chain as columns: the count of positions (each is unique, so a
page of positions (after, stop] holding stop - after of them holds them all), each column
joined by a separator, and whether all of the text columns hold text.

A joined column reads back unambiguously only if no value is NULL (which the aggregate
skips) and none holds the separator; given the count of values each split yields (checked
against the positions), a NULL is the only way a separator inside a value can go unseen:
a NULL at one position and its value moved, after a separator, into the one before it
give the same joined bytes. So the NULLs are counted, on PostgreSQL (whose events table
lets topic and state be NULL, and the chain recorded_at) as on SQLite (where a NULL in a
text column fails the type test below, and the states are read as a list)."""


class ChainedSQLiteRecorder(SQLiteApplicationRecorder):
    migrates_on_open = True  # the Ledger then runs the migrations that need it open
    @property
    def chain_table(self) -> str:
        return f"{self.events_table_name}_chain"

    def create_table(self) -> None:
        super().create_table()  # eventsourcing's own tables
        upgrade(self)  # the ledger's, by versioned migration

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent],
                       **kwargs: Any) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        if ids:
            # Under SQLite's single writer lock: the chain grows in commit order.
            c.execute(f"SELECT hash, recorded_at, position FROM {self.chain_table} ORDER BY position DESC LIMIT 1")
            row = c.fetchone()
            _check_trusted_head(kwargs, row[2] if row else 0)
            links = chain_rows(row[0] if row else GENESIS, row[1] if row else None,
                               list(zip(ids, stored_events, strict=True)))
            c.executemany(f"INSERT INTO {self.chain_table} ({CHAIN_COLUMNS}) VALUES (?,?,?,?,?,?)",
                          [_values(r) for r in links])
            _write_along(Database(self, c, "sqlite"), ids, stored_events, kwargs)
        return ids

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Read-only SQL on this ledger's tables ({events} and {chain} are filled in)."""
        statement = sql.format(events=self.events_table_name, chain=self.chain_table,
                               snapshots="stored_snapshots")
        with self.datastore.transaction(commit=False) as c:
            c.sqlite_cursor.row_factory = None  # plain tuples: no sqlite3.Row to copy
            c.execute(statement, tuple(params))
            return c.fetchall()

    def chain_link(self, entity_id: UUID, version: int) -> tuple[int, str] | None:
        """(position, link) of an entity's event at a version."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT position, hash FROM {self.chain_table} WHERE originator_id = ? "
                      "AND originator_version = ?", (str(entity_id), version))
            row = c.fetchone()
            return (int(row[0]), row[1]) if row else None

    def replace_snapshot(self, table: str, stored: StoredEvent) -> None:
        """Put a rebuilt snapshot in place of an old-format one (snapshots are a cache of
        the log, not history: replacing one loses nothing)."""
        entity = stored.originator_id.hex if isinstance(stored.originator_id, UUID) else stored.originator_id
        with self.datastore.transaction(commit=True) as c:
            c.execute(f"DELETE FROM {table} WHERE originator_id = ? AND originator_version = ?",
                      (entity, stored.originator_version))
            c.execute(f"INSERT INTO {table} VALUES (?,?,?,?)",
                      (entity, stored.originator_version, stored.topic, stored.state))

    def snapshot_heads(self, table: str, entity_id: UUID, lte: int | None) -> list[tuple[int, bytes]]:
        """(version, first bytes) of an entity's stored snapshots, newest first: enough to
        read what each snapshot says of itself without loading its whole state."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT originator_version, substr(state, 1, {HEAD_BYTES}) FROM {table} "
                      "WHERE originator_id = ? AND originator_version <= ? ORDER BY originator_version DESC",
                      (entity_id.hex, lte if lte is not None else 2**62))
            return [(int(version), bytes(head or b"")) for version, head in c.fetchall()]  # NULL: says nothing

    def raw_events(self, after: int, stop: int, limit: int = -1) -> list[tuple[Any, ...]]:
        """(position, entity id, version, topic, state) of the events in (after, stop], as
        stored (NULLs too), the first `limit` of them (-1: all)."""
        with self.datastore.transaction(commit=False) as c:
            c.sqlite_cursor.row_factory = None  # plain tuples: no sqlite3.Row to copy
            c.execute(f"SELECT rowid, originator_id, originator_version, topic, state FROM {self.events_table_name} "
                      "WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?", (after, stop, limit))
            return c.fetchall()

    def raw_share(self, after: int, stop: int, spread: Sequence[str], share: int, shares: int) -> list[tuple[Any, ...]]:
        """As `raw_events`, of one share of the log, for a replay split across processes. Events
        whose topic is in `spread` belong to the share their entity's id falls in (by its last
        byte, the same on both stores), every other event to share 0; so an entity's events stay
        together, in order."""
        topics = ",".join("?" * len(spread))
        with self.datastore.transaction(commit=False) as c:
            c.sqlite_cursor.row_factory = None
            c.execute(f"SELECT rowid, originator_id, originator_version, topic, state FROM {self.events_table_name} "
                      f"WHERE rowid > ? AND rowid <= ? AND CASE WHEN topic IN ({topics}) THEN "
                      "(16 * (instr('0123456789abcdef', lower(substr(originator_id, -2, 1))) - 1) "
                      "+ instr('0123456789abcdef', lower(substr(originator_id, -1, 1))) - 1) % ? ELSE 0 END = ? "
                      "ORDER BY rowid", (after, stop, *spread, shares, share))
            return c.fetchall()

    def raw_marked(self, after: int, stop: int, marks: Sequence[bytes], within: int) -> list[tuple[Any, ...]]:
        """As `raw_events`, only the events whose state holds one of `marks` in its first
        `within` bytes (searched by the database, without reading the other states out)."""
        found = " OR ".join([f"instr(substr(state, 1, {int(within)}), ?) > 0"] * len(marks))
        with self.datastore.transaction(commit=False) as c:
            c.sqlite_cursor.row_factory = None
            c.execute(f"SELECT rowid, originator_id, originator_version, topic, state FROM {self.events_table_name} "
                      f"WHERE rowid > ? AND rowid <= ? AND ({found}) ORDER BY rowid", (after, stop, *marks))
            return c.fetchall()

    def raw_entity(self, entity_id: UUID, lte: int | None = None) -> list[tuple[Any, ...]]:
        """(version, topic, state) of an entity's events up to `lte`, as stored, in one query."""
        with self.datastore.transaction(commit=False) as c:
            c.sqlite_cursor.row_factory = None
            c.execute(f"SELECT originator_version, topic, state FROM {self.events_table_name} "
                      "WHERE originator_id = ? AND originator_version <= ? ORDER BY originator_version",
                      (entity_id.hex, lte if lte is not None else 2**62))
            return c.fetchall()

    def chain_page(self, after: int, stop: int) -> tuple[tuple[Any, ...], list[Any]]:
        """The events and chain rows of positions (after, stop] a column at a time, for
        `fast_verify`: one row of aggregates (see CHAIN_PAGE) and the events' states. Far
        fewer Python objects than reading the rows; what the aggregates cannot show for
        certain (the separators, the types) they count, so the caller can tell."""
        with self.datastore.transaction(commit=False) as c:
            c.sqlite_cursor.row_factory = None
            c.execute(CHAIN_PAGE.format(events=self.events_table_name, chain=self.chain_table), (after, stop))
            columns = c.fetchone()
            c.execute(f"SELECT state FROM {self.events_table_name} WHERE rowid > ? AND rowid <= ? ORDER BY rowid",
                      (after, stop))
            return columns, list(map(itemgetter(0), c.fetchall()))

    placeholder = "?"


class ChainedPostgresRecorder(PostgresApplicationRecorder):
    migrates_on_open = True  # the Ledger then runs the migrations that need it open
    @property
    def chain_table(self) -> str:
        return f"{self.events_table_name}_chain"

    def create_table(self) -> None:
        with creating_tables(self):
            super().create_table()  # eventsourcing's own tables
            upgrade(self)  # the ledger's, by versioned migration

    # eventsourcing's reads of the events fail with a bare TypeError on one whose state was set
    # to NULL behind the ledger's back (SQLite's hand the NULL on and the mapper refuses it):
    # these name it for what it is, a history changed outside the ledger.

    def select_events(self, originator_id: UUID | str, *, gt: int | None = None, lte: int | None = None,
                      desc: bool = False, limit: int | None = None) -> Sequence[StoredEvent]:
        try:
            return super().select_events(originator_id, gt=gt, lte=lte, desc=desc, limit=limit)
        except TypeError:
            self._name_an_empty_state("originator_id = %s", "originator_version", (originator_id,),
                                      f"entity {originator_id}", "version")
            raise

    def select_notifications(self, start: int | None, limit: int, stop: int | None = None,
                             topics: Sequence[str] = (), *, inclusive_of_start: bool = True) -> Sequence[Notification]:
        try:
            return super().select_notifications(start, limit, stop, topics, inclusive_of_start=inclusive_of_start)
        except TypeError:
            self._name_an_empty_state("notification_id >= %s AND notification_id <= %s", "notification_id",
                                      (start or 0, stop if stop is not None else 2**62), "the log", "position")
            raise

    def _name_an_empty_state(self, where: str, order: str, params: tuple[Any, ...], what: str, at: str) -> None:
        """Raise StoredHistoryInconsistent for the first event in `where` without a state, if any."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT {} AS at FROM {} WHERE " + where + " AND state IS NULL ORDER BY {} LIMIT 1")
                         .format(Identifier(order), Identifier(self.datastore.schema, self.events_table_name),
                                 Identifier(order)), params)
            row = curs.fetchone()
        if row is not None:
            raise StoredHistoryInconsistent(what, f"{at} {row['at']} has no stored state")

    def _fetch_ids_after_insert_events(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent],
                                       **kwargs: Any) -> Sequence[int] | None:
        # Still inside the insert transaction and its table lock: the chain grows in commit order.
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        if ids:
            chain = Identifier(self.datastore.schema, self.chain_table)
            curs.execute(SQL("SELECT hash, recorded_at, position FROM {} ORDER BY position DESC LIMIT 1").format(chain))
            row = curs.fetchone()
            links = chain_rows(row["hash"] if row else GENESIS, row["recorded_at"] if row else None,
                               list(zip(ids, stored_events, strict=True)))
            try:
                _check_trusted_head(kwargs, row["position"] if row else 0)
                curs.executemany(
                    SQL("INSERT INTO {} (" + CHAIN_COLUMNS + ") VALUES (%s,%s,%s,%s,%s,%s)").format(chain),
                    [_values(r) for r in links])
                _write_along(Database(self, curs, "postgres"), ids, stored_events, kwargs)
            except Exception as error:
                # eventsourcing holds an Exception raised here until its transaction has committed
                # (the events without their chain or receipt); a BaseException rolls it back.
                raise _RolledBack(error) from error
        return ids

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        try:
            return super().insert_events(stored_events, **kwargs)
        except _RolledBack as rolled_back:
            raise rolled_back.error from None

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Read-only SQL on this ledger's tables ({events} and {chain} are filled in)."""
        statement = sql.replace("?", "%s").format(
            events=f'"{self.datastore.schema}"."{self.events_table_name}"',
            chain=f'"{self.datastore.schema}"."{self.chain_table}"',
            snapshots=f'"{self.datastore.schema}"."{self.snapshots_table}"')
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(statement.encode(), tuple(params))
            return [tuple(row.values()) for row in curs.fetchall()]

    @property
    def snapshots_table(self) -> str:
        return self.events_table_name.removesuffix("_events") + "_snapshots"

    def chain_link(self, entity_id: UUID, version: int) -> tuple[int, str] | None:
        """(position, link) of an entity's event at a version."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT position, hash FROM {} WHERE originator_id = %s AND originator_version = %s")
                         .format(Identifier(self.datastore.schema, self.chain_table)), (str(entity_id), version))
            row = curs.fetchone()
            return (int(row["position"]), row["hash"]) if row else None

    def replace_snapshot(self, table: str, stored: StoredEvent) -> None:
        """Put a rebuilt snapshot in place of an old-format one (snapshots are a cache of
        the log, not history: replacing one loses nothing)."""
        name = Identifier(self.datastore.schema, table)
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(SQL("DELETE FROM {} WHERE originator_id = %s AND originator_version = %s").format(name),
                         (stored.originator_id, stored.originator_version))
            curs.execute(SQL("INSERT INTO {} (originator_id, originator_version, topic, state) "
                             "VALUES (%s, %s, %s, %s)").format(name),
                         (stored.originator_id, stored.originator_version, stored.topic, stored.state))

    def snapshot_heads(self, table: str, entity_id: UUID, lte: int | None) -> list[tuple[int, bytes]]:
        """(version, first bytes) of an entity's stored snapshots, newest first: enough to
        read what each snapshot says of itself without loading its whole state."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT originator_version, substring(state from 1 for {}) AS head FROM {} "
                             "WHERE originator_id = %s AND originator_version <= %s "
                             "ORDER BY originator_version DESC").format(
                                 Literal(HEAD_BYTES), Identifier(self.datastore.schema, table)),
                         (entity_id, lte if lte is not None else 2**62))
            return [(int(row["originator_version"]), bytes(row["head"] or b"")) for row in curs.fetchall()]

    def chain_page(self, after: int, stop: int) -> tuple[tuple[Any, ...], list[Any]]:
        """As the SQLite recorder's, in one round trip: the events' and the chain's columns
        aggregated apart (no join), the states joined by a byte JSON never writes unescaped.
        The columns' types are the tables' own here, so all of the text ones are text, unless
        one is NULL: then the page is not "text", as on SQLite."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL(POSTGRES_CHAIN_PAGE).format(
                events=Identifier(self.datastore.schema, self.events_table_name),
                chain=Identifier(self.datastore.schema, self.chain_table)), (after, stop, after, stop))
            row = curs.fetchone()
        assert row is not None
        columns = (row["e_count"] if row["e_count"] == row["c_count"] else -1, row["e_ids"], row["c_ids"],
                   row["e_versions"], row["c_versions"], row["topics"], row["contents"], row["hashes"],
                   row["moments"], "text" if not row["e_nulls"] and not row["c_nulls"] else "null")
        return columns, bytes(row["states"]).split(b"\x1e") if row["states"] is not None else []

    def raw_events(self, after: int, stop: int, limit: int = -1) -> list[tuple[Any, ...]]:
        """(position, entity id, version, topic, state) of the events in (after, stop], as
        stored (NULLs too), the first `limit` of them (-1: all)."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT notification_id, originator_id, originator_version, topic, state FROM {} "
                             "WHERE notification_id > %s AND notification_id <= %s ORDER BY notification_id "
                             "LIMIT %s").format(Identifier(self.datastore.schema, self.events_table_name)),
                         (after, stop, None if limit < 0 else limit))
            return [tuple(row.values()) for row in curs.fetchall()]

    def raw_share(self, after: int, stop: int, spread: Sequence[str], share: int, shares: int) -> list[tuple[Any, ...]]:
        """As `raw_events`, of one share of the log, for a replay split across processes. Events
        whose topic is in `spread` belong to the share their entity's id falls in (by its last
        byte, the same on both stores), every other event to share 0; so an entity's events stay
        together, in order."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT notification_id, originator_id, originator_version, topic, state FROM {} "
                             "WHERE notification_id > %s AND notification_id <= %s AND "
                             "CASE WHEN topic = ANY(%s) THEN get_byte(uuid_send(originator_id), 15) %% %s "
                             "ELSE 0 END = %s ORDER BY notification_id").format(
                                 Identifier(self.datastore.schema, self.events_table_name)),
                         (after, stop, list(spread), shares, share))
            return [tuple(row.values()) for row in curs.fetchall()]

    def raw_marked(self, after: int, stop: int, marks: Sequence[bytes], within: int) -> list[tuple[Any, ...]]:
        """As `raw_events`, only the events whose state holds one of `marks` in its first
        `within` bytes (searched by the database, without reading the other states out)."""
        found = " OR ".join([f"position(%s::bytea in substring(state from 1 for {int(within)})) > 0"] * len(marks))
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT notification_id, originator_id, originator_version, topic, state FROM {} "
                             "WHERE notification_id > %s AND notification_id <= %s AND (" + found + ") "
                             "ORDER BY notification_id").format(
                                 Identifier(self.datastore.schema, self.events_table_name)),
                         (after, stop, *marks))
            return [tuple(row.values()) for row in curs.fetchall()]

    def raw_entity(self, entity_id: UUID, lte: int | None = None) -> list[tuple[Any, ...]]:
        """(version, topic, state) of an entity's events up to `lte`, as stored, in one query."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT originator_version, topic, state FROM {} WHERE originator_id = %s "
                             "AND originator_version <= %s ORDER BY originator_version")
                         .format(Identifier(self.datastore.schema, self.events_table_name)),
                         (entity_id, lte if lte is not None else 2**62))
            return [tuple(row.values()) for row in curs.fetchall()]

    placeholder = "%s"


class _RolledBack(BaseException):  # not an error of its own: it carries one out of a transaction
    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def _check_trusted_head(kwargs: dict[str, Any], head: int) -> None:
    """Under the insert's lock, the head a command trusted (see thidua_ledger.entity_cache)
    must be the log's: the chain's last position, before this insert's. Raised, it rolls the
    insert back. A head before the trusted one is a log that lost its tail (the chain grows only,
    and this process wrote up to the trusted head): refused, never written after."""
    trusted = kwargs.get(TRUSTED_HEAD)
    if trusted is not None and head < trusted:
        raise StoredHistoryInconsistent("the log", f"its chain ends at position {head}, before position {trusted} "
                                        "this process wrote: rows were removed after it")
    if trusted is not None and trusted != head:
        raise HeadMoved(trusted, head)


def _write_along(db: Database, ids: Sequence[int], stored_events: Sequence[StoredEvent],
                 kwargs: dict[str, Any]) -> None:
    """The row `Ledger.record` asked to keep with its fact (`along_with_fact`), in this transaction."""
    if (along := kwargs.get("along_with_fact")) is not None:
        along.write(db, list(zip(ids, stored_events, strict=True)))


def _values(row: ChainRow) -> tuple[Any, ...]:
    return (row.position, row.originator_id, row.version, row.content, row.hash, row.recorded_at)


RECORDER_TOPICS = {
    "sqlite": "thidua_ledger.audit.recorders:ChainedSQLiteRecorder",
    "postgres": "thidua_ledger.audit.recorders:ChainedPostgresRecorder",
}
