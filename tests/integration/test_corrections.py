"""Corrections and retractions of any recorded fact, on SQLite and PostgreSQL.

A clerk names the original by its event id ('<entity_id>:<version>'), always with a reason.
Reads show the corrected state, reads known before the correction the old one; the
original stays in the log. A correction that would break a later fact is refused, naming
the rule and that fact.
"""

from datetime import date
from pathlib import Path
from uuid import UUID

import pytest
from thidua_events.facts import Fact, Provenance, Role
from thidua_events.facts.cluster import UnitJoined, UnitLeft
from thidua_events.facts.corrections import FactCorrected, FactRetracted
from thidua_events.facts.year import PledgeAdopted, YearEndReviewHeld
from thidua_ledger.application import Ledger, Receipt
from thidua_ledger.audit.clocks import Clock
from thidua_ledger.audit.provenance import history
from thidua_ledger.audit.replay import replay_all
from thidua_ledger.domain.cluster import Cluster
from thidua_ledger.domain.errors import RuleViolation
from thidua_ledger.queries import cluster_in_year, standings, year_record
from thidua_ledger.rehearsal import CorrectionRefused

from tests.factories import (
    CLERK,
    REVIEW_DAY,
    ClusterSetup,
    adopt_criteria,
    adopt_pledge,
    close_year,
    collective,
    conferral,
    election,
    handover,
    hold_year_end_review,
    score,
    signing,
)
from tests.integration.refusals import assert_refused

WHY = Provenance(actor="Nguyễn Thị Thư ký", role=Role.CLERK, source_ref="BB-02",
                 reason="Ghi nhầm, đính chính theo biên bản hội nghị")


def event_id(receipt: Receipt) -> str:
    return f"{receipt.entity_id}:{receipt.version}"


def corrected(original: Receipt, replacement: Fact) -> FactCorrected:
    return FactCorrected.of(event_id(original), replacement)


def retracted(original: Receipt, on: date = date(2020, 2, 1)) -> FactRetracted:
    return FactRetracted(effective_date=on, original=event_id(original))


def refused(ledger: Ledger, fact: Fact, rule: str, provenance: Provenance = WHY) -> RuleViolation:
    return assert_refused(ledger, fact, rule, provenance)


@pytest.fixture
def reviewed(ledger: Ledger, cluster: ClusterSetup) -> ClusterSetup:
    hold_year_end_review(ledger, cluster)
    return cluster


# A mistaken election (today refused as a second election: elect-once)


def test_a_mistaken_election_is_corrected_by_its_replacement(ledger: Ledger, reviewed: ClusterSetup) -> None:
    a, b, c = reviewed.units
    wrong = ledger.record(election(reviewed, a, b), CLERK)
    refused(ledger, election(reviewed, c, b), "elect-once", CLERK)  # a second election is still refused
    fix = ledger.record(corrected(wrong, election(reviewed, c, b)), WHY)

    assert cluster_in_year(ledger, reviewed.cluster_id, 2020).leader.unit_id == c  # type: ignore[union-attr]
    before = cluster_in_year(ledger, reviewed.cluster_id, 2020, Clock(known_at=fix.position - 1))
    assert before.leader.unit_id == a  # type: ignore[union-attr]
    chain = {e.id: e for e in history(ledger, wrong.entity_id)}
    assert chain[event_id(wrong)].corrected_by == event_id(fix)  # the original stays in the log
    assert chain[event_id(fix)].data["original"] == event_id(wrong)
    assert chain[event_id(fix)].provenance.reason == WHY.reason


def test_a_correction_of_a_correction_replaces_the_same_fact(ledger: Ledger, reviewed: ClusterSetup) -> None:
    a, b, c = reviewed.units
    wrong = ledger.record(election(reviewed, a, b), CLERK)
    first = ledger.record(corrected(wrong, election(reviewed, b, a)), WHY)
    refused(ledger, corrected(wrong, election(reviewed, c, a)), "correct-the-fact-in-force")
    ledger.record(corrected(first, election(reviewed, c, a)), WHY)
    assert year_record(ledger, reviewed.cluster_id, 2019).leader_elected.unit_id == c  # type: ignore[union-attr]


