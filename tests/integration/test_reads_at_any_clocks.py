"""No read answers 5xx at any pair of clocks (issue 10, part 2), on SQLite and PostgreSQL.

Hypothesis generates histories of a cluster's year: scores, corrections (some back-dated
before their score), generic corrections and retractions of scores and drives (FactCorrected,
FactRetracted), drives, flag handovers, decrees and revocations (some dated before their
decree). The API refuses what the rules forbid; history recorded before those rules existed
is appended past them, straight through the domain, as an old store holds it. Each example then
reads the year, its standings, the cluster, the flag and the award register at random
(as_of, known_at) through the real API, and compares what it reads with a fold from scratch
of the log's facts that those clocks keep.
"""

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from thidua_events.facts import Role
from thidua_events.facts.awards import AwardConferred, AwardRevoked
from thidua_events.facts.corrections import FactCorrected, FactRetracted
from thidua_events.facts.year import DriveClosed, DriveLaunched, ScoreKind, ScoreRecorded
from thidua_events.standings import rank_units
from thidua_ledger.api.app import create_app
from thidua_ledger.application import Ledger
from thidua_ledger.domain.awards import Decree
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.feed import fact_events
from thidua_ledger.settings import Settings

from tests.factories import (
    CLERK,
    adopt_criteria,
    cluster_with_members,
    collective,
    conferral,
    correction,
    handover,
    revocation,
    score,
)
from tests.tokens import bearer

HEADERS = bearer(Role.ADMIN, "Quản trị")  # writes anywhere: the clusters here are made without grants
DAY0 = date(2019, 1, 1)
days = st.integers(min_value=0, max_value=600).map(lambda n: DAY0 + timedelta(days=n))


@pytest.fixture
def served(ledger_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(ledger_settings)) as client:
        yield client


# One step of a history: (what, unit index, another index, points, day, recorded past the rules)
# A revocation is listed twice: with its conferral, it makes the history the award register
# must read between two dates. "fix" and "retract" correct or retract an earlier score or drive.
steps = st.tuples(st.sampled_from(["score", "cross", "correct", "drive", "close", "flag", "confer", "revoke",
                                   "revoke", "fix", "retract"]),
                  st.integers(0, 2), st.integers(0, 2), st.integers(0, 12), days, st.booleans())
# A read's as_of: none, any day, or the day of one of the history's facts (an integer picks it):
# the reads that break are those between two facts' dates, such as a back-dated revocation
# and its decree, which a random day rarely hits.
on_a_fact_date = st.integers(0, 40)
reads = st.tuples(st.one_of(st.none(), days.map(lambda d: d - timedelta(days=60)), on_a_fact_date,
                            on_a_fact_date), st.integers(0, 40))


def post(client: TestClient, fact: Any, recorded: dict[str, Any] | None = None) -> int | None:
    body = fact.model_dump(mode="json")
    if isinstance(fact, FactCorrected | FactRetracted):
        body["reason"] = "Ghi nhầm"
    answer = client.post(f"/facts/{type(fact).__name__}", json=body, headers=HEADERS)
    assert answer.status_code < 500, answer.text
    if answer.status_code != 201:
        return None
    if recorded is not None:  # event id -> fact, for a later correction to name
        recorded[f"{answer.json()['entity_id']}:{answer.json()['version']}"] = fact
    return int(answer.json()["position"])


def past_the_rules(ledger: Ledger, fact: AwardRevoked) -> None:
    """Append a revocation as a store written before revoke-after-the-decree holds it."""
    ledger.save(Decree(fact=fact, provenance=CLERK))


