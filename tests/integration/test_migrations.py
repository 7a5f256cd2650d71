"""The ledger's own tables are created and changed by versioned migrations, and a
database made by the previous release is upgraded in place, on SQLite and PostgreSQL."""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from thidua_ledger.application import Ledger
from thidua_ledger.audit.verify import walk
from thidua_ledger.migrations import MIGRATIONS, MigrationRefused, current_version, latest_version, upgrade
from thidua_ledger.queries import cluster_in_year
from thidua_ledger.settings import Settings

from tests.factories import ClusterSetup, cluster_with_members
from tests.integration.previous_release import first_release_env
from tests.intruder import tamper


@pytest.fixture
def previous(ledger_settings: Settings) -> Iterator[tuple[ClusterSetup, dict[str, object]]]:
    """A history recorded by the previous release; yields it and what it read."""
    old = Ledger(env=first_release_env(ledger_settings))
    setup = cluster_with_members(old, members=3)
    read = {"year": cluster_in_year(old, setup.cluster_id, 2019).model_dump(), "head": old.position()}
    old.close()
    yield setup, read


def test_a_new_database_is_created_at_the_latest_schema_version(ledger_settings: Settings) -> None:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    try:
        assert current_version(ledger.recorder) == latest_version() == MIGRATIONS[-1].VERSION
        rows = ledger.recorder.query("SELECT version FROM {events}_schema_version ORDER BY version"
                                     .replace("{events}_schema_version", _version_table(ledger_settings)))
        assert [r[0] for r in rows] == [m.VERSION for m in MIGRATIONS]
    finally:
        ledger.close()


def test_migrations_are_numbered_in_order_without_gaps() -> None:
    assert [m.VERSION for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert all(m.DESCRIPTION for m in MIGRATIONS)


def test_upgrading_an_upgraded_database_applies_nothing(ledger_settings: Settings) -> None:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    try:
        assert upgrade(ledger.recorder) == []
        assert current_version(ledger.recorder) == latest_version()
    finally:
        ledger.close()


def test_a_database_of_the_previous_release_is_upgraded_in_place(
        ledger_settings: Settings, previous: tuple[ClusterSetup, dict[str, object]]) -> None:
    setup, read_before = previous
    ledger = Ledger(env=ledger_settings.eventstore_env())  # today's recorders migrate on open
    try:
        assert current_version(ledger.recorder) == latest_version()
        report = walk(ledger.recorder)
        assert report.ok, report.finding
        assert (report.checked, report.head_position) == (read_before["head"], read_before["head"])
        assert cluster_in_year(ledger, setup.cluster_id, 2019).model_dump() == read_before["year"]
        # And the upgraded ledger keeps recording, chained on from the migrated head.
        cluster_with_members(ledger, members=1)
        assert walk(ledger.recorder).ok
    finally:
        ledger.close()


def _version_table(settings: Settings) -> str:
    if settings.store == "sqlite":
        return "stored_events_schema_version"
    return f'"{settings.postgres_schema}".ledger_events_schema_version'


def test_the_upgraded_chain_covers_the_columns_reads_use(
        ledger_settings: Settings, previous: tuple[ClusterSetup, dict[str, object]]) -> None:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    try:
        moments = [r[0] for r in ledger.recorder.query("SELECT recorded_at FROM {chain} ORDER BY position")]
        assert moments == sorted(moments) and all(m.endswith("+00:00") for m in moments)
        tamper(ledger_settings, "UPDATE {chain} SET originator_version = 9 WHERE position = 5")
        report = walk(ledger.recorder)
        assert report.finding is not None and report.finding.position == 5
    finally:
        ledger.close()


def test_a_tampered_chain_of_the_previous_release_is_not_migrated(
        ledger_settings: Settings, previous: tuple[ClusterSetup, dict[str, object]]) -> None:
    # Rewriting the chain in the new format would launder the tampering: refuse, change nothing.
    tamper(ledger_settings, "UPDATE {events} SET state = ? WHERE {pos} = 5", (b'{"forged":true}',))
    with pytest.raises(MigrationRefused, match="position 5"):
        Ledger(env=ledger_settings.eventstore_env())
    old = Ledger(env=first_release_env(ledger_settings))
    try:
        assert current_version(old.recorder) == 1
        with pytest.raises(MigrationRefused, match="position 5"):
            upgrade(old.recorder)  # asked again, the same answer
        assert current_version(old.recorder) == 1
    finally:
        old.close()


def test_two_processes_opening_an_old_database_at_once_migrate_it_once(
        ledger_settings: Settings, previous: tuple[ClusterSetup, dict[str, object]]) -> None:
    # The API and the relay start together on the same store.
    def open_and_close() -> int:
        ledger = Ledger(env=ledger_settings.eventstore_env())
        try:
            return current_version(ledger.recorder)
        finally:
            ledger.close()

    with ThreadPoolExecutor(max_workers=3) as pool:
        versions = list(pool.map(lambda _: open_and_close(), range(3)))
    assert versions == [latest_version()] * 3
    ledger = Ledger(env=ledger_settings.eventstore_env())
    try:
        rows = ledger.recorder.query("SELECT version FROM {events}_schema_version ORDER BY version"
                                     .replace("{events}_schema_version", _version_table(ledger_settings)))
        assert [r[0] for r in rows] == [m.VERSION for m in MIGRATIONS]
        assert walk(ledger.recorder).ok
    finally:
        ledger.close()
