"""The award register the API serves is persisted with both clocks: at every known-at
position and as-of date, and under every filter, it says exactly what the register folded
from the log says, on SQLite and PostgreSQL; replicas sharing the database apply each fact once."""

from datetime import date, timedelta
from uuid import UUID

import pytest
from thidua_events.facts.awards import Recipient, RecipientKind
from thidua_events.facts.year import CommendationsCounted
from thidua_ledger.application import Ledger
from thidua_ledger.audit.clocks import Clock
from thidua_ledger.award_register import StoredAwardRegister
from thidua_ledger.feed import fact_events
from thidua_ledger.projections import AwardRegister, AwardRegisterPublic
from thidua_ledger.settings import Settings

from tests.factories import CLERK, ClusterSetup, collective, conferral, register_person, revocation

Filters = dict[str, UUID | int | None]


def folded(ledger: Ledger, clock: Clock, **filters: UUID | int | None) -> AwardRegisterPublic:
    """The register as the log alone says it, filtered as GET /awards filters it."""
    register = AwardRegister(ledger)
    for position, event in fact_events(ledger, until=clock.known_at):
        if clock.as_of is None or event.fact.effective_date <= clock.as_of:
            register.apply(event.fact, event.provenance, position)
    awards = [e for e in register.entries.values()
              if all(value is None or getattr(e, name) == value for name, value in filters.items())]
    awards.sort(key=lambda e: (e.year, e.decree_date, e.decree_no))
    by_recipient = any(filters.get(n) is not None for n in ("unit_id", "person_id", "authority_id"))
    counts = [] if by_recipient else [
        c for c in register.counts
        if filters.get("year") in (None, c.year) and filters.get("cluster_id") in (None, c.cluster_id)]
    return AwardRegisterPublic(awards=awards, stated_counts=counts, position=0)


@pytest.fixture
def history(ledger: Ledger, cluster: ClusterSetup) -> dict[str, UUID | int | str]:
    """Conferrals to collectives and a person, a revocation, a stated count, and a decree
    recorded last but dated first (a backfill)."""
    a, b, c = cluster.units
    person = register_person(ledger, c)
    first = conferral(cluster, collective(a), collective(b))
    ledger.record(first, CLERK)
    ledger.record(conferral(cluster, Recipient(kind=RecipientKind.INDIVIDUAL, person_id=person),
                            award_kind="Bằng khen", year=2018, decree_no="11/QĐ-BCA"), CLERK)
    ledger.record(CommendationsCounted(effective_date=date(2019, 12, 20), cluster_id=cluster.cluster_id,
                                       year=2019, collectives=3, individuals=12),
                  CLERK.model_copy(update={"source_ref": "Báo cáo 12/BC"}))
    before_revocation = ledger.position()
    revoking = revocation(cluster, first, collective(b))
    ledger.record(revoking, CLERK)
    ledger.record(conferral(cluster, collective(c), year=2016, decree_no="02/QĐ-BCA"), CLERK)
    return {"unit": a, "revoked_unit": b, "person": person, "authority": cluster.authority_id,
            "cluster": cluster.cluster_id, "before_revocation": before_revocation, "revoked_by": revoking.decree_no}


def clocks(ledger: Ledger) -> list[Clock]:
    days = sorted({event.fact.effective_date for _, event in fact_events(ledger)})
    as_of = [None, *days, *(d - timedelta(days=1) for d in days)]
    return [Clock(as_of=day, known_at=known) for known in [None, *range(ledger.position() + 1)] for day in as_of]


def test_every_past_view_equals_the_register_folded_from_the_log(
        ledger: Ledger, history: dict[str, UUID | int | str]) -> None:
    stored = StoredAwardRegister(ledger)
    for clock in clocks(ledger):
        found, expected = stored.query(clock=clock), folded(ledger, clock)
        assert (found.awards, found.stated_counts) == (expected.awards, expected.stated_counts), clock


@pytest.mark.parametrize("filters", [
    {"unit_id": "unit"}, {"unit_id": "revoked_unit"}, {"person_id": "person"}, {"authority_id": "authority"},
    {"cluster_id": "cluster", "year": 2019}, {"year": 2018}, {"year": 2030}])
def test_every_filter_at_every_clock_equals_the_fold(
        ledger: Ledger, history: dict[str, UUID | int | str], filters: dict[str, str | int]) -> None:
    chosen = {name: history[v] if isinstance(v, str) else v for name, v in filters.items()}
    stored = StoredAwardRegister(ledger)
    for clock in clocks(ledger)[::3]:
        found = stored.query(clock=clock, **chosen)  # type: ignore[arg-type]
        expected = folded(ledger, clock, **chosen)
        assert (found.awards, found.stated_counts) == (expected.awards, expected.stated_counts), clock


def test_a_revocation_shows_from_its_own_position_and_date(
        ledger: Ledger, history: dict[str, UUID | int | str]) -> None:
    stored = StoredAwardRegister(ledger)
    revoked = UUID(str(history["revoked_unit"]))
    assert [e.revoked_by_decree_no for e in stored.query(unit_id=revoked).awards] == [history["revoked_by"]]
    assert [e.revoked_by_decree_no for e in stored.query(unit_id=revoked, clock=Clock(
        as_of=date(2020, 5, 31))).awards] == [None]  # conferred by then, not yet revoked
    assert [e.revoked_by_decree_no for e in stored.query(unit_id=revoked, clock=Clock(
        known_at=int(history["before_revocation"]))).awards] == [None]  # the revocation was not yet recorded


def test_replicas_sharing_the_database_apply_each_fact_once(
        ledger_settings: Settings, ledger: Ledger, history: dict[str, UUID | int | str]) -> None:
    other = Ledger(env=ledger_settings.eventstore_env())
    try:
        first, second = StoredAwardRegister(ledger), StoredAwardRegister(other)
        assert second.query() == first.query()
        ledger.record(conferral(ledger_cluster(ledger, history), collective(UUID(str(history["unit"]))),
                                year=2015, decree_no="01/QĐ-BCA"), CLERK)
        assert second.query() == first.query()
        assert len(first.query().awards) == 5
    finally:
        other.close()


def ledger_cluster(ledger: Ledger, history: dict[str, UUID | int | str]) -> ClusterSetup:
    return ClusterSetup(authority_id=UUID(str(history["authority"])), cluster_id=UUID(str(history["cluster"])))