def fold_from_scratch(ledger: Ledger, entity_id: UUID, as_of: date | None, known_at: int | None) -> Any:
    events = [e for _, e in fact_events(ledger, until=known_at) if e.originator_id == entity_id]
    in_place: dict[int, Any] = {}  # version of an original -> what stands in its place (None: retracted)
    original_of: dict[int, int] = {}
    for event in events:
        if isinstance(event.fact, FactCorrected | FactRetracted):
            named = int(event.fact.original.split(":")[1])
            original = original_of.setdefault(event.originator_version, original_of.get(named, named))
            in_place[original] = event.fact.fact_in_force() if isinstance(event.fact, FactCorrected) else None
    entity: Any = None
    for event in events:
        if isinstance(event.fact, FactCorrected | FactRetracted):
            continue
        fact = in_place.get(event.originator_version, event.fact)
        if fact is None:
            continue
        if as_of is not None and fact.effective_date > as_of:
            if entity is None:
                return None
            continue
        entity = replace(event, fact=fact).mutate(None) if entity is None else (entity.apply(fact) or entity)
    return entity


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(history=st.lists(steps, min_size=1, max_size=10), clocks=st.lists(reads, min_size=1, max_size=4))
def test_no_read_answers_5xx_at_any_pair_of_clocks(served: TestClient, history: list[Any],
                                                   clocks: list[Any]) -> None:
    ledger: Ledger = served.app.state.ledger  # type: ignore[attr-defined]
    setup = cluster_with_members(ledger, members=3)
    c, units = setup.cluster_id, setup.units
    adopt_criteria(ledger, setup)
    positions, scores, decrees = [ledger.position()], [], []
    dated: list[date] = []  # the effective dates of the facts recorded
    recorded: dict[str, Any] = {}  # scores and drives, by event id
    for what, i, j, points, day, legacy in history:
        fact: Any = None
        if what in ("fix", "retract") and recorded:
            named = sorted(recorded)[i % len(recorded)]
            if what == "retract":
                fact = FactRetracted(effective_date=day, original=named)
            elif isinstance(recorded[named], ScoreRecorded):
                fact = FactCorrected.of(named, recorded[named].model_copy(update={
                    "points": Decimal(points), "effective_date": min(day, date(2019, 12, 31))}))
            if fact is not None and (at := post(served, fact)) is not None:
                positions.append(at)
            continue
        if what in ("score", "cross"):
            by = units[j] if what == "cross" and i != j else None
            fact = score(setup, units[i], code="2", points=str(points * 5), kind=ScoreKind.CROSS if by else
                         ScoreKind.SELF, by=by).model_copy(update={"effective_date": min(day, date(2019, 12, 31))})
            scores.append(fact.score_id)
        elif what == "correct" and scores:
            fact = correction(setup, scores[i % len(scores)], points=str(points)).model_copy(
                update={"effective_date": min(day, date(2019, 12, 31))})
        elif what in ("drive", "close"):
            kind = DriveLaunched if what == "drive" else DriveClosed
            extra = {"title": "Đợt thi đua"} if what == "drive" else {}
            fact = kind(effective_date=min(day, date(2019, 12, 31)), cluster_id=c, year=2019, drive_no=i + 1,
                        **extra)
        elif what == "flag" and i != j:  # a handover to oneself is bad input (422), no history
            fact = handover(setup, units[i], units[j]).model_copy(update={"effective_date": day})
        elif what == "confer" or (what == "revoke" and not decrees):  # a revocation needs a decree
            fact = conferral(setup, collective(units[i])).model_copy(
                update={"decree_date": day, "effective_date": day})
            decrees.append(fact)
        elif what == "revoke" and decrees:
            original: AwardConferred = decrees[i % len(decrees)]
            fact = revocation(setup, original, *original.recipients).model_copy(
                update={"decree_date": day, "effective_date": day})
            if legacy:  # recorded before revoke-after-the-decree: dated before its decree
                day = min(day, original.decree_date - timedelta(days=1))
                fact = fact.model_copy(update={"decree_date": day, "effective_date": day})
                dated.append(day)
                past_the_rules(ledger, fact)
                positions.append(ledger.position())
                continue
        keep = recorded if isinstance(fact, ScoreRecorded | DriveLaunched) else None
        if fact is not None and (at := post(served, fact, keep)) is not None:
            positions.append(at)
            dated.append(fact.effective_date)

    for read_on, pick in clocks:
        as_of = dated[read_on % len(dated)] if isinstance(read_on, int) and dated else read_on
        as_of = None if isinstance(as_of, int) else as_of
        known_at = positions[pick % len(positions)] if pick % 3 else None
        query = "&".join(f"{k}={v}" for k, v in (("as_of", as_of), ("known_at", known_at)) if v is not None)
        for url in (f"/clusters/{c}/years/2019", f"/clusters/{c}/years/2019/record",
                    f"/clusters/{c}/years/2019/standings", f"/awards?cluster_id={c}",
                    f"/clusters/{c}/flag?on={as_of or DAY0}"):
            answer = served.get(f"{url}{'&' if '?' in url else '?'}{query}", headers=HEADERS)
            assert answer.status_code < 500, (url, query, answer.text)
        expected: EmulationYear | None = fold_from_scratch(ledger, year_id(c, 2019), as_of, known_at)
        standings = served.get(f"/clusters/{c}/years/2019/standings?{query}", headers=HEADERS)
        if expected is None:
            assert standings.status_code == 404
            continue
        totals = {str(s.unit_id): f"{s.total:.2f}" for s in rank_units(
            (u, k, p, kind) for u, k, p, kind, _ in expected.current_scores().values())}
        assert {row["unit"]["unit_id"]: row["total"] for row in standings.json()["standings"]} == totals
        record = served.get(f"/clusters/{c}/years/2019/record?{query}", headers=HEADERS).json()
        assert [(d["drive_no"], d["launched_on"], d["closed_on"]) for d in record["drives"]] == [
            (n, str(a), str(b) if b else None) for n, (_, a, b) in sorted(expected.drives.items())]
        register = served.get(f"/awards?cluster_id={c}&{query}", headers=HEADERS).json()
        assert {(a["decree_id"], a["revoked_by_decree_no"] is not None) for a in register["awards"]} == (
            expected_awards(ledger, {d.decree_id for d in decrees}, as_of, known_at))


def expected_awards(ledger: Ledger, conferred: set[UUID], as_of: date | None,
                    known_at: int | None) -> set[tuple[str, bool]]:
    """(decree, revoked) for each conferral the clocks keep, from the log's facts."""
    kept: dict[UUID, bool] = {}
    for _, event in fact_events(ledger, until=known_at):
        fact = event.fact
        if as_of is not None and fact.effective_date > as_of:
            continue
        if isinstance(fact, AwardConferred) and fact.decree_id in conferred:
            kept[fact.decree_id] = False
        elif isinstance(fact, AwardRevoked) and fact.revokes_decree_id in kept:
            kept[fact.revokes_decree_id] = True
    return {(str(d), revoked) for d, revoked in kept.items()}