def test_a_correction_that_moves_the_election_before_the_review_is_refused(
        ledger: Ledger, reviewed: ClusterSetup) -> None:
    a, b, _ = reviewed.units
    wrong = ledger.record(election(reviewed, a, b, on=date(2019, 11, 15)), CLERK)
    error = refused(ledger, corrected(wrong, election(reviewed, a, b, on=date(2019, 11, 13))),
                    "election-at-or-after-year-end-review")
    assert isinstance(error, CorrectionRefused) and error.dependent is None  # the replacement breaks it
    ledger.record(corrected(wrong, election(reviewed, a, b, on=REVIEW_DAY)), CLERK.model_copy(
        update={"reason": "Cùng ngày hội nghị tổng kết"}))  # the near miss: on the review day


def test_moving_the_review_after_the_election_is_refused_naming_the_election(
        ledger: Ledger, cluster: ClusterSetup) -> None:
    a, b, _ = cluster.units
    review = ledger.record(YearEndReviewHeld(effective_date=REVIEW_DAY, cluster_id=cluster.cluster_id,
                                             year=2019, place="Hà Nội"), CLERK)
    vote = ledger.record(election(cluster, a, b), CLERK)
    error = refused(ledger, corrected(review, YearEndReviewHeld(
        effective_date=date(2019, 11, 20), cluster_id=cluster.cluster_id, year=2019, place="Hà Nội")),
        "election-at-or-after-year-end-review")
    assert isinstance(error, CorrectionRefused) and error.dependent == event_id(vote)


# Membership: joins and leaves


def test_retracting_a_join_after_the_unit_signed_the_pledge_is_refused(
        ledger: Ledger, cluster: ClusterSetup) -> None:
    joined = ledger.record(UnitJoined(effective_date=date(2016, 3, 1), cluster_id=cluster.cluster_id,
                                      unit_id=_new_unit(ledger, cluster)), CLERK)
    unit = ledger.get(Cluster, cluster.cluster_id).memberships
    newcomer = next(u for u in unit if u not in cluster.units)
    adopt_pledge(ledger, cluster)
    signed = ledger.record(signing(cluster, newcomer), CLERK)
    error = refused(ledger, retracted(joined), "member-of-cluster-in-year")
    assert isinstance(error, CorrectionRefused) and error.dependent == event_id(signed)


def test_a_join_recorded_in_error_is_retracted(ledger: Ledger, cluster: ClusterSetup) -> None:
    unit_id = _new_unit(ledger, cluster)
    joined = ledger.record(UnitJoined(effective_date=date(2016, 3, 1), cluster_id=cluster.cluster_id,
                                      unit_id=unit_id), CLERK)
    ledger.record(retracted(joined), WHY)
    assert unit_id not in ledger.get(Cluster, cluster.cluster_id).members_in(2019)
    assert unit_id in ledger.get(Cluster, cluster.cluster_id, version=joined.version).members_in(2019)


def test_a_join_date_is_corrected(ledger: Ledger, cluster: ClusterSetup) -> None:
    unit_id = _new_unit(ledger, cluster)
    joined = ledger.record(UnitJoined(effective_date=date(2016, 3, 1), cluster_id=cluster.cluster_id,
                                      unit_id=unit_id), CLERK)
    fix = ledger.record(corrected(joined, UnitJoined(effective_date=date(2017, 3, 1),
                                                     cluster_id=cluster.cluster_id, unit_id=unit_id)), WHY)
    members_2016 = {m.unit_id for m in cluster_in_year(ledger, cluster.cluster_id, 2016).members}
    assert unit_id not in members_2016
    known_before = cluster_in_year(ledger, cluster.cluster_id, 2016, Clock(known_at=fix.position - 1))
    assert unit_id in {m.unit_id for m in known_before.members}
    as_of = cluster_in_year(ledger, cluster.cluster_id, 2017, Clock(as_of=date(2017, 2, 1)))
    assert unit_id not in {m.unit_id for m in as_of.members}  # as of a day before the corrected join


