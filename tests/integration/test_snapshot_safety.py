"""Snapshots hold data, never code: decoding one constructs only the ledger's own listed
types, and a snapshot that does not match its seal and the chain is refused (the read
folds from the log instead, and nothing is stored), on SQLite and PostgreSQL."""

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from pydantic import SecretStr
from thidua_events.facts import Provenance, Role
from thidua_events.facts.cluster import BallotBasis, BallotThreshold, RegulationAdopted
from thidua_events.facts.corrections import FactCorrected, FactRetracted
from thidua_events.facts.year import CriteriaAdopted, ScoreKind, ScoreRecorded
from thidua_ledger import scenario
from thidua_ledger.application import Ledger, Receipt, fold
from thidua_ledger.audit.clocks import Clock, load
from thidua_ledger.audit.replay import state_of
from thidua_ledger.audit.snapshots import check_snapshots
from thidua_ledger.domain.cluster import Cluster
from thidua_ledger.domain.snapshots import EntitySnapshot, SnapshotRefused, decode, encode
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.settings import Settings
from thidua_ledger.snapshot_store import seal

from tests.factories import CLERK, cluster_with_members, wide_scale
from tests.intruder import tamper

FIX = Provenance(actor="Nguyễn Thị Thư ký", role=Role.CLERK, reason="Chấm nhầm, đính chính theo biên bản")
SEAL_KEY = "snapshot-seal-key-for-tests-only-0123"


