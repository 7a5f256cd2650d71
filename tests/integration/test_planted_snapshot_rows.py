"""Rows put in the snapshot table by someone with the database, in forms the ledger never
writes: SQLite keeps whatever a column is given (an id that is no UUID, a version that is no
integer, a state that is text). The auditor's `verify --snapshots` names each such row, and
stops at none; a read of the entity folds it from the log. (On PostgreSQL the columns are
typed: the database itself refuses these rows.)"""

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from thidua_ledger.application import Ledger
from thidua_ledger.audit.snapshots import check_snapshots
from thidua_ledger.domain.cluster import Cluster
from thidua_ledger.settings import Settings
from thidua_ledger.snapshot_store import SNAPSHOT_TOPIC

from tests.factories import ClusterSetup, cluster_with_members
from tests.tokens import SIGNING_KEY_FILE

TOPIC = SNAPSHOT_TOPIC  # stored as the ledger stores its own


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(store="sqlite", sqlite_path=tmp_path / "ledger.sqlite", signing_key_file=SIGNING_KEY_FILE)


@pytest.fixture
def cluster(settings: Settings) -> ClusterSetup:
    ledger = Ledger(env=settings.eventstore_env())
    try:
        return cluster_with_members(ledger, members=2)
    finally:
        ledger.close()


def plant(settings: Settings, *row: Any) -> None:
    with sqlite3.connect(settings.sqlite_path) as conn:
        conn.execute("INSERT INTO stored_snapshots (originator_id, originator_version, topic, state) "
                     "VALUES (?, ?, ?, ?)", row)


def planted_rows(cluster: ClusterSetup) -> dict[str, tuple[Any, ...]]:
    return {
        "an id that is no UUID": ("not-an-entity", 100, TOPIC, b"{}"),
        "a version that is no integer": (cluster.cluster_id.hex, "latest", TOPIC, b"{}"),
        "a state that is text": (cluster.cluster_id.hex, 1, TOPIC, '{"state": "text"}'),
    }


@pytest.mark.parametrize("case", ["an id that is no UUID", "a version that is no integer", "a state that is text"])
def test_verify_names_a_snapshot_row_the_ledger_never_writes_and_goes_on(
        settings: Settings, cluster: ClusterSetup, case: str) -> None:
    plant(settings, *planted_rows(cluster)[case])
    ledger = Ledger(env=settings.eventstore_env())
    try:
        checked, findings = check_snapshots(ledger)
    finally:
        ledger.close()
    assert checked == 1
    [finding] = findings
    assert finding.verdict in ("foreign", "doctored"), finding


def test_a_snapshot_row_whose_version_is_no_integer_is_passed_over_by_reads(
        settings: Settings, cluster: ClusterSetup) -> None:
    plant(settings, cluster.cluster_id.hex, "latest", TOPIC, b"{}")
    ledger = Ledger(env=settings.eventstore_env())
    try:
        assert ledger.get(Cluster, cluster.cluster_id).version >= 1
    finally:
        ledger.close()