def test_a_leave_date_is_corrected(ledger: Ledger, cluster: ClusterSetup) -> None:
    unit_id = cluster.units[2]
    left = ledger.record(UnitLeft(effective_date=date(2018, 6, 1), cluster_id=cluster.cluster_id,
                                  unit_id=unit_id), CLERK)
    assert not ledger.get(Cluster, cluster.cluster_id).is_member_in(unit_id, 2019)
    ledger.record(corrected(left, UnitLeft(effective_date=date(2019, 6, 1), cluster_id=cluster.cluster_id,
                                           unit_id=unit_id)), WHY)
    assert ledger.get(Cluster, cluster.cluster_id).is_member_in(unit_id, 2019)


def test_a_leave_corrected_to_before_its_join_is_refused(ledger: Ledger, cluster: ClusterSetup) -> None:
    unit_id = cluster.units[2]
    left = ledger.record(UnitLeft(effective_date=date(2018, 6, 1), cluster_id=cluster.cluster_id,
                                  unit_id=unit_id), CLERK)
    refused(ledger, corrected(left, UnitLeft(effective_date=date(2014, 6, 1), cluster_id=cluster.cluster_id,
                                             unit_id=unit_id)), "leave-as-member")


# The rotating flag, reviews and the pledge


def test_a_handover_is_corrected(ledger: Ledger, cluster: ClusterSetup) -> None:
    a, b, c = cluster.units
    wrong = ledger.record(handover(cluster, a, b), CLERK)
    ledger.record(corrected(wrong, handover(cluster, a, c)), WHY)
    assert ledger.get(Cluster, cluster.cluster_id).flag_holder == c
    assert ledger.get(Cluster, cluster.cluster_id, version=wrong.version).flag_holder == b


def test_a_handover_correction_that_strands_the_next_handover_is_refused(
        ledger: Ledger, cluster: ClusterSetup) -> None:
    a, b, c = cluster.units
    first = ledger.record(handover(cluster, a, b, year=2018), CLERK)
    second = ledger.record(handover(cluster, b, a, year=2019), CLERK)
    error = refused(ledger, corrected(first, handover(cluster, a, c, year=2018)), "only-holder-hands-over-flag")
    assert isinstance(error, CorrectionRefused) and error.dependent == event_id(second)


def test_a_review_is_corrected(ledger: Ledger, cluster: ClusterSetup) -> None:
    review = ledger.record(YearEndReviewHeld(effective_date=date(2019, 11, 15), cluster_id=cluster.cluster_id,
                                             year=2019, place="Hà Nội"), CLERK)
    ledger.record(corrected(review, YearEndReviewHeld(effective_date=REVIEW_DAY, cluster_id=cluster.cluster_id,
                                                      year=2019, place="Trụ sở Công an quận Hoàn Kiếm")), WHY)
    assert year_record(ledger, cluster.cluster_id, 2019).year_end_review_on == REVIEW_DAY


def test_a_pledge_signing_date_is_corrected(ledger: Ledger, cluster: ClusterSetup) -> None:
    adopt_pledge(ledger, cluster)
    wrong = ledger.record(signing(cluster, cluster.units[0], on=date(2019, 2, 20)), CLERK)
    ledger.record(corrected(wrong, signing(cluster, cluster.units[0], on=date(2019, 1, 20))), WHY)
    record = ledger.get(Cluster, cluster.cluster_id)  # the cluster is untouched
    assert record.version > 0
    from thidua_ledger.domain.year import EmulationYear, year_id
    year = ledger.get(EmulationYear, year_id(cluster.cluster_id, 2019))
    assert year.signatures[cluster.units[0]] == date(2019, 1, 20)


