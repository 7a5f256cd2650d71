"""A snapshot is a cache of the log, taken after the command's events have committed: failing
to store one must not turn the command into a failure, nor make it again.

The snapshot store refuses a second snapshot of an entity at one version (its key). Someone
with write access to the database who puts a row there before the ledger reaches that
version makes the ledger's own snapshot fail after the events it follows were stored. That
failure was read as a lost race: the command was made again, on a log that already held
its fact, and either recorded it a second time or refused the clerk with a rule the clerk
had not broken (a fact that was in fact stored)."""

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest
from thidua_events.facts.year import CriteriaAdopted, ScoreKind, ScoreRecorded
from thidua_ledger.application import Ledger
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.settings import Settings

from tests.factories import CLERK, ClusterSetup, wide_scale
from tests.intruder import tamper

INTERVAL = 100  # Ledger.snapshotting_intervals[EmulationYear]


def score(cluster: ClusterSetup, n: int) -> ScoreRecorded:
    return ScoreRecorded(effective_date=date(2019, 11, 1), cluster_id=cluster.cluster_id, year=2019,
                         score_id=uuid4(), unit_id=cluster.units[n % len(cluster.units)],
                         criterion_code=str(n + 1), points=Decimal(n % 50), kind=ScoreKind.SELF)


@pytest.mark.parametrize("cache_size", ["256", "0"])
def test_a_snapshot_that_cannot_be_stored_leaves_the_command_recorded_once(
        ledger_settings: Settings, cluster: ClusterSetup, cache_size: str) -> None:
    ledger = Ledger(env={**ledger_settings.eventstore_env(), "LEDGER_ENTITY_CACHE_SIZE": cache_size})
    try:
        c, year = cluster.cluster_id, year_id(cluster.cluster_id, 2019)
        ledger.record(CriteriaAdopted(effective_date=date(2019, 1, 5), cluster_id=c, year=2019,
                                      criteria=wide_scale(INTERVAL)), CLERK)
        n = 0
        while ledger.get(EmulationYear, year).version < INTERVAL - 1:
            ledger.record(score(cluster, n), CLERK)
            n += 1
        stored_id = year.hex if ledger_settings.store == "sqlite" else year
        tamper(ledger_settings, "INSERT INTO {snapshots} (originator_id, originator_version, topic, state) "
                                "VALUES (?, ?, ?, ?)", (stored_id, INTERVAL, "planted", b"{}"))
        head = ledger.position()
        last = score(cluster, n)
        receipt = ledger.record(last, CLERK)  # the year's version 100: a snapshot is due
        assert receipt.version == INTERVAL
        stored = [e.fact for e in ledger.events.get(year, gt=INTERVAL - 1)]
        assert stored == [last], "the fact is stored once, and nothing after it"
        assert ledger.position() == head + 1
        assert ledger.get(EmulationYear, year).version == INTERVAL  # and reads still answer
    finally:
        ledger.close()
