"""Auditors replay a year from the log, read an entity's provenance, follow a correction
back to its original, see what changed between two moments, and run the CLI."""

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

from thidua_events.facts import Provenance, Role
from thidua_events.facts.year import CriteriaAdopted, Criterion, ScoreCorrected, ScoreKind, ScoreRecorded
from thidua_ledger.application import Ledger
from thidua_ledger.audit.provenance import changes, correction_chain, history
from thidua_ledger.audit.replay import replay_year
from thidua_ledger.domain.year import year_id
from thidua_ledger.queries import standings
from thidua_ledger.settings import Settings

from tests.conftest import TOKEN_KEY
from tests.factories import CLERK, cluster_with_members

AUDIT = Provenance(actor="Phạm Văn Kiểm", role=Role.CLERK, reason="Phúc tra điểm", source_ref="BB-09")


def scored_year(ledger: Ledger) -> tuple[object, list, int]:
    setup = cluster_with_members(ledger, members=2)
    c = setup.cluster_id
    ledger.record(CriteriaAdopted(effective_date=date(2019, 1, 5), cluster_id=c, year=2019, criteria=(
        Criterion(code="1", title="Xây dựng lực lượng", max_points=Decimal(60)),)), CLERK)
    first, second = uuid4(), uuid4()
    ledger.record(ScoreRecorded(effective_date=date(2019, 11, 1), cluster_id=c, year=2019, score_id=first,
                                unit_id=setup.units[0], criterion_code="1", points=Decimal(50),
                                kind=ScoreKind.SELF), CLERK)
    before = ledger.position()
    ledger.record(ScoreCorrected(effective_date=date(2019, 12, 2), cluster_id=c, year=2019,
                                 score_id=second, corrects_score_id=first, points=Decimal(55)), AUDIT)
    third = uuid4()
    ledger.record(ScoreCorrected(effective_date=date(2019, 12, 9), cluster_id=c, year=2019,
                                 score_id=third, corrects_score_id=second, points=Decimal(56)), AUDIT)
    return setup, [first, second, third], before


def test_a_replayed_year_matches_the_live_state(ledger_settings: Settings) -> None:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    setup, _, before = scored_year(ledger)
    now = replay_year(ledger, setup.cluster_id, 2019)
    assert now.matches and now.events_read == ledger.position()
    # the cluster: formed, two units joined; the year: opened, criteria, a score, two corrections
    assert now.events_applied == 3 + 5
    earlier = replay_year(ledger, setup.cluster_id, 2019, known_at=before)
    assert earlier.matches and earlier.events_read == before
    ledger.close()


def test_history_names_actor_role_reason_source_and_both_clocks(ledger_settings: Settings) -> None:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    setup, _, _ = scored_year(ledger)
    events = history(ledger, year_id(setup.cluster_id, 2019))
    assert [e.type for e in events] == ["YearOpened", "CriteriaAdopted", "ScoreRecorded",
                                        "ScoreCorrected", "ScoreCorrected"]
    assert [e.position for e in events] == sorted(e.position for e in events)
    assert events[-1].provenance == AUDIT
    assert events[-1].effective_date == date(2019, 12, 9)
    assert events[0].recorded_at <= events[-1].recorded_at
    ledger.close()


def test_a_correction_leads_back_to_the_score_it_corrects(ledger_settings: Settings) -> None:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    setup, (first, second, third), _ = scored_year(ledger)
    chain = correction_chain(ledger, setup.cluster_id, 2019, third)
    assert [e.fact().score_id for e in chain] == [first, second, third]
    assert [str(e.fact().points) for e in chain] == ["50", "55", "56"]
    ledger.close()


def test_what_changed_between_two_moments(ledger_settings: Settings) -> None:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    setup, _, before = scored_year(ledger)
    diff = changes(ledger, setup.cluster_id, 2019, before, ledger.position(), standings)
    assert list(diff["changed"]) == ["standings"]
    assert diff["changed"]["standings"]["before"][0]["total"] == "50.00"
    assert diff["changed"]["standings"]["after"][0]["total"] == "56.00"
    assert [e["type"] for e in diff["events"]] == ["ScoreCorrected", "ScoreCorrected"]
    ledger.close()


def test_the_verify_command_reports_tampering_as_json(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    ledger = Ledger(env=Settings(sqlite_path=path, token_key=TOKEN_KEY).eventstore_env())
    cluster_with_members(ledger, members=2)
    ledger.close()
    env = {**os.environ, "LEDGER_STORE": "sqlite", "LEDGER_SQLITE_PATH": str(path),
           "THIDUA_TOKEN_KEY": TOKEN_KEY}
    command = [sys.executable, "-m", "thidua_ledger.cli", "verify", "--json"]
    intact = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert intact.returncode == 0, intact.stderr
    assert json.loads(intact.stdout)["ok"] is True
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE stored_events SET state = ? WHERE rowid = 3", (b"{}",))
    broken = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert broken.returncode == 1
    finding = json.loads(broken.stdout)["finding"]
    assert (finding["kind"], finding["position"]) == ("altered", 3)