def test_moving_the_pledge_adoption_after_a_signature_is_refused(ledger: Ledger, cluster: ClusterSetup) -> None:
    adopt_pledge(ledger, cluster)
    from thidua_ledger.domain.year import year_id
    adopted = Receipt(year_id(cluster.cluster_id, 2019), 3, 0)  # opened, drafted, adopted
    signed = ledger.record(signing(cluster, cluster.units[0], on=date(2019, 1, 20)), CLERK)
    error = refused(ledger, corrected(adopted, PledgeAdopted(effective_date=date(2019, 2, 1),
                                                             cluster_id=cluster.cluster_id, year=2019)),
                    "sign-after-adoption")
    assert isinstance(error, CorrectionRefused) and error.dependent == event_id(signed)


# Scores keep their own correction, and the generic one works on them too


def test_a_score_is_corrected_by_its_replacement(ledger: Ledger, cluster: ClusterSetup) -> None:
    adopt_criteria(ledger, cluster)
    wrong = ledger.record(score(cluster, cluster.units[0], points="12"), CLERK)
    fact = score(cluster, cluster.units[0], points="2")
    ledger.record(corrected(wrong, fact.model_copy(update={"score_id": _score_id(ledger, wrong)})), WHY)
    [standing] = standings(ledger, cluster.cluster_id, 2019).standings
    assert standing.total == 2


# The closed year, the reason, and what cannot be corrected


def test_a_closed_year_accepts_a_correction_with_its_reason(ledger: Ledger, reviewed: ClusterSetup) -> None:
    a, b, c = reviewed.units
    wrong = ledger.record(election(reviewed, a, b), CLERK)
    close_year(ledger, reviewed)
    ledger.record(corrected(wrong, election(reviewed, c, b)), WHY)
    assert year_record(ledger, reviewed.cluster_id, 2019).leader_elected.unit_id == c  # type: ignore[union-attr]


def test_a_correction_gives_its_reason(ledger: Ledger, reviewed: ClusterSetup) -> None:
    a, b, c = reviewed.units
    wrong = ledger.record(election(reviewed, a, b), CLERK)
    refused(ledger, corrected(wrong, election(reviewed, c, b)), "correction-gives-its-reason", CLERK)
    refused(ledger, retracted(wrong), "correction-gives-its-reason", CLERK)


def test_a_correction_keeps_the_fact_type(ledger: Ledger, reviewed: ClusterSetup) -> None:
    a, b, _ = reviewed.units
    wrong = ledger.record(election(reviewed, a, b), CLERK)
    refused(ledger, corrected(wrong, YearEndReviewHeld(effective_date=REVIEW_DAY, cluster_id=reviewed.cluster_id,
                                                       year=2019)), "correction-keeps-the-fact-type")


def test_a_correction_stays_on_its_entity(ledger: Ledger, cluster: ClusterSetup) -> None:
    other = ledger.record(UnitJoined(effective_date=date(2016, 3, 1), cluster_id=cluster.cluster_id,
                                     unit_id=_new_unit(ledger, cluster)), CLERK)
    moved = UnitJoined(effective_date=date(2016, 3, 1), cluster_id=cluster.authority_id, unit_id=cluster.units[0])
    refused(ledger, corrected(other, moved), "correction-stays-on-its-entity")


def test_a_correction_names_a_recorded_fact(ledger: Ledger, cluster: ClusterSetup) -> None:
    beyond = Receipt(cluster.cluster_id, 999, 0)
    refused(ledger, retracted(beyond), "correct-a-recorded-fact")


def test_first_fact_is_corrected_not_retracted(ledger: Ledger, cluster: ClusterSetup) -> None:
    refused(ledger, retracted(Receipt(cluster.cluster_id, 1, 0)), "first-fact-is-corrected-not-retracted")


