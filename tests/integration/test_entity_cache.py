"""The entity cache never serves a stale entity: two ledgers on one store (SQLite and
PostgreSQL) stand for two processes, each with its cache, writing in turn; every decision
either makes (recorded, or refused by a rule) is the one the store's state gives, and what
a command reads from a head the store confirms equals a fresh fold from the store."""

import random
from datetime import date
from uuid import UUID

import pytest
from thidua_events.facts import Fact
from thidua_events.facts.cluster import UnitLeft
from thidua_events.facts.organisation import UnitDissolved
from thidua_events.facts.year import CriteriaAdopted, ScoreKind
from thidua_ledger.application import HANDLERS, Ledger
from thidua_ledger.audit.stored_history import StoredHistoryInconsistent
from thidua_ledger.domain.cluster import Cluster
from thidua_ledger.domain.errors import RuleViolation
from thidua_ledger.domain.organisation import Unit
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.settings import Settings

from tests.factories import CLERK, ClusterSetup, adopt_pledge, score, wide_scale
from tests.intruder import tamper


@pytest.fixture
def year(ledger: Ledger, cluster: ClusterSetup) -> UUID:
    adopt_pledge(ledger, cluster)
    ledger.record(CriteriaAdopted(effective_date=date(2019, 1, 15), cluster_id=cluster.cluster_id, year=2019,
                                  criteria=wide_scale(40)), CLERK)
    return year_id(cluster.cluster_id, 2019)


def command_read(ledger: Ledger, kind: type, entity_id: UUID) -> object:
    """What a command of `ledger` reads (from its cache when it may)."""
    with ledger.command():
        return ledger.get(kind, entity_id)


def fresh(ledger: Ledger, kind: type, entity_id: UUID) -> object:
    """The entity folded from the store, past any cache."""
    found = ledger._load(entity_id)
    assert isinstance(found, kind)
    return found


def store_decides(oracle: Ledger, fact: Fact) -> str | None:
    """What the store as it now is decides for `fact`, asked of a ledger with no cache and
    nothing written: None if it would be recorded, else the rule it breaks."""
    try:
        with oracle.command():
            HANDLERS[type(fact)](oracle, fact, CLERK)
    except RuleViolation as refused:
        return refused.rule
    return None


