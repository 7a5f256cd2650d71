"""Auditors replay a year from the log, read an entity's provenance, follow a correction
back to its original, see what changed between two moments, and run the CLI."""

import gc
import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from thidua_events.facts import Provenance, Role
from thidua_events.facts.year import (
    CommendationsCounted,
    CriteriaAdopted,
    Criterion,
    ScoreCorrected,
    ScoreKind,
    ScoreRecorded,
)
from thidua_ledger.application import Ledger
from thidua_ledger.audit.clocks import Clock, load
from thidua_ledger.audit.parallel import replay_in_parallel
from thidua_ledger.audit.provenance import changes, correction_chain, history
from thidua_ledger.audit.replay import rebuild, replay_all, replay_year, report_on
from thidua_ledger.domain.errors import NotFound
from thidua_ledger.domain.snapshots import UNSEALED, decode, encode
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.feed import fact_events, paused_gc
from thidua_ledger.queries import standings
from thidua_ledger.settings import Settings

from tests.factories import CLERK, cluster_with_members, collective, conferral, revocation, wide_scale
from tests.intruder import tamper
from tests.tokens import SIGNING_KEY_FILE

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
    assert now.matches and now.events_read == facts_up_to(ledger)
    # the cluster: formed, two units joined; the year: opened, criteria, a score, two corrections
    assert (now.events_applied, now.entities_compared) == (3 + 5, 2)
    earlier = replay_year(ledger, setup.cluster_id, 2019, known_at=before)
    assert earlier.matches and earlier.events_read == facts_up_to(ledger, before)
    ledger.close()


def test_a_year_not_in_the_log_is_not_found(ledger_settings: Settings) -> None:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    setup, _, _ = scored_year(ledger)
    with pytest.raises(NotFound, match="EmulationYear"):
        replay_year(ledger, setup.cluster_id, 2018)
    ledger.close()


def facts_up_to(ledger: Ledger, position: int | None = None) -> int:
    """How many facts the log holds up to a position (its internal index events aside)."""
    return sum(1 for _ in fact_events(ledger, until=position))


def long_year(ledger: Ledger, scores: int) -> tuple[UUID, list[UUID], list[int]]:
    """A year long enough to be read from a snapshot (one every 100 events); returns the
    year's id, its score ids and the log position of each score."""
    setup = cluster_with_members(ledger, members=2)
    c = setup.cluster_id
    ledger.record(CriteriaAdopted(effective_date=date(2019, 1, 5), cluster_id=c, year=2019,
                                  criteria=wide_scale(scores)), CLERK)
    ids, positions = [], []
    for n in range(scores):
        ids.append(uuid4())
        positions.append(ledger.record(ScoreRecorded(
            effective_date=date(2019, 11, 1), cluster_id=c, year=2019, score_id=ids[-1],
            unit_id=setup.units[n % 2], criterion_code=str(n + 1), points=Decimal(n % 50), kind=ScoreKind.SELF),
            CLERK).position)
    return year_id(c, 2019), ids, positions


def doctor_snapshot(ledger: Ledger, settings: Settings, entity_id: UUID, score_id: UUID) -> int:
    """Rewrite a score inside the entity's stored snapshot, as a bug in a past release
    might have (so sealed by the ledger itself); the log itself stays intact. Returns the
    snapshot's version."""
    [snapshot] = ledger.snapshots.get(entity_id, desc=True, limit=1)  # type: ignore[union-attr]
    state = decode(snapshot.state["encoded"])
    unit, criterion, _, kind, by = state["scores"][score_id]
    state["scores"][score_id] = (unit, criterion, Decimal(59), kind, by)
    forged = ledger.snapshots.mapper.to_stored_event(  # type: ignore[union-attr]
        replace(snapshot, state={**snapshot.state, "seal": UNSEALED, "encoded": encode(state)}))
    tamper(settings, "UPDATE {snapshots} SET state = ? WHERE originator_id = ? AND originator_version = ?",
           (forged.state, entity_id.hex if settings.store == "sqlite" else entity_id, snapshot.originator_version))
    return int(snapshot.originator_version)