def test_a_retracted_fact_cannot_be_corrected(ledger: Ledger, cluster: ClusterSetup) -> None:
    a, b, c = cluster.units
    wrong = ledger.record(handover(cluster, a, b), CLERK)
    gone = ledger.record(retracted(wrong), WHY)
    assert ledger.get(Cluster, cluster.cluster_id).flag_holder is None
    refused(ledger, corrected(wrong, handover(cluster, a, c)), "correct-the-fact-in-force")
    refused(ledger, corrected(gone, handover(cluster, a, c)), "correct-the-fact-in-force")


def test_decrees_are_revoked_not_corrected(ledger: Ledger, cluster: ClusterSetup) -> None:
    decree = conferral(cluster, collective(cluster.units[0]))
    issued = ledger.record(decree, CLERK)
    refused(ledger, corrected(issued, decree.model_copy(update={"decree_no": "06/QĐ-BCA"})),
            "decrees-are-revoked-not-corrected")


def test_a_replay_from_the_log_matches_the_corrected_state(ledger: Ledger, reviewed: ClusterSetup) -> None:
    a, b, c = reviewed.units
    wrong = ledger.record(election(reviewed, a, b), CLERK)
    ledger.record(corrected(wrong, election(reviewed, c, b)), WHY)
    flag = ledger.record(handover(reviewed, a, b), CLERK)
    ledger.record(retracted(flag), WHY)
    _, report = replay_all(ledger)
    assert report.matches, report.mismatches


def _new_unit(ledger: Ledger, setup: ClusterSetup) -> UUID:
    from tests.factories import new_unit
    return new_unit(ledger, setup, name="Phòng mới vào cụm")


def _score_id(ledger: Ledger, receipt: Receipt) -> UUID:
    [event] = [e for e in history(ledger, receipt.entity_id) if e.entity_version == receipt.version]
    return UUID(event.data["score_id"])


