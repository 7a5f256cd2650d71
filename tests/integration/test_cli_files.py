"""The CLI an auditor can trust (issue 14, part 4): real SQLite files, the `ledger` command run
as a subprocess, as an auditor runs it.

These are about the SQLite file an auditor is handed (a missing path, a copy without its -wal,
a consistent backup), so they run on SQLite only; PostgreSQL has no file to get wrong.
"""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from thidua_ledger.application import Ledger, open_ledger
from thidua_ledger.settings import Settings

from tests.factories import ClusterSetup, cluster_with_members


def ledger_cli(path: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("LEDGER_DIGEST_")},
           "LEDGER_STORE": "sqlite", "LEDGER_SQLITE_PATH": str(path),
           "COLUMNS": "200", **variables}  # a wide terminal: the 80-column table must not depend on it
    return subprocess.run([sys.executable, "-m", "thidua_ledger.cli", *args], env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[Path, Ledger, ClusterSetup]]:
    """A ledger still open, as a running server holds it: its latest events are in the -wal."""
    path = tmp_path / "ledger.sqlite"
    ledger = open_ledger(Settings(store="sqlite", sqlite_path=path))
    setup = cluster_with_members(ledger, members=2)
    try:
        yield path, ledger, setup
    finally:
        ledger.close()


@pytest.mark.parametrize("command", [["verify"], ["history", str(uuid4())], ["replay", "--all"], ["digest"],
                                     ["relay", "--status"]])
def test_reading_a_ledger_file_that_does_not_exist_refuses_and_names_it(tmp_path: Path,
                                                                       command: list[str]) -> None:
    missing = tmp_path / "typo" / "ledger.sqlite"
    answer = ledger_cli(missing, *command)
    assert answer.returncode == 2, answer.stderr
    assert str(missing) in " ".join(answer.stderr.split())
    assert "chain intact" not in answer.stdout + answer.stderr
    assert not missing.exists() and not missing.parent.exists()  # nothing created, not even the folder


def test_the_demo_loader_creates_the_database(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    assert ledger_cli(path, "load-demo").returncode == 0
    assert "chain intact" in ledger_cli(path, "verify").stderr


def test_history_of_an_unknown_entity_is_one_line(running: tuple[Path, Ledger, ClusterSetup]) -> None:
    path, _, _ = running
    unknown = uuid4()
    for argument, said in ((str(unknown), f"no entity {unknown}"), ("UNKNOWN", "UNKNOWN is not an entity id")):
        answer = ledger_cli(path, "history", argument)
        assert answer.returncode == 2
        lines = [line for line in (answer.stdout + answer.stderr).splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith(said), lines


def test_history_shows_each_facts_data_in_80_columns(running: tuple[Path, Ledger, ClusterSetup]) -> None:
    path, _, setup = running
    unit = setup.units[0]
    narrow = ledger_cli(path, "history", str(unit))
    assert narrow.returncode == 0, narrow.stderr
    lines = narrow.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    text = "".join(line.replace("│", "").replace(" ", "") for line in lines)
    # the fact's data, ids whole (folded across lines, never cut)
    for shown in ("UnitRegistered", "name:Phòngsố1", f"authority_id:{setup.authority_id}"):
        assert shown in text
    wide = ledger_cli(path, "history", str(unit), "--wide")
    assert any("UnitRegistered" in line and f"unit_id: {unit}" in line for line in wide.stdout.splitlines())
    assert max(len(line) for line in wide.stdout.splitlines()) > 80


def test_a_copy_without_its_wal_warns_that_it_may_be_incomplete(running: tuple[Path, Ledger, ClusterSetup],
                                                                tmp_path: Path) -> None:
    path, ledger, _ = running
    assert Path(f"{path}-wal").exists()  # the running ledger's latest events are there
    copy = tmp_path / "copy.sqlite"
    shutil.copy(path, copy)
    answer = ledger_cli(copy, "verify")
    said = " ".join(answer.stderr.split())
    assert "warning" in said and "copy.sqlite-wal" in said and "ledger backup" in said
    assert f"{ledger.position()} events" not in said  # and indeed it lacks them

    # near miss: a -wal copied without the -shm a running ledger keeps beside it
    stale = tmp_path / "stale.sqlite"
    shutil.copy(path, stale)
    shutil.copy(f"{path}-wal", f"{stale}-wal")
    said = " ".join(ledger_cli(stale, "verify").stderr.split())
    assert "warning" in said and "stale.sqlite-shm" in said


def test_ledger_backup_makes_a_consistent_copy_of_a_running_ledger(running: tuple[Path, Ledger, ClusterSetup],
                                                                  tmp_path: Path) -> None:
    path, ledger, _ = running
    target = tmp_path / "backup.sqlite"
    made = ledger_cli(path, "backup", str(target))
    assert made.returncode == 0, made.stderr
    assert target.exists() and not Path(f"{target}-wal").exists()
    checked = ledger_cli(target, "verify")
    said = " ".join(checked.stderr.split())
    assert checked.returncode == 0 and "warning" not in said
    assert f"chain intact: {ledger.position()} events" in said  # every event, those in the -wal too

    # a backup never overwrites, and never reads a ledger that is not there
    again = ledger_cli(path, "backup", str(target))
    assert again.returncode == 2 and str(target) in " ".join(again.stderr.split())
    missing = tmp_path / "nowhere.sqlite"
    answer = ledger_cli(missing, "backup", str(tmp_path / "other.sqlite"))
    assert answer.returncode == 2 and str(missing) in " ".join(answer.stderr.split())
    assert not missing.exists() and not (tmp_path / "other.sqlite").exists()
