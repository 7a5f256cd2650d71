"""A store written before the rule indexes existed (UnitName, Affiliations, DecreeNumber)
is backfilled by migration 7 when today's ledger opens it, so the rules hold for old data;
old data that already breaks a rule is kept as it is, and the chain stays intact."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import pytest
from thidua_events.facts.awards import AwardConferred
from thidua_events.facts.cluster import ClusterFormed, UnitJoined
from thidua_events.facts.organisation import UnitRegistered
from thidua_ledger.application import Ledger
from thidua_ledger.audit.verify import walk
from thidua_ledger.domain.awards import DecreeNumber, decree_number_id
from thidua_ledger.domain.cluster import Affiliations, affiliations_id
from thidua_ledger.domain.organisation import UnitName, unit_name_id
from thidua_ledger.migrations import current_version, latest_version, m0008_rule_indexes
from thidua_ledger.settings import Settings

from tests.factories import CLERK, START, ClusterSetup, cluster_with_members, collective, conferral
from tests.integration.previous_release import first_release_env
from tests.integration.refusals import assert_recorded, assert_refused

INDEXES = (UnitName, Affiliations, DecreeNumber)


class PreviousReleaseLedger(Ledger):
    """Today's rules without the indexes: the previous release saved none of them."""

    name = "ledger"  # the same tables (eventsourcing would name a subclass's after the class)

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        return super().save(*(o for o in objs if not isinstance(o, INDEXES)), **kwargs)


@dataclass
class OldStore:
    setup: ClusterSetup
    decree: AwardConferred
    twin: UUID  # a second unit registered under the first one's name, with a reason
    reused: AwardConferred  # a second decree that reused the first one's number
    head: int = 0


@pytest.fixture
def old_store(ledger_settings: Settings) -> Iterator[OldStore]:
    old = PreviousReleaseLedger(env=first_release_env(ledger_settings))
    setup = cluster_with_members(old, members=2)
    decree = conferral(setup, collective(setup.units[0]))
    old.record(decree, CLERK)
    twin = uuid4()
    old.record(UnitRegistered(effective_date=START, unit_id=twin, name="Phòng số 1",
                              authority_id=setup.authority_id), CLERK)
    reused = conferral(setup, collective(setup.units[1]), decree_no=decree.decree_no)
    old.record(reused, CLERK)
    assert not any(old.exists(i) for i in (unit_name_id(setup.authority_id, "Phòng số 1"),
                                           affiliations_id(setup.units[0]), decree_number_id(decree)))
    store = OldStore(setup, decree, twin, reused, head=old.position())
    old.close()
    yield store


def test_rules_hold_for_data_recorded_before_their_indexes(ledger_settings: Settings, old_store: OldStore) -> None:
    setup = old_store.setup
    ledger = Ledger(env=ledger_settings.eventstore_env())
    try:
        assert current_version(ledger.recorder) == latest_version()
        report = walk(ledger.recorder)
        assert report.ok, report.finding
        assert report.head_position > old_store.head  # the indexes were appended, chained on
        # unit-name-unique-per-authority: another spelling of an old unit's name.
        assert_refused(ledger, UnitRegistered(effective_date=START, unit_id=uuid4(), name="PHÒNG  SỐ 2",
                                              authority_id=setup.authority_id), "unit-name-unique-per-authority")
        # one-cluster-per-authority-at-a-time: an old member joins a second cluster on the same date.
        second = uuid4()
        assert_recorded(ledger, ClusterFormed(effective_date=START, cluster_id=second, name="Cụm thi đua số 5",
                                              authority_id=setup.authority_id))
        assert_refused(ledger, UnitJoined(effective_date=START, cluster_id=second, unit_id=setup.units[1]),
                       "one-cluster-per-authority-at-a-time")
        # decree-number-unique-per-authority-and-year: an old decree's number, used again.
        assert_refused(ledger, conferral(setup, collective(setup.units[1]), decree_no=old_store.decree.decree_no),
                       "decree-number-unique-per-authority-and-year")
        # The near misses: the same number in the next year, a name no unit of the authority has.
        assert_recorded(ledger, conferral(setup, collective(setup.units[1]), year=2020,
                                          decree_no=old_store.decree.decree_no))
        assert_recorded(ledger, UnitRegistered(effective_date=START, unit_id=uuid4(), name="Phòng số 3",
                                               authority_id=setup.authority_id))
        assert walk(ledger.recorder).ok
    finally:
        ledger.close()


def test_old_data_that_breaks_a_rule_is_indexed_as_it_stands(ledger_settings: Settings,
                                                             old_store: OldStore) -> None:
    setup = old_store.setup
    ledger = Ledger(env=ledger_settings.eventstore_env())
    try:
        name = ledger.get(UnitName, unit_name_id(setup.authority_id, "Phòng số 1"))
        assert name.unit_ids == [setup.units[0], old_store.twin]  # both, in the log's order
        number = ledger.get(DecreeNumber, decree_number_id(old_store.decree))
        assert number.decree_id == old_store.decree.decree_id  # the first keeps the number
        assert ledger.get(Affiliations, affiliations_id(setup.units[0])).cluster_ids == [setup.cluster_id]
        # Run again, it finds every index in place and appends nothing.
        head = ledger.position()
        m0008_rule_indexes.upgrade_ledger(ledger)
        assert ledger.position() == head
        assert walk(ledger.recorder).ok
    finally:
        ledger.close()


def test_a_store_opened_again_is_not_backfilled_twice(ledger_settings: Settings, old_store: OldStore) -> None:
    Ledger(env=ledger_settings.eventstore_env()).close()
    ledger = Ledger(env=ledger_settings.eventstore_env())
    try:
        head = ledger.position()
        assert walk(ledger.recorder).checked == head
        rows = [r for r in ledger.recorder.query("SELECT originator_id FROM {chain}")
                if r[0] == str(decree_number_id(old_store.decree))]
        assert len(rows) == 1
    finally:
        ledger.close()