def test_the_history_command_shows_the_chain_of_a_correction(tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    from thidua_ledger.settings import Settings

    from tests.factories import cluster_with_members
    from tests.tokens import SIGNING_KEY_FILE

    path = tmp_path / "ledger.sqlite"
    ledger = Ledger(env=Settings(sqlite_path=path, signing_key_file=SIGNING_KEY_FILE).eventstore_env())
    setup = cluster_with_members(ledger, members=3)
    hold_year_end_review(ledger, setup)
    wrong = ledger.record(election(setup, setup.units[0], setup.units[1]), CLERK)
    fix = ledger.record(corrected(wrong, election(setup, setup.units[2], setup.units[1])), WHY)
    ledger.close()
    env = {**os.environ, "LEDGER_STORE": "sqlite", "LEDGER_SQLITE_PATH": str(path),
           "THIDUA_SIGNING_KEY_FILE": str(SIGNING_KEY_FILE)}
    command = [sys.executable, "-m", "thidua_ledger.cli", "history", str(wrong.entity_id)]
    shown = subprocess.run([*command, "--json"], env=env, capture_output=True, text=True, check=False)
    assert shown.returncode == 0, shown.stderr
    events = {e["id"]: e for e in json.loads(shown.stdout)}
    assert events[event_id(wrong)]["corrected_by"] == event_id(fix)
    assert events[event_id(fix)]["data"]["original"] == event_id(wrong)
    table = subprocess.run(command, env={**env, "COLUMNS": "400"}, capture_output=True, text=True, check=False,
                           timeout=60)
    assert "replaced by" in table.stdout and WHY.reason[:20] in table.stdout  # type: ignore[index]


def test_a_cluster_correction_rehearses_its_decrees_without_counting_an_award_twice(
        ledger: Ledger, cluster: ClusterSetup) -> None:
    a, b, _ = cluster.units
    ledger.record(conferral(cluster, collective(a)), CLERK)
    ledger.record(conferral(cluster, collective(b), decree_no="06/QĐ-BCA"), CLERK)
    unit_id = _new_unit(ledger, cluster)
    joined = ledger.record(UnitJoined(effective_date=date(2016, 3, 1), cluster_id=cluster.cluster_id,
                                      unit_id=unit_id), CLERK)
    ledger.record(corrected(joined, UnitJoined(effective_date=date(2017, 3, 1), cluster_id=cluster.cluster_id,
                                               unit_id=unit_id)), WHY)
    assert not ledger.get(Cluster, cluster.cluster_id).is_member_in(unit_id, 2016)
    refused(ledger, conferral(cluster, collective(a), decree_no="07/QĐ-BCA"), "one-achievement-one-award", CLERK)


# The rules of other slices hold after a correction too: the rehearsal runs every guard.


def _join_of(ledger: Ledger, setup: ClusterSetup, unit_id: UUID) -> Receipt:
    [joined] = [e for e in history(ledger, setup.cluster_id)
                if e.type == "UnitJoined" and e.data["unit_id"] == str(unit_id)]
    return Receipt(joined.entity_id, joined.entity_version, joined.position)


def test_a_leave_corrected_into_the_units_next_cluster_is_refused(ledger: Ledger, cluster: ClusterSetup) -> None:
    from thidua_events.facts.cluster import ClusterFormed

    other = UUID(int=cluster.cluster_id.int ^ 1)
    ledger.record(ClusterFormed(effective_date=date(2015, 1, 1), cluster_id=other, name="Cụm thi đua số 5",
                                authority_id=cluster.authority_id), CLERK)
    unit_id = cluster.units[2]
    left = ledger.record(UnitLeft(effective_date=date(2018, 6, 1), cluster_id=cluster.cluster_id,
                                  unit_id=unit_id), CLERK)
    moved = ledger.record(UnitJoined(effective_date=date(2018, 7, 1), cluster_id=other, unit_id=unit_id), CLERK)
    error = refused(ledger, corrected(left, UnitLeft(effective_date=date(2018, 8, 1),
                                                     cluster_id=cluster.cluster_id, unit_id=unit_id)),
                    "one-cluster-per-authority-at-a-time")
    assert isinstance(error, CorrectionRefused) and error.dependent == event_id(moved)
    ledger.record(corrected(left, UnitLeft(effective_date=date(2018, 7, 1), cluster_id=cluster.cluster_id,
                                           unit_id=unit_id)), WHY)  # the near miss: the day it moved


def test_retracting_the_join_of_a_cluster_awards_recipient_is_refused(ledger: Ledger, cluster: ClusterSetup) -> None:
    a = cluster.units[0]
    decree = ledger.record(conferral(cluster, collective(a)), CLERK)
    error = refused(ledger, retracted(_join_of(ledger, cluster, a)), "cluster-award-to-members")
    assert isinstance(error, CorrectionRefused) and error.dependent == event_id(decree)


def test_a_correction_older_than_the_snapshot_is_read_from_the_whole_history(
        ledger: Ledger, cluster: ClusterSetup) -> None:
    from tests.factories import new_unit

    first = _join_of(ledger, cluster, cluster.units[0])
    for n in range(100):  # the cluster passes its snapshot interval (100 events)
        ledger.record(UnitJoined(effective_date=date(2016, 1, 1), cluster_id=cluster.cluster_id,
                                 unit_id=new_unit(ledger, cluster, name=f"Đơn vị {n}")), CLERK)
    assert ledger.snapshots is not None and list(ledger.snapshots.get(cluster.cluster_id))  # reads start there
    fix = ledger.record(corrected(first, UnitJoined(effective_date=date(2017, 1, 1), cluster_id=cluster.cluster_id,
                                                    unit_id=cluster.units[0])), WHY)
    assert not ledger.get(Cluster, cluster.cluster_id).is_member_in(cluster.units[0], 2016)
    assert ledger.get(Cluster, cluster.cluster_id, version=fix.version - 1).is_member_in(cluster.units[0], 2016)
    as_of = cluster_in_year(ledger, cluster.cluster_id, 2016, Clock(as_of=date(2016, 12, 31)))
    assert cluster.units[0] not in {m.unit_id for m in as_of.members}
    _, report = replay_all(ledger)
    assert report.matches, report.mismatches