def test_decoding_a_snapshot_never_calls_a_stored_name(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    with pytest.raises(SnapshotRefused, match="os:system"):
        decode({"~e": "os:system", "v": f"touch {marker}"})
    assert not marker.exists()


@pytest.mark.parametrize("tag", ["~e", "~m"])
def test_a_snapshot_type_outside_the_list_is_refused(tag: str) -> None:
    # The near miss: a real, importable class of the contract that the list does not name.
    with pytest.raises(SnapshotRefused, match="not a snapshot type"):
        decode({tag: "thidua_events.facts.base:Fact", "v": {}})
    with pytest.raises(SnapshotRefused, match="not a snapshot type"):
        decode({tag: "Fact", "v": {}})


def test_an_unknown_tag_is_refused() -> None:
    with pytest.raises(SnapshotRefused, match="unknown snapshot tag"):
        decode({"~x": "anything"})


def test_snapshot_tags_name_types_by_stable_name_not_module_path() -> None:
    # Moving ScoreKind to another module must not strand a snapshot that holds one.
    assert encode(ScoreKind.SELF) == {"~e": "ScoreKind", "v": "self"}


@dataclass
class Year:
    ledger: Ledger
    settings: Settings
    entity_id: UUID
    cluster_id: UUID


def long_year(ledger: Ledger, settings: Settings, scores: int = 110) -> Year:
    """A year with a snapshot at version 100 and some events after it."""
    setup = cluster_with_members(ledger, members=2)
    c = setup.cluster_id
    ledger.record(CriteriaAdopted(effective_date=date(2019, 1, 5), cluster_id=c, year=2019,
                                  criteria=wide_scale(scores)), CLERK)
    for n in range(scores):
        ledger.record(ScoreRecorded(effective_date=date(2019, 11, 1), cluster_id=c, year=2019, score_id=uuid4(),
                                    unit_id=setup.units[n % 2], criterion_code=str(n + 1), points=Decimal(n % 50),
                                    kind=ScoreKind.SELF), CLERK)
    return Year(ledger, settings, year_id(c, 2019), c)


@pytest.fixture
def year(ledger_settings: Settings) -> Iterator[Year]:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    yield long_year(ledger, ledger_settings)
    ledger.close()


def stored_state(year: Year, version: int = 100, entity_id: UUID | None = None) -> bytes:
    assert year.ledger.snapshots is not None
    [stored] = year.ledger.snapshots.recorder.select_events(entity_id or year.entity_id, gt=version - 1,
                                                            lte=version)
    return bytes(stored.state)


def put_state(year: Year, state: bytes, version: int = 100, entity_id: UUID | None = None) -> None:
    entity = entity_id or year.entity_id
    tamper(year.settings, "UPDATE {snapshots} SET state = ? WHERE originator_id = ? AND originator_version = ?",
           (state, entity.hex if year.settings.store == "sqlite" else entity, version))


def resealed(state: bytes, entity_id: UUID, key: str = "", version: int = 100) -> bytes:
    """What an intruder who knows the seal's recipe (but not the ledger's key) writes."""
    unsealed = re.sub(rb'"seal":"[0-9a-f]{64}"', b'"seal":"' + b"0" * 64 + b'"', state, count=1)
    mark = seal(key.encode(), entity_id, version, unsealed)
    return unsealed.replace(b'"seal":"' + b"0" * 64 + b'"', b'"seal":"' + mark.encode() + b'"', 1)


def from_log(year: Year) -> dict[str, Any]:
    return state_of(fold(None, year.ledger.events.get(year.entity_id)))


def assert_read_from_the_log(year: Year) -> None:
    position = year.ledger.position()
    assert state_of(year.ledger.get(EmulationYear, year.entity_id)) == from_log(year)
    assert year.ledger.position() == position  # nothing stored


INJECTED = b'{"~e":"os:system","v":"touch %s"}'


@pytest.mark.parametrize("intruder", ["edits", "edits-and-reseals"])
def test_a_snapshot_injected_with_code_is_refused_and_the_read_folds_from_the_log(
        year: Year, tmp_path: Path, intruder: str) -> None:
    marker = tmp_path / "ran"
    state = stored_state(year).replace(b'{"~e":"ScoreKind","v":"self"}', INJECTED % str(marker).encode(), 1)
    assert b"os:system" in state
    put_state(year, resealed(state, year.entity_id) if intruder == "edits-and-reseals" else state)
    assert_read_from_the_log(year)
    assert not marker.exists()
    _, findings = check_snapshots(year.ledger)
    assert [(f.version, f.verdict) for f in findings] == [
        (100, "unknown-type" if intruder == "edits-and-reseals" else "doctored")]
    assert not marker.exists()


@pytest.mark.parametrize("intruder", ["copies", "copies-and-reseals"])
def test_a_snapshot_of_another_year_is_refused(year: Year, intruder: str) -> None:
    other = long_year(year.ledger, year.settings)
    state = stored_state(year, entity_id=other.entity_id)
    put_state(year, resealed(state, year.entity_id) if intruder == "copies-and-reseals" else state)
    with pytest.raises(SnapshotRefused, match="does not match the chain" if intruder == "copies-and-reseals"
                       else "seal"):
        assert year.ledger.snapshots is not None
        [stored] = year.ledger.snapshots.recorder.select_events(year.entity_id, gt=99, lte=100)
        year.ledger.checked_snapshot(stored)
    assert_read_from_the_log(year)


def test_a_snapshot_doctored_with_a_score_and_resealed_without_the_key_is_refused(ledger_settings: Settings) -> None:
    settings = ledger_settings.model_copy(update={"snapshot_key": SecretStr(SEAL_KEY)})
    ledger = Ledger(env=settings.eventstore_env())
    try:
        year = long_year(ledger, settings)
        doctored = stored_state(year).replace(b'{"~n":"7"}', b'{"~n":"49"}', 1)
        assert doctored != stored_state(year)
        put_state(year, resealed(doctored, year.entity_id))  # the right recipe, the wrong key
        assert_read_from_the_log(year)
        _, findings = check_snapshots(year.ledger)
        assert [(f.version, f.verdict) for f in findings] == [(100, "doctored")]
    finally:
        ledger.close()


def test_verify_snapshots_reports_a_resealed_snapshot_that_differs_from_the_log(year: Year) -> None:
    # Without a seal key the live check cannot tell a resealed forgery; the auditor's can.
    doctored = stored_state(year).replace(b'{"~n":"7"}', b'{"~n":"49"}', 1)
    put_state(year, resealed(doctored, year.entity_id))
    checked, findings = check_snapshots(year.ledger)
    assert checked == 1
    [finding] = findings
    assert (finding.entity_id, finding.version, finding.verdict) == (year.entity_id, 100, "differs-from-log")
    assert "scores" in finding.detail


def test_an_old_format_snapshot_is_ignored_and_rebuilt(year: Year) -> None:
    # As the first format stored it: no format, link or seal, and tags naming module paths.
    current = stored_state(year)
    old = re.sub(rb'"format":\d+,"position":\d+,"chain":"[0-9a-f]{64}","seal":"[0-9a-f]{64}",', b"", current)
    old = old.replace(b'"~e":"ScoreKind"', b'"~e":"thidua_events.facts.year:ScoreKind"')
    put_state(year, old)
    assert_read_from_the_log(year)
    assert stored_state(year) != old  # rebuilt in place...
    assert year.ledger.snapshots is not None
    [stored] = year.ledger.snapshots.recorder.select_events(year.entity_id, gt=99, lte=100)
    assert year.ledger.checked_snapshot(stored).originator_version == 100  # ...and sound again
    assert check_snapshots(year.ledger) == (1, [])


def test_the_verify_command_reports_refused_snapshots(tmp_path: Path) -> None:
    settings = Settings(sqlite_path=tmp_path / "ledger.sqlite")
    ledger = Ledger(env=settings.eventstore_env())
    year = long_year(ledger, settings)
    injected = stored_state(year).replace(b'"~e":"ScoreKind"', b'"~e":"os:system"', 1)
    ledger.close()
    env = {**os.environ, "LEDGER_STORE": "sqlite", "LEDGER_SQLITE_PATH": str(settings.sqlite_path)}
    command = [sys.executable, "-m", "thidua_ledger.cli", "verify", "--snapshots", "--json"]
    intact = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert intact.returncode == 0, intact.stderr
    assert json.loads(intact.stdout)["snapshots"] == {"checked": 1, "findings": []}
    put_state(year, injected)
    broken = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert broken.returncode == 1
    report = json.loads(broken.stdout)
    assert report["ok"] is True  # the chain itself is intact: snapshots are outside it
    [finding] = report["snapshots"]["findings"]
    assert (finding["entity_id"], finding["version"], finding["verdict"]) == (str(year.entity_id), 100, "doctored")


def test_every_type_the_articles_put_in_an_entity_is_a_snapshot_type(tmp_path: Path) -> None:
    # A type missing from SNAPSHOT_TYPES would make taking a snapshot fail: the articles'
    # scenario holds every kind of fact the clusters and years fold.
    settings = Settings(sqlite_path=tmp_path / "ledger.sqlite")
    ledger = Ledger(env=settings.eventstore_env())
    try:
        scenario.load(ledger)
        # The articles state no ballot threshold; a regulation may (quá 1/2 số phiếu hợp lệ).
        any_cluster = next(n.originator_id for n in ledger.recorder.select_notifications(start=1, limit=100_000)
                           if n.topic.endswith("Cluster.Registered"))
        ledger.record(RegulationAdopted(
            effective_date=date(2019, 1, 15), cluster_id=any_cluster, title="Quy chế hoạt động",
            honour_threshold=BallotThreshold(numerator=1, denominator=2, basis=BallotBasis.VALID,
                                             strictly_more=True)), CLERK)
        kinds = {"Cluster": Cluster, "EmulationYear": EmulationYear}
        ids = {(n.originator_id, n.topic.rsplit(":", 1)[1].split(".")[0])
               for n in ledger.recorder.select_notifications(start=1, limit=100_000)}
        snapshotted = 0
        for entity_id, kind in ids:
            if kind in kinds:
                entity = ledger.get(kinds[kind], entity_id)
                link = ledger.recorder.chain_link(entity.id, entity.version)  # type: ignore[attr-defined]
                again = EntitySnapshot.take_at(entity, *link).mutate(None)
                assert state_of(again) == state_of(entity)
                snapshotted += 1
        assert snapshotted >= 8
    finally:
        ledger.close()


def corrected_year(ledger: Ledger, settings: Settings, correct_after: bool) -> Year:
    """A year whose snapshot at version 100 holds a corrected and a retracted score: the
    corrections come before it, or (`correct_after`) after it, naming scores it holds."""
    setup = cluster_with_members(ledger, members=2)
    c = setup.cluster_id
    ledger.record(CriteriaAdopted(effective_date=date(2019, 1, 5), cluster_id=c, year=2019,
                                  criteria=wide_scale(120)), CLERK)

    def scored(n: int) -> Receipt:
        return ledger.record(ScoreRecorded(effective_date=date(2019, 11, 1), cluster_id=c, year=2019,
                                           score_id=uuid4(), unit_id=setup.units[n % 2], criterion_code=str(n + 1),
                                           points=Decimal(n % 50), kind=ScoreKind.SELF), CLERK)

    receipts = [scored(n) for n in range(10)]
    corrections = [
        FactCorrected.of(f"{receipts[3].entity_id}:{receipts[3].version}", ScoreRecorded(
            effective_date=date(2019, 11, 1), cluster_id=c, year=2019, score_id=uuid4(), unit_id=setup.units[1],
            criterion_code="4", points=Decimal(40), kind=ScoreKind.SELF)),
        FactRetracted(effective_date=date(2019, 11, 2), original=f"{receipts[5].entity_id}:{receipts[5].version}"),
    ]
    if not correct_after:
        for fact in corrections:
            ledger.record(fact, FIX)
    n = 10
    while ledger.get(EmulationYear, year_id(c, 2019)).version < 110:
        scored(n)
        n += 1
    if correct_after:
        for fact in corrections:
            ledger.record(fact, FIX)
    return Year(ledger, settings, year_id(c, 2019), c)


@pytest.mark.parametrize("correct_after", [False, True], ids=["corrected-before", "corrected-after"])
def test_verify_snapshots_folds_the_facts_in_force_as_the_ledger_reads_them(
        ledger_settings: Settings, correct_after: bool) -> None:
    # The auditor's fold must read corrections as the ledger does: a sound snapshot of a year
    # with a corrected and a retracted score is no finding.
    ledger = Ledger(env=ledger_settings.eventstore_env())
    try:
        year = corrected_year(ledger, ledger_settings, correct_after)
        assert check_snapshots(year.ledger) == (1, [])
        # The near miss: the same snapshot doctored (the corrected 40 points made 41) and resealed.
        doctored = stored_state(year).replace(b'{"~n":"40"}', b'{"~n":"41"}', 1)
        assert doctored != stored_state(year)
        put_state(year, resealed(doctored, year.entity_id))
        _, findings = check_snapshots(year.ledger)
        assert [(f.version, f.verdict) for f in findings] == [(100, "differs-from-log")]
    finally:
        ledger.close()


@pytest.mark.parametrize("state", [None, b"", b"[" * 100_000, b"\xff\xfe"])
def test_a_snapshot_whose_state_was_nulled_or_mangled_is_reported_and_the_read_folds_from_the_log(
        year: Year, state: bytes | None) -> None:
    """Not a crash of the auditor's check, nor of the clerk's next read of the year."""
    put_state(year, state)  # type: ignore[arg-type]
    checked, findings = check_snapshots(year.ledger)
    assert checked == 1 and [f.version for f in findings] == [100], findings
    as_of = load(year.ledger, EmulationYear, year.entity_id, Clock(as_of=date(2019, 12, 31)))
    assert state_of(as_of) == from_log(year)  # the as-of-date view reads the snapshot's head first
    assert_read_from_the_log(year)
