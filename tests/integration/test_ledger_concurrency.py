"""Two ledgers on one store (SQLite and PostgreSQL): optimistic concurrency, and a new
ledger reading back exactly what another recorded (the stored form round-trips)."""

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient
from thidua_events.facts import Fact, Role
from thidua_events.facts.year import BallotHeld, PledgeSigned, ScoreKind, Vote, YearOpened
from thidua_ledger.api.app import create_app
from thidua_ledger.application import RACES_RETRIED, ConcurrentWrite, Ledger
from thidua_ledger.domain.awards import claim_id
from thidua_ledger.domain.cluster import Cluster
from thidua_ledger.domain.errors import RuleViolation
from thidua_ledger.domain.organisation import Unit
from thidua_ledger.domain.year import EmulationYear, flatten, year_id
from thidua_ledger.settings import Settings

from tests.factories import (
    CLERK,
    MINISTRY_FLAG,
    ClusterSetup,
    adopt_criteria,
    adopt_pledge,
    close_year,
    collective,
    conferral,
    correction,
    criteria_scale,
    election,
    handover,
    hold_year_end_review,
    score,
    signing,
)
from tests.tokens import bearer


def meanwhile(monkeypatch: pytest.MonkeyPatch, ledger: Ledger, method: str,
              when: Callable[..., bool], other_write: Callable[[], object], times: int = 1) -> None:
    """Once `ledger` has done its `method` read for a command (`when` its arguments match),
    let another writer commit before `ledger` saves: the race, made deterministic; `times`
    races, one per read that matches."""
    read = getattr(ledger, method)
    left = times

    def read_then_let_the_other_write(*args: Any, **kwargs: Any) -> Any:
        nonlocal left
        result = read(*args, **kwargs)
        if left and when(*args):
            left -= 1
            other_write()
        return result

    monkeypatch.setattr(ledger, method, read_then_let_the_other_write)


def facts_of(ledger: Ledger, entity_id: UUID) -> list[Fact]:
    return [event.fact for event in ledger.events.get(entity_id)]


@pytest.fixture
def signing_race(monkeypatch: pytest.MonkeyPatch, ledger: Ledger, other: Ledger,
                 cluster: ClusterSetup) -> tuple[PledgeSigned, PledgeSigned]:
    """`other` loads the year to record the second signature; `ledger` records the first meanwhile."""
    adopt_pledge(ledger, cluster)
    first, second = signing(cluster, cluster.units[0]), signing(cluster, cluster.units[1])
    meanwhile(monkeypatch, other, "get", lambda kind, *_: kind is EmulationYear,
              lambda: ledger.record(first, CLERK))
    return first, second


# Optimistic concurrency


def test_the_loser_of_a_race_is_checked_again_on_the_log_as_it_now_is_and_recorded_once(
    ledger: Ledger, other: Ledger, cluster: ClusterSetup, signing_race: tuple[PledgeSigned, PledgeSigned]
) -> None:
    """`other` read the year, `ledger` signed meanwhile: `other`'s save collides on the year's
    version and the command is made again on the year as it now is (issue 17: rely on
    optimistic concurrency when another writer wrote meanwhile), not handed to the clerk."""
    first, second = signing_race
    before = ledger.position()
    receipt = other.record(second, CLERK)
    current = ledger.get(EmulationYear, year_id(cluster.cluster_id, 2019))
    assert (receipt.version, list(current.signatures)) == (current.version, [cluster.units[0], cluster.units[1]])
    # Positions may skip (PostgreSQL spends a sequence number on the refused insert): count entries.
    assert len(ledger.recorder.select_notifications(start=before + 1, limit=100)) == 2
    signed = [f for f in facts_of(ledger, year_id(cluster.cluster_id, 2019)) if isinstance(f, PledgeSigned)]
    assert signed == [first, second]