def test_every_decision_of_two_writers_in_turn_is_the_one_the_store_gives(
    ledger: Ledger, other: Ledger, cluster: ClusterSetup, year: UUID, ledger_settings: Settings
) -> None:
    """Each writer starts its commands from the end of its own write run, taken on trust
    (issue 17: rely on optimistic concurrency when another process wrote meanwhile): a
    decision read from entities the other process has changed since must never stand.
    Scores from small pools (so that second self scores are refused), and, on the way, a
    unit leaving the cluster and another dissolved, each by either writer."""
    oracle = Ledger(env={**ledger_settings.eventstore_env(), "LEDGER_ENTITY_CACHE_SIZE": "0"})
    writers, draw = [ledger, other], random.Random(17)
    _, b, c = cluster.units
    decided: list[str | None] = []

    def decide(writer: Ledger, fact: Fact) -> None:
        expected = store_decides(oracle, fact)
        try:
            writer.record(fact, CLERK)
            decided.append(None)
        except RuleViolation as refused:
            decided.append(refused.rule)
        assert decided[-1] == expected, (len(decided), fact)

    for n in range(70):
        unit, by = draw.sample(cluster.units, 2)
        cross = draw.random() < 0.3
        decide(draw.choice(writers), score(cluster, unit, code=str(draw.randint(1, 6)), points=str(draw.randint(1, 9)),
                                           kind=ScoreKind.CROSS if cross else ScoreKind.SELF, by=by if cross else None))
        change = {25: UnitLeft(effective_date=date(2018, 6, 1), cluster_id=cluster.cluster_id, unit_id=b),
                  45: UnitDissolved(effective_date=date(2019, 6, 1), unit_id=c)}.get(n)
        if change is not None:
            # The other writer has just scored the unit twice (the second time in its own
            # run, which then ends at the log's head, the unit and cluster kept there); one
            # writer records the change; each then scores the unit gone, the other first,
            # from what it keeps.
            changer = draw.choice(writers)
            bystander = writers[1 - writers.index(changer)]
            first, before, after, again = (str(29 + n // 10 + k) for k in (0, 2, 4, 6))  # criteria 31 to 40
            decide(bystander, score(cluster, change.unit_id, code=first, points="1"))
            decide(bystander, score(cluster, change.unit_id, code=before, points="1", kind=ScoreKind.CROSS,
                                    by=cluster.units[0]))
            decide(changer, change)
            decide(bystander, score(cluster, change.unit_id, code=after, points="1"))
            decide(changer, score(cluster, change.unit_id, code=again, points="1"))
    assert {"one-self-score-per-unit-and-criterion", "member-of-cluster-in-year", "unit-must-exist",
            None} <= set(decided)  # recorded, and refused as a duplicate and for each unit gone
    oracle.close()


def test_a_command_reads_what_the_store_holds_once_its_head_is_confirmed(
    ledger: Ledger, other: Ledger, cluster: ClusterSetup, year: UUID
) -> None:
    """After another process wrote, a writer's next command is made from the store's head:
    its reads (year, cluster, unit) equal a fresh fold, and so do those of the command after."""
    writers, draw = [ledger, other], random.Random(17)
    for n in range(1, 25):
        writer = draw.choice(writers)
        unit = draw.choice(cluster.units)
        writer.record(score(cluster, unit, code=str(n), points=str(draw.randint(1, 60))), CLERK)
        for reader in writers:
            confirm_head(reader)
            for kind, entity_id in ((EmulationYear, year), (Cluster, cluster.cluster_id), (Unit, unit)):
                read = command_read(reader, kind, entity_id)
                assert vars(read) == vars(fresh(reader, kind, entity_id)), (n, kind.__name__)


def confirm_head(ledger: Ledger) -> None:
    """As a write from a trusted head does in its transaction: the run is kept only if the
    log's head is still its end."""
    if ledger.entity_cache.run_end() != ledger.position():
        ledger.entity_cache.run_broken()


def test_a_unit_dissolved_by_another_process_is_refused_at_once(
    ledger: Ledger, other: Ledger, cluster: ClusterSetup, year: UUID
) -> None:
    """The near miss: `ledger` has just used the unit (it is cached as active); `other`
    dissolves it; `ledger`'s next score for it breaks the rule, as without a cache."""
    unit = cluster.units[0]
    ledger.record(score(cluster, unit, code="1"), CLERK)
    other.record(UnitDissolved(effective_date=date(2019, 6, 1), unit_id=unit), CLERK)
    with pytest.raises(RuleViolation, match="unit-must-exist"):
        ledger.record(score(cluster, unit, code="2"), CLERK)
    ledger.record(score(cluster, cluster.units[1], code="2"), CLERK)  # the rest still records


def test_a_year_written_by_another_process_is_read_again_before_a_rule_uses_it(
    ledger: Ledger, other: Ledger, cluster: ClusterSetup, year: UUID
) -> None:
    a, b, _ = cluster.units
    ledger.record(score(cluster, a, code="1", points="30"), CLERK)  # cached by `ledger`
    other.record(score(cluster, b, code="1", kind=ScoreKind.CROSS, by=a, points="10"), CLERK)
    other.record(score(cluster, a, code="2", points="10"), CLERK)
    # One self score per unit and criterion: `ledger` must see the one `other` recorded.
    with pytest.raises(RuleViolation, match="one-self-score-per-unit-and-criterion"):
        ledger.record(score(cluster, a, code="2", points="5"), CLERK)
    assert vars(command_read(ledger, EmulationYear, year)) == vars(fresh(ledger, EmulationYear, year))


def test_an_unchanged_entity_is_served_from_the_cache_and_a_refused_command_leaves_nothing_behind(
    ledger: Ledger, cluster: ClusterSetup, year: UUID
) -> None:
    a = cluster.units[0]
    ledger.record(score(cluster, a, code="1", points="30"), CLERK)
    kept = command_read(ledger, EmulationYear, year)
    assert command_read(ledger, EmulationYear, year) is kept  # nothing written since: not reloaded
    with pytest.raises(RuleViolation):
        ledger.record(score(cluster, a, code="1", points="20"), CLERK)  # a second self score
    read = command_read(ledger, EmulationYear, year)
    assert read is not kept  # the refused command touched it: dropped, read again
    assert vars(read) == vars(fresh(ledger, EmulationYear, year))
    assert not read.pending_events  # type: ignore[attr-defined]


def test_the_cache_size_comes_from_the_environment(ledger_settings: Settings) -> None:
    off = Ledger(env={**ledger_settings.eventstore_env(), "LEDGER_ENTITY_CACHE_SIZE": "0"})
    try:
        assert off.entity_cache.size == 0
    finally:
        off.close()


def counting_store_checks(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> list[UUID]:
    """The entities a command of `ledger` checks against the store before using its copy."""
    checked: list[UUID] = []
    stored_version = ledger._stored_version
    monkeypatch.setattr(ledger, "_stored_version", lambda entity_id: checked.append(entity_id) or stored_version(
        entity_id))
    return checked


def test_an_entity_kept_within_this_process_s_own_write_run_is_used_without_asking_the_store(
    ledger: Ledger, cluster: ClusterSetup, year: UUID, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every position since unit a was kept was written by this process's own commands, which
    hand back what they saved: a is current, and a store query to confirm it is waste."""
    a, b, c = cluster.units
    for n, unit in enumerate((a, b, c), start=1):
        ledger.record(score(cluster, unit, code=str(n)), CLERK)
    checked = counting_store_checks(ledger, monkeypatch)
    ledger.record(score(cluster, a, code="4"), CLERK)
    assert checked == []
    for kind, entity_id in ((EmulationYear, year), (Cluster, cluster.cluster_id), (Unit, a)):
        assert vars(command_read(ledger, kind, entity_id)) == vars(fresh(ledger, kind, entity_id))


def test_another_process_s_write_ends_the_run_so_a_unit_it_dissolved_is_refused(
    ledger: Ledger, other: Ledger, cluster: ClusterSetup, year: UUID, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The near miss: `other` writes in the middle of `ledger`'s run, and `ledger` writes
    again after it (its own write follows the log's head, yet the run is broken): the unit
    kept before `other`'s write is checked against the store."""
    a, b, c = cluster.units
    ledger.record(score(cluster, a, code="1"), CLERK)
    ledger.record(score(cluster, b, code="2"), CLERK)
    other.record(UnitDissolved(effective_date=date(2019, 6, 1), unit_id=a), CLERK)
    ledger.record(score(cluster, c, code="3"), CLERK)
    checked = counting_store_checks(ledger, monkeypatch)
    with pytest.raises(RuleViolation, match="unit-must-exist"):
        ledger.record(score(cluster, a, code="4"), CLERK)
    assert a in checked


def test_a_command_that_read_before_this_process_wrote_hands_back_a_copy_that_is_checked(
    ledger: Ledger, cluster: ClusterSetup, year: UUID, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two commands of one process at once (the API's thread pool): one reads the year, the
    other writes it meanwhile; the reader's copy, handed back later, must not pass for current."""
    a, b, _ = cluster.units
    ledger.record(score(cluster, a, code="1"), CLERK)
    with ledger.command():
        ledger.get(EmulationYear, year)  # checked out, as of the head before the write below
        reader = ledger.entity_cache._local.command
        ledger.entity_cache._local.command = None  # the writer runs in another thread
        ledger.record(score(cluster, b, code="2"), CLERK)
        ledger.entity_cache._local.command = reader
    read = command_read(ledger, EmulationYear, year)
    assert vars(read) == vars(fresh(ledger, EmulationYear, year))


def test_a_log_whose_tail_was_removed_is_not_written_after(
    ledger: Ledger, ledger_settings: Settings, cluster: ClusterSetup, year: UUID
) -> None:
    """Someone with the database removes this process's last write (its event and chain row):
    the chain's end is now before the head this process trusts. A store that lost its tail is
    refused, not built upon; the near miss, another process's write (the head after the
    trusted one), is made again from the store (test_another_process_s_write_...)."""
    a, b, _ = cluster.units
    ledger.record(score(cluster, a, code="1"), CLERK)
    receipt = ledger.record(score(cluster, b, code="2"), CLERK)
    tamper(ledger_settings, "DELETE FROM {chain} WHERE position = ?", (receipt.position,))
    tamper(ledger_settings, "DELETE FROM {events} WHERE {pos} = ?", (receipt.position,))
    head = ledger.position()
    with pytest.raises(StoredHistoryInconsistent, match="rows were removed"):
        ledger.record(score(cluster, a, code="3"), CLERK)
    assert ledger.position() == head  # nothing stored
