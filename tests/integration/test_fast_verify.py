"""`ledger verify`'s fast path gives exactly `walk`'s report, intact or tampered, however the
log is cut into segments and however many processes share them (SQLite and PostgreSQL)."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from uuid import uuid4

import pytest
from thidua_ledger.application import Ledger
from thidua_ledger.audit import fast_verify
from thidua_ledger.audit.verify import walk
from thidua_ledger.settings import Settings

from tests.factories import cluster_with_members
from tests.integration.test_chain_coverage import EDITS
from tests.intruder import tamper
from tests.tokens import SIGNING_KEY_FILE


@pytest.fixture
def ledger(ledger_settings: Settings) -> Iterator[Ledger]:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    cluster_with_members(ledger, members=3)  # 18 events
    yield ledger
    ledger.close()


@pytest.mark.parametrize("segment", [4, 7, 50_000])
def test_an_intact_log_gets_walks_report_whatever_the_segments(ledger: Ledger, segment: int) -> None:
    report = fast_verify.verify(ledger.recorder, segment=segment)
    assert report == walk(ledger.recorder)
    assert report.ok and (report.checked, report.head_position) == (18, 18)


@pytest.mark.parametrize("column", sorted(EDITS))
def test_any_edited_column_is_named_as_walk_names_it(ledger: Ledger, ledger_settings: Settings,
                                                     column: str) -> None:
    statement, kind = EDITS[column]
    params: tuple[object, ...] = ()
    if column == "events.state":
        state = ledger.recorder.query("SELECT state FROM {events} WHERE " +
                                      ("rowid" if ledger_settings.store == "sqlite" else "notification_id") +
                                      " = 10")[0][0]
        params = (bytes(state).replace("Phòng số 2".encode(), "Phòng số 9".encode()),)
    elif column == "chain.originator_id":
        params = (str(uuid4()),)
    elif column == "chain.content":
        params = ("0" * 64,)
    tamper(ledger_settings, statement, params)
    report = fast_verify.verify(ledger.recorder, segment=4)
    assert report.finding is not None and (report.finding.kind, report.finding.position) == (kind, 10)
    assert report == walk(ledger.recorder)


@pytest.mark.parametrize("edit", [
    "DELETE FROM {chain} WHERE position = 18",  # the tail of the chain
    "DELETE FROM {events} WHERE {pos} = 18",  # the tail of the log
    "DELETE FROM {chain} WHERE position <= 4",  # a whole segment's chain
])
def test_a_missing_tail_or_segment_is_found(ledger: Ledger, ledger_settings: Settings, edit: str) -> None:
    tamper(ledger_settings, edit)
    report = fast_verify.verify(ledger.recorder, segment=4)
    assert not report.ok
    assert report == walk(ledger.recorder)


def test_workers_share_the_segments_and_agree(ledger: Ledger, ledger_settings: Settings) -> None:
    opener = partial(fast_verify.settings_recorder, ledger_settings)
    intact = fast_verify.verify(ledger.recorder, workers=2, open_recorder=opener, segment=5)
    assert intact == walk(ledger.recorder)
    tamper(ledger_settings, "UPDATE {events} SET state = ? WHERE {pos} = 12", (b'{"forged":true}',))
    broken = fast_verify.verify(ledger.recorder, workers=2, open_recorder=opener, segment=5)
    assert broken.finding is not None and (broken.finding.kind, broken.finding.position) == ("altered", 12)


def test_the_verify_command_with_workers_and_progress(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    ledger = Ledger(env=Settings(sqlite_path=path, signing_key_file=SIGNING_KEY_FILE).eventstore_env())
    cluster_with_members(ledger, members=2)
    ledger.close()
    env = {**os.environ, "LEDGER_STORE": "sqlite", "LEDGER_SQLITE_PATH": str(path),
           "THIDUA_SIGNING_KEY_FILE": str(SIGNING_KEY_FILE)}
    command = [sys.executable, "-m", "thidua_ledger.cli", "verify", "--json", "--workers", "2", "--progress"]
    answer = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout)["ok"] is True
    assert "verified up to position 14" in answer.stderr