def test_a_race_the_retry_loses_again_is_refused_after_three_attempts_with_the_current_version(
    monkeypatch: pytest.MonkeyPatch, ledger: Ledger, other: Ledger, cluster: ClusterSetup
) -> None:
    adopt_pledge(ledger, cluster)
    adopt_criteria(ledger, cluster)
    a, b, c = cluster.units
    rivals = iter([score(cluster, unit, code=code, points="1", kind=ScoreKind.CROSS, by=by)
                   for code in ("1.1", "1.2", "2") for unit, by in ((a, b), (a, c), (b, a), (b, c))])
    # Another writer saves the year after every read of it (each attempt's, and the check
    # made again after each collision).
    meanwhile(monkeypatch, other, "get", lambda kind, *_: kind is EmulationYear,
              lambda: ledger.record(next(rivals), CLERK), times=12)
    with pytest.raises(ConcurrentWrite) as caught:
        other.record(signing(cluster, a), CLERK)
    current = ledger.get(EmulationYear, year_id(cluster.cluster_id, 2019))
    assert (caught.value.entity_id, caught.value.current_version) == (current.id, current.version)
    assert current.signatures == {}
    assert len(list(rivals)) < 12 - RACES_RETRIED  # each attempt was made and lost


def test_a_race_on_the_version_the_caller_expects_is_its_answer_not_retried(
    monkeypatch: pytest.MonkeyPatch, ledger: Ledger, other: Ledger, cluster: ClusterSetup
) -> None:
    adopt_pledge(ledger, cluster)
    seen = ledger.get(EmulationYear, year_id(cluster.cluster_id, 2019)).version
    meanwhile(monkeypatch, other, "get", lambda kind, *_: kind is EmulationYear,
              lambda: ledger.record(signing(cluster, cluster.units[1]), CLERK))
    with pytest.raises(ConcurrentWrite) as caught:
        other.record(signing(cluster, cluster.units[0]), CLERK, expected_version=seen)
    assert caught.value.current_version == seen + 1
    assert list(ledger.get(EmulationYear, year_id(cluster.cluster_id, 2019)).signatures) == [cluster.units[1]]


def test_a_race_the_retry_finds_a_rule_broken_by_is_refused_by_that_rule(
    monkeypatch: pytest.MonkeyPatch, ledger: Ledger, other: Ledger, cluster: ClusterSetup
) -> None:
    """The near miss: both writers sign for the same unit; the loser's command, made again,
    breaks the rule that a unit signs once, and says so."""
    adopt_pledge(ledger, cluster)
    meanwhile(monkeypatch, other, "get", lambda kind, *_: kind is EmulationYear,
              lambda: ledger.record(signing(cluster, cluster.units[0]), CLERK))
    before = ledger.position()
    with pytest.raises(RuleViolation) as refused:
        other.record(signing(cluster, cluster.units[0]), CLERK)
    assert refused.value.rule == "sign-once"
    assert len(ledger.recorder.select_notifications(start=before + 1, limit=100)) == 1


def test_a_race_through_the_api_is_recorded_not_answered_409(
    monkeypatch: pytest.MonkeyPatch, ledger_settings: Settings, cluster: ClusterSetup
) -> None:
    with TestClient(create_app(ledger_settings)) as client:
        served: Ledger = client.app.state.ledger  # type: ignore[attr-defined]
        adopt_pledge(served, cluster)
        rival = Ledger(env=ledger_settings.eventstore_env())
        meanwhile(monkeypatch, served, "get", lambda kind, *_: kind is EmulationYear,
                  lambda: rival.record(signing(cluster, cluster.units[1]), CLERK))
        answer = client.post("/facts/PledgeSigned", json=signing(cluster, cluster.units[0]).model_dump(mode="json"),
                             headers=bearer(Role.ADMIN, "Quản trị"))
        assert answer.status_code == 201, answer.text
        year = served.get(EmulationYear, year_id(cluster.cluster_id, 2019))
        assert (answer.json()["version"], list(year.signatures)) == (year.version, [cluster.units[1], cluster.units[0]])
        rival.close()