def test_a_replay_names_the_first_event_where_the_live_state_parts_from_the_log(
        ledger_settings: Settings) -> None:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    entity_id, scores, positions = long_year(ledger, 120)  # opened, criteria, 120 scores
    cluster_id = ledger.get(EmulationYear, entity_id).cluster_id
    assert replay_year(ledger, cluster_id, 2019).matches
    version = doctor_snapshot(ledger, ledger_settings, entity_id, scores[3])
    assert version == 100

    report = replay_year(ledger, cluster_id, 2019)
    assert not report.matches
    [mismatch] = report.mismatches
    assert (mismatch.entity_id, mismatch.kind, mismatch.differing_fields) == (entity_id, "EmulationYear",
                                                                               ["scores"])
    # event 100 is the 98th score: the first the live read takes from the doctored snapshot
    assert mismatch.first_difference == {"position": positions[97], "type": "ScoreRecorded",
                                         "entity_id": str(entity_id), "entity_version": 100}
    # known at a position before the snapshot, the live read does not use it
    assert replay_year(ledger, cluster_id, 2019, known_at=positions[90]).matches
    ledger.close()


def test_replaying_everything_rebuilds_every_projection_and_finds_the_one_that_differs(
        ledger_settings: Settings) -> None:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    setup, _, _ = scored_year(ledger)
    entity_id, scores, _ = long_year(ledger, 110)
    rebuilt, report = replay_all(ledger)
    assert report.matches and report.events_read == facts_up_to(ledger)
    assert rebuilt.position == ledger.position()
    assert set(rebuilt.entities) == {setup.cluster_id, year_id(setup.cluster_id, 2019), entity_id,
                                     ledger.get(EmulationYear, entity_id).cluster_id}
    assert rebuilt.entities[entity_id].current_scores() == ledger.get(EmulationYear, entity_id).current_scores()

    doctor_snapshot(ledger, ledger_settings, entity_id, scores[0])
    _, report = replay_all(ledger)
    assert [m.entity_id for m in report.mismatches] == [entity_id]
    assert report.entities_compared == 4
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
    ledger = Ledger(env=Settings(sqlite_path=path, signing_key_file=SIGNING_KEY_FILE).eventstore_env())
    cluster_with_members(ledger, members=2)
    ledger.close()
    env = {**os.environ, "LEDGER_STORE": "sqlite", "LEDGER_SQLITE_PATH": str(path),
           "THIDUA_SIGNING_KEY_FILE": str(SIGNING_KEY_FILE)}
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


def test_the_replay_command_checks_everything_and_explains_bad_arguments(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    ledger = Ledger(env=Settings(sqlite_path=path, signing_key_file=SIGNING_KEY_FILE).eventstore_env())
    setup, _, before = scored_year(ledger)
    facts, facts_before = facts_up_to(ledger), facts_up_to(ledger, before)
    ledger.close()
    env = {**os.environ, "LEDGER_STORE": "sqlite", "LEDGER_SQLITE_PATH": str(path),
           "THIDUA_SIGNING_KEY_FILE": str(SIGNING_KEY_FILE)}

    def replay(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "thidua_ledger.cli", "replay", *args],
                              env=env, capture_output=True, text=True, check=False)

    everything = replay("--all", "--json")
    assert everything.returncode == 0, everything.stderr
    report = json.loads(everything.stdout)
    assert (report["matches"], report["events_read"], report["entities_compared"], report["awards"]) == (
        True, facts, 2, 0)
    shared = replay("--all", "--workers", "2", "--json")
    assert shared.returncode == 0, shared.stderr
    assert json.loads(shared.stdout) == report
    one = replay("--cluster", str(setup.cluster_id), "--year", "2019", "--known-at", str(before), "--json")
    assert one.returncode == 0, one.stderr
    assert (json.loads(one.stdout)["known_at"], json.loads(one.stdout)["events_read"]) == (before, facts_before)
    missing = replay("--cluster", str(setup.cluster_id), "--year", "2018")
    assert missing.returncode == 2 and "EmulationYear" in missing.stderr
    vague = replay("--year", "2019")
    assert vague.returncode == 2 and "--all" in vague.stderr


