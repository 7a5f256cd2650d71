"""The documents store is made and changed by numbered migrations, on SQLite and PostgreSQL:
a store made by the release before them (a74a4fb) is upgraded with its data kept, to the
same tables and columns as a new store."""

import threading
from pathlib import Path

import pytest
from thidua_documents.migrations import LATEST, MIGRATIONS, Migration, NewerSchema, migrate, schema_version
from thidua_documents.settings import Settings
from thidua_documents.store import Store, Tx

PREVIOUS_RELEASE = (Path(__file__).parent / "schema_a74a4fb.sql").read_text()


def columns(store: Store) -> dict[str, list[str]]:
    with store.transaction() as tx:
        if tx.dialect == "sqlite":
            tables = [r[0] for r in tx.all("SELECT name FROM sqlite_master WHERE type = 'table'")]
            return {t: sorted(r[1] for r in tx.all(f"PRAGMA table_info({t})")) for t in sorted(tables)}
        found: dict[str, list[str]] = {}
        for table, column in tx.all("SELECT table_name, column_name FROM information_schema.columns "
                                    "WHERE table_schema = current_schema() ORDER BY table_name, column_name"):
            found.setdefault(table, []).append(column)
        return found


def made_by_the_previous_release(tx: Tx) -> None:
    blob = "BYTEA" if tx.dialect == "postgres" else "BLOB"
    sql = "\n".join(line for line in PREVIOUS_RELEASE.splitlines() if not line.startswith("--"))
    for statement in filter(str.strip, sql.split(";")):
        tx.execute(statement.replace("{blob}", blob))
    tx.execute("INSERT INTO proj_tracking VALUES ('ledger', 42)")
    tx.execute("INSERT INTO proj_units VALUES (7, 'u-1', 'a-1', 'PV01', '2015-01-01')")
    tx.execute("INSERT INTO register_counters VALUES ('a-1', 'QĐ', 2019, 3)")


def test_a_store_made_by_the_previous_release_is_upgraded_and_keeps_its_data(
        any_store: Settings, tmp_path: Path) -> None:
    old = Store(any_store)
    with old.transaction(write=True) as tx:
        made_by_the_previous_release(tx)

    assert old.migrate() == LATEST

    with old.transaction() as tx:
        assert tx.one("SELECT position FROM proj_tracking WHERE name = 'ledger'") == (42,)
        assert tx.all("SELECT position, unit_id FROM proj_units") == [(7, "u-1")]
        assert tx.all("SELECT last_number FROM register_counters") == [(3,)]
        assert [r[0] for r in tx.all("SELECT version FROM schema_version ORDER BY version")] == \
            [m.version for m in MIGRATIONS]
    fresh = Store(Settings(store="sqlite", sqlite_path=tmp_path / "fresh" / "documents.sqlite"))
    fresh.migrate()
    assert columns(old) == columns(fresh)


def test_migrating_a_migrated_store_changes_nothing(any_store: Settings) -> None:
    store = Store(any_store)
    assert store.migrate() == LATEST
    before = columns(store)
    assert store.migrate() == LATEST
    assert columns(store) == before
    with store.transaction() as tx:
        assert tx.one("SELECT COUNT(*) FROM schema_version") == (len(MIGRATIONS),)


def test_a_new_migration_is_applied_once_after_the_released_ones(any_store: Settings) -> None:
    store = Store(any_store)
    store.migrate()
    step = Migration(LATEST + 1, "a column for the next release", (
        "ALTER TABLE register_documents ADD COLUMN signer TEXT",))
    assert migrate(store, [*MIGRATIONS, step]) == LATEST + 1
    assert migrate(store, [*MIGRATIONS, step]) == LATEST + 1
    assert "signer" in columns(store)["register_documents"]


def test_a_store_migrated_by_a_newer_release_is_refused(any_store: Settings) -> None:
    store = Store(any_store)
    store.migrate()
    with store.transaction(write=True) as tx:
        tx.execute("INSERT INTO schema_version VALUES (?, 'from the future', '2030-01-01')", (LATEST + 1,))
    with pytest.raises(NewerSchema, match=f"schema version {LATEST + 1}"):
        store.migrate()


def test_replicas_starting_together_migrate_once(any_store: Settings) -> None:
    """Three replicas of the service started at once on a new store all come up. On SQLite a
    new file's switch into WAL was refused at once ("database is locked", no busy wait) about
    one start in fifty, so the SQLite case starts a hundred new stores."""
    failures: list[BaseException] = []
    stores = [any_store] + ([] if any_store.store == "postgres" else [
        any_store.model_copy(update={"sqlite_path": any_store.sqlite_path.with_name(f"replicas-{n}.sqlite")})
        for n in range(99)])
    for settings in stores:
        def start(settings: Settings = settings) -> None:
            try:
                Store(settings).migrate()
            except BaseException as error:
                failures.append(error)

        threads = [threading.Thread(target=start) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert failures == [], settings.sqlite_path
    assert schema_version(Store(any_store)) == LATEST
