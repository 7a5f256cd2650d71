"""A clerk's command as the API runs it (the scope check, then the fact, in one command)
reads the cluster once: the scope check hands it back to the entity cache for the year's
rules. Nothing it hands back is stale: two ledgers on one store stand for two processes,
and what the other one writes in between counts at once."""

from datetime import date
from uuid import UUID

import pytest
from thidua_events.facts import Fact, Provenance, Role
from thidua_events.facts.access import ScopeGranted, ScopeRevoked
from thidua_events.facts.cluster import UnitLeft
from thidua_ledger.access import check_clerk_may_record
from thidua_ledger.application import Ledger, Receipt
from thidua_ledger.domain.access import OutOfScope
from thidua_ledger.domain.cluster import Cluster
from thidua_ledger.domain.errors import RuleViolation

from tests.factories import CLERK, START, ClusterSetup, adopt_criteria, adopt_pledge, score

ACCOUNT = CLERK.actor
ADMIN = Provenance(actor="Quản trị hệ thống", role=Role.ADMIN)



@pytest.fixture
def granted(ledger: Ledger, cluster: ClusterSetup) -> ClusterSetup:
    adopt_pledge(ledger, cluster)
    adopt_criteria(ledger, cluster)
    ledger.record(ScopeGranted(effective_date=START, account=ACCOUNT, authority_id=cluster.authority_id), ADMIN)
    return cluster


def as_the_api(ledger: Ledger, fact: Fact) -> Receipt:
    def attempt() -> Receipt:
        with ledger.command():
            check_clerk_may_record(ledger, ACCOUNT, fact)
            return ledger.record(fact, CLERK)
    return ledger.retried(attempt)


def test_the_year_s_rules_check_out_the_cluster_the_scope_check_read(
        ledger: Ledger, granted: ClusterSetup, monkeypatch: pytest.MonkeyPatch) -> None:
    as_the_api(ledger, score(granted, granted.units[0], code="1.1"))
    loaded: list[UUID] = []
    load = ledger._load
    monkeypatch.setattr(ledger, "_load", lambda entity_id, *rest: loaded.append(entity_id) or load(entity_id, *rest))
    as_the_api(ledger, score(granted, granted.units[1], code="1.1"))
    assert granted.cluster_id not in loaded
    with ledger.command():
        kept = ledger.get(Cluster, granted.cluster_id)
    assert vars(kept) == vars(ledger._load(granted.cluster_id))


def test_a_unit_that_left_in_another_process_is_refused_at_once(
        ledger: Ledger, other: Ledger, granted: ClusterSetup) -> None:
    """The near miss: the scope check has just handed the cluster back, the unit a member;
    another process records that the unit left the cluster before the year (a record come
    late); its next score breaks the rule."""
    leaving = granted.units[1]
    as_the_api(ledger, score(granted, leaving, code="1.1"))
    other.record(UnitLeft(effective_date=date(2018, 6, 1), cluster_id=granted.cluster_id, unit_id=leaving), CLERK)
    with pytest.raises(RuleViolation, match="member"):
        as_the_api(ledger, score(granted, leaving, code="1.2"))
    as_the_api(ledger, score(granted, granted.units[0], code="1.2"))  # a member still records


def test_a_grant_revoked_in_another_process_counts_at_once(
        ledger: Ledger, other: Ledger, granted: ClusterSetup) -> None:
    as_the_api(ledger, score(granted, granted.units[0], code="1.1"))
    other.record(ScopeRevoked(effective_date=date(2019, 6, 1), account=ACCOUNT,
                              authority_id=granted.authority_id), ADMIN)
    with pytest.raises(OutOfScope):
        as_the_api(ledger, score(granted, granted.units[0], code="1.2"))