def test_a_replay_shared_among_processes_rebuilds_what_one_process_does(ledger_settings: Settings) -> None:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    clusters = [cluster_with_members(ledger, members=2) for _ in range(4)]
    for n, setup in enumerate(clusters):
        ledger.record(CommendationsCounted(effective_date=date(2019, 12, 20), cluster_id=setup.cluster_id,
                                           year=2019, collectives=n + 1, individuals=10 * n), CLERK)
        conferred = conferral(setup, collective(setup.units[0]), collective(setup.units[1]))
        ledger.record(conferred, CLERK)
        if n % 2:  # a revocation is a decree of its own, revoking another
            ledger.record(revocation(setup, conferred, collective(setup.units[1])), CLERK)
    entity_id, scores, _ = long_year(ledger, 105)

    single = rebuild(ledger)
    register, report = replay_in_parallel(ledger_settings, ledger, workers=2)
    assert report.matches
    assert (report.events_read, report.events_applied, report.entities_compared) == (
        single.events_read, single.events_applied, len(single.entities))
    assert register.entries == single.register.entries
    assert len([e for e in register.entries.values() if e.revoked_by_decree_no]) == 2
    assert register.counts == single.register.counts and len(register.counts) == 4

    doctor_snapshot(ledger, ledger_settings, entity_id, scores[0])
    _, report = replay_in_parallel(ledger_settings, ledger, workers=3)
    assert [m.entity_id for m in report.mismatches] == [entity_id]
    ledger.close()


def test_what_is_recorded_during_a_replay_is_not_a_difference(ledger_settings: Settings) -> None:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    setup, _, _ = scored_year(ledger)
    rebuilt = rebuild(ledger)
    ledger.record(ScoreRecorded(effective_date=date(2019, 11, 2), cluster_id=setup.cluster_id, year=2019,
                                score_id=uuid4(), unit_id=setup.units[1], criterion_code="1", points=Decimal(40),
                                kind=ScoreKind.SELF), CLERK)  # a clerk at work meanwhile
    assert report_on(ledger, rebuilt, None).matches
    ledger.close()


def test_a_replay_leaves_the_collector_as_it_found_it() -> None:
    gc.disable()
    try:
        with paused_gc(), paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_view_between_a_backdated_correction_and_its_score_leaves_both_out(ledger_settings: Settings) -> None:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    setup, (first, _, _), _ = scored_year(ledger)  # scored 1-11, corrected 2-12 and 9-12
    c = setup.cluster_id
    late, early = uuid4(), uuid4()
    ledger.record(ScoreRecorded(effective_date=date(2019, 11, 20), cluster_id=c, year=2019, score_id=late,
                                unit_id=setup.units[1], criterion_code="1", points=Decimal(30),
                                kind=ScoreKind.SELF), CLERK)
    # Recorded before the rule correction-after-the-score refused it: the view must still hold.
    year = ledger.get(EmulationYear, year_id(c, 2019))
    year.record(ScoreCorrected(effective_date=date(2019, 11, 15), cluster_id=c, year=2019, score_id=early,
                               corrects_score_id=late, points=Decimal(31)), AUDIT)  # dated before the score
    ledger.save(year)
    between = load(ledger, EmulationYear, year_id(c, 2019), Clock(as_of=date(2019, 11, 17)))
    assert set(between.current_scores()) == {first}
    after = load(ledger, EmulationYear, year_id(c, 2019), Clock(as_of=date(2019, 11, 30)))
    assert set(after.current_scores()) == {first, early}  # both in view: the correction holds
    ledger.close()