def test_a_stale_expected_version_is_a_concurrent_write(
    ledger: Ledger, other: Ledger, cluster: ClusterSetup
) -> None:
    adopt_pledge(ledger, cluster)
    seen = other.get(EmulationYear, year_id(cluster.cluster_id, 2019)).version
    receipt = ledger.record(signing(cluster, cluster.units[0]), CLERK, expected_version=seen)
    assert receipt.version == seen + 1
    before = ledger.position()
    with pytest.raises(ConcurrentWrite) as caught:
        other.record(signing(cluster, cluster.units[1]), CLERK, expected_version=seen)
    assert caught.value.current_version == seen + 1
    assert ledger.position() == before
    retried = other.record(signing(cluster, cluster.units[1]), CLERK, expected_version=seen + 1)
    assert retried.version == seen + 2


def test_racing_openings_of_the_same_year_collide(
    monkeypatch: pytest.MonkeyPatch, ledger: Ledger, other: Ledger, cluster: ClusterSetup
) -> None:
    def opening(movement: str) -> YearOpened:
        return YearOpened(effective_date=date(2020, 1, 2), cluster_id=cluster.cluster_id, year=2020,
                          movement=movement)

    the_year = year_id(cluster.cluster_id, 2020)
    meanwhile(monkeypatch, other, "exists", lambda entity_id: entity_id == the_year,
              lambda: ledger.record(opening("Vì an ninh Tổ quốc"), CLERK))
    # The loser is told the rule the winner's write makes it break, not a bare version clash.
    with pytest.raises(RuleViolation, match="open-year-once"):
        other.record(opening("Phong trào thi đua khác"), CLERK)
    assert ledger.get(EmulationYear, the_year).movement == "Vì an ninh Tổ quốc"


def test_a_concurrent_duplicate_award_names_the_rule(
    monkeypatch: pytest.MonkeyPatch, ledger: Ledger, other: Ledger, cluster: ClusterSetup
) -> None:
    a = collective(cluster.units[0])
    winner, loser = conferral(cluster, a), conferral(cluster, a)
    the_claim = claim_id(MINISTRY_FLAG, 2019, cluster.units[0])
    meanwhile(monkeypatch, other, "exists", lambda entity_id: entity_id == the_claim,
              lambda: ledger.record(winner, CLERK))
    with pytest.raises(RuleViolation, match="one-achievement-one-award"):
        other.record(loser, CLERK)
    assert (ledger.exists(winner.decree_id), ledger.exists(loser.decree_id)) == (True, False)


def test_a_concurrent_duplicate_award_through_the_api_answers_409_naming_the_rule(
    monkeypatch: pytest.MonkeyPatch, ledger_settings: Settings, cluster: ClusterSetup
) -> None:
    """Today's main answered "version None" here: the loser's decree did not exist yet."""
    a = collective(cluster.units[0])
    winner, loser = conferral(cluster, a), conferral(cluster, a)
    the_claim = claim_id(MINISTRY_FLAG, 2019, cluster.units[0])
    with TestClient(create_app(ledger_settings)) as client:
        served: Ledger = client.app.state.ledger  # type: ignore[attr-defined]
        meanwhile(monkeypatch, served, "exists", lambda entity_id: entity_id == the_claim,
                  lambda: served.record(winner, CLERK))
        answer = client.post("/facts/AwardConferred", json=loser.model_dump(mode="json"),
                             headers=bearer(Role.ADMIN, "Quản trị"))  # an admin: no grant to set up
    assert answer.status_code == 409, answer.text
    assert answer.json()["rule"] == "one-achievement-one-award"


# Reading back: what one ledger stored, another reads as it was


