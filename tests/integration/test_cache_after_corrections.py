"""A corrected or retracted fact is out of force for the very next command of the same
process: the entity cache hands back the entity with the facts in force, never the state
the original folded to. Each decision is compared with a second ledger on the same store
(`other`, a cache of its own, loading from the store)."""

from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest
from thidua_events.facts import Provenance, Role
from thidua_events.facts.corrections import FactCorrected, FactRetracted
from thidua_events.facts.year import CriteriaAdopted, ScoreRecorded
from thidua_ledger.application import HANDLERS, Ledger, Receipt
from thidua_ledger.domain.errors import RuleViolation
from thidua_ledger.domain.year import EmulationYear, year_id

from tests.factories import CLERK, ClusterSetup, adopt_pledge, score, wide_scale

WHY = Provenance(actor="Nguyễn Thị Thư ký", role=Role.CLERK, source_ref="BB-02",
                 reason="Ghi nhầm tiêu chí, đính chính theo biên bản")


@pytest.fixture
def year(ledger: Ledger, cluster: ClusterSetup) -> UUID:
    adopt_pledge(ledger, cluster)
    ledger.record(CriteriaAdopted(effective_date=date(2019, 1, 15), cluster_id=cluster.cluster_id, year=2019,
                                  criteria=wide_scale(4)), CLERK)
    return year_id(cluster.cluster_id, 2019)


def event_id(receipt: Receipt) -> str:
    return f"{receipt.entity_id}:{receipt.version}"


def decision(ledger: Ledger, fact: ScoreRecorded) -> str:
    """What the ledger says to a score, without keeping it: the rule it breaks, or "accepted"."""
    try:
        with ledger.command():
            HANDLERS[type(fact)](ledger, fact, CLERK)
    except RuleViolation as refused:
        return refused.rule
    return "accepted"


def command_read(ledger: Ledger, entity_id: UUID) -> dict[str, object]:
    with ledger.command():
        return vars(ledger.get(EmulationYear, entity_id))


def test_a_score_corrected_to_another_criterion_frees_its_first_one_at_once(
    ledger: Ledger, other: Ledger, cluster: ClusterSetup, year: UUID
) -> None:
    a = cluster.units[0]
    wrong = score(cluster, a, code="1", points="20")
    recorded = ledger.record(wrong, CLERK)
    command_read(ledger, year)  # cached as first recorded
    ledger.record(FactCorrected.of(event_id(recorded), wrong.model_copy(update={"criterion_code": "2"})), WHY)

    assert command_read(ledger, year) == vars(ledger._load(year))
    for code, expected in (("1", "accepted"), ("2", "one-self-score-per-unit-and-criterion")):
        fact = score(cluster, a, code=code, points="5")
        assert decision(ledger, fact) == decision(other, fact) == expected, code
    ledger.record(score(cluster, a, code="1", points="5"), CLERK)  # the freed criterion takes a score
    assert command_read(ledger, year) == vars(other._load(year))


def test_a_retracted_score_is_out_of_force_for_the_next_command(
    ledger: Ledger, other: Ledger, cluster: ClusterSetup, year: UUID
) -> None:
    a = cluster.units[0]
    recorded = ledger.record(score(cluster, a, code="3", points="20"), CLERK)
    ledger.record(FactRetracted(effective_date=date(2019, 10, 2), original=event_id(recorded)), WHY)

    assert command_read(ledger, year) == vars(ledger._load(year))
    fact = score(cluster, a, code="3", points="7")
    assert decision(ledger, fact) == decision(other, fact) == "accepted"
    ledger.record(fact, CLERK)
    assert command_read(ledger, year) == command_read(other, year) == vars(other._load(year))


def test_a_score_corrected_to_other_points_is_read_with_them(
    ledger: Ledger, other: Ledger, cluster: ClusterSetup, year: UUID
) -> None:
    """The near miss of the two above: the same criterion, other points; the state a command
    reads holds the corrected points."""
    a = cluster.units[0]
    first = score(cluster, a, code="1", points="60")
    recorded = ledger.record(first, CLERK)
    ledger.record(score(cluster, a, code="2", points="60"), CLERK)
    ledger.record(FactCorrected.of(event_id(recorded), first.model_copy(update={"points": Decimal("10")})), WHY)
    assert command_read(ledger, year) == vars(other._load(year))