@pytest.fixture
def full_year(ledger: Ledger, cluster: ClusterSetup) -> list[Fact]:
    """A 2019 with every kind of year fact; returns the year's facts in recording order."""
    a, b, c = cluster.units
    adopt_pledge(ledger, cluster)
    adopt_criteria(ledger, cluster)
    self_score = score(cluster, a, code="1.1", points="12.50")
    facts: list[Fact] = [
        signing(cluster, a), signing(cluster, b),
        self_score,
        score(cluster, b, code="2", points="65.75", kind=ScoreKind.CROSS, by=c),
        correction(cluster, self_score.score_id, points="11.05"),
        BallotHeld(effective_date=date(2019, 11, 14), cluster_id=cluster.cluster_id, year=2019,
                   ballot_id=uuid4(), subject="Cờ thi đua của Bộ Công an", issued=3, returned=3, valid=2,
                   votes=(Vote(unit_id=a, votes=2), Vote(unit_id=b, votes=0))),
    ]
    for fact in facts:
        ledger.record(fact, CLERK)
    hold_year_end_review(ledger, cluster)
    for fact in (election(cluster, b, c), handover(cluster, a, b)):
        ledger.record(fact, CLERK)
    close_year(ledger, cluster)
    return facts_of(ledger, year_id(cluster.cluster_id, 2019))


def test_a_new_ledger_sees_the_same_year(
    ledger: Ledger, other: Ledger, cluster: ClusterSetup, full_year: list[Fact]
) -> None:
    the_year = year_id(cluster.cluster_id, 2019)
    assert vars(other.get(EmulationYear, the_year)) == vars(ledger.get(EmulationYear, the_year))


def test_decimal_points_dates_and_criteria_round_trip(
    other: Ledger, cluster: ClusterSetup, full_year: list[Fact]
) -> None:
    a, b, c = cluster.units
    year = other.get(EmulationYear, year_id(cluster.cluster_id, 2019))
    assert year.criteria == flatten(criteria_scale())
    assert str(year.criteria["1.1"].max_points) == "12.50"
    assert isinstance(year.criteria["1"].children, tuple)
    assert sorted(str(points) for _, _, points, _, _ in year.current_scores().values()) == ["11.05", "65.75"]
    assert {(unit, kind, by) for unit, _, _, kind, by in year.current_scores().values()} == {
        (a, ScoreKind.SELF, None), (b, ScoreKind.CROSS, c)}
    assert year.signatures == {a: date(2019, 1, 20), b: date(2019, 1, 20)}
    assert (year.pledge_adopted_on, year.year_end_review_on, year.closed_on) == (
        date(2019, 1, 15), date(2019, 11, 14), date(2019, 12, 31))
    assert year.election is not None and (year.election.leader_unit_id, year.election.for_year) == (b, 2020)


def test_every_stored_fact_equals_the_fact_recorded(
    other: Ledger, cluster: ClusterSetup, full_year: list[Fact]
) -> None:
    reread = facts_of(other, year_id(cluster.cluster_id, 2019))
    assert reread == full_year
    assert [type(f) for f in reread] == [type(f) for f in full_year]
    ballot = next(f for f in reread if isinstance(f, BallotHeld))
    assert isinstance(ballot.votes, tuple) and ballot.votes[0].votes == 2
    events = list(other.events.get(year_id(cluster.cluster_id, 2019)))
    assert {event.provenance for event in events} == {CLERK}


def test_a_new_ledger_sees_the_same_cluster_and_units(
    ledger: Ledger, other: Ledger, cluster: ClusterSetup, full_year: list[Fact]
) -> None:
    reread = other.get(Cluster, cluster.cluster_id)
    assert vars(reread) == vars(ledger.get(Cluster, cluster.cluster_id))
    assert reread.flag_holder == cluster.units[1]
    assert reread.members_in(2019) == cluster.units
    assert other.get(Unit, cluster.units[0]).name_on(date(2019, 1, 1)) == "Phòng số 1"
