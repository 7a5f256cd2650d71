"""A check across fields that no history could satisfy is bad input: 422 whose `loc` ends in the
field it concerns, never `["body"]` alone; nothing stored. Through the real API, on SQLite and
PostgreSQL."""

from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from thidua_events.facts import Role
from thidua_ledger.api.app import create_app
from thidua_ledger.application import Ledger
from thidua_ledger.settings import Settings

from tests.factories import START, cluster_with_members
from tests.tokens import bearer

HEADERS = bearer(Role.ADMIN, "Quản trị")


@pytest.fixture
def served(ledger_settings: Settings) -> Iterator[tuple[TestClient, Ledger]]:
    with TestClient(create_app(ledger_settings)) as client:
        yield client, client.app.state.ledger  # type: ignore[attr-defined]


def refused_at(client: TestClient, fact_type: str, body: dict[str, Any]) -> list[Any]:
    answer = client.post(f"/facts/{fact_type}", json=body, headers=HEADERS)
    assert answer.status_code == 422, answer.text
    return [tuple(error["loc"]) for error in answer.json()["detail"]]


def test_leader_and_deputy_differ_names_the_deputy(served: tuple[TestClient, Ledger]) -> None:
    client, ledger = served
    setup = cluster_with_members(ledger)
    a, b = setup.units[:2]
    election = {"effective_date": "2019-12-20", "cluster_id": str(setup.cluster_id), "year": 2019,
                "for_year": 2020, "leader_unit_id": str(a)}
    before = ledger.position()
    assert refused_at(client, "LeadershipElected", {**election, "deputy_unit_id": str(a)}) == [
        ("body", "deputy_unit_id")]
    # near miss: the election is for the next year, named by for_year
    assert refused_at(client, "LeadershipElected", {**election, "deputy_unit_id": str(b), "for_year": 2019}) == [
        ("body", "for_year")]
    # near miss: a year opened with leader = deputy is bad input too (422), not a broken rule
    opened = {"effective_date": "2021-01-01", "cluster_id": str(setup.cluster_id), "year": 2021,
              "leader_unit_id": str(a), "deputy_unit_id": str(a)}
    assert refused_at(client, "YearOpened", opened) == [("body", "deputy_unit_id")]
    assert ledger.position() == before


def test_the_flag_passes_to_another_unit(served: tuple[TestClient, Ledger]) -> None:
    """Handed to itself, no history could make it valid: 422 naming to_unit_id, no rule name."""
    client, ledger = served
    setup = cluster_with_members(ledger)
    a, b = setup.units[:2]
    handover = {"effective_date": "2019-11-14", "cluster_id": str(setup.cluster_id), "year": 2019,
                "from_unit_id": str(a)}
    before = ledger.position()
    assert refused_at(client, "RotatingFlagHandedOver", {**handover, "to_unit_id": str(a)}) == [
        ("body", "to_unit_id")]
    assert ledger.position() == before
    # near miss: to another unit it is recorded
    answer = client.post("/facts/RotatingFlagHandedOver", json={**handover, "to_unit_id": str(b)}, headers=HEADERS)
    assert answer.status_code == 201, answer.text


def test_every_model_level_check_names_a_field(served: tuple[TestClient, Ledger]) -> None:
    """A few across the facts: ballots, criteria, thresholds, award recipients, access scopes."""
    client, ledger = served
    setup = cluster_with_members(ledger)
    c, a = str(setup.cluster_id), str(setup.units[0])
    year = {"effective_date": "2019-06-30", "cluster_id": c, "year": 2019}
    ballot = {**year, "ballot_id": str(uuid4()), "subject": "Cờ thi đua", "issued": 10, "returned": 9}
    assert refused_at(client, "BallotHeld", {**ballot, "valid": 10}) == [("body", "valid")]
    assert refused_at(client, "BallotHeld", {**ballot, "valid": 5, "votes": [{"unit_id": a, "votes": 6}]}) == [
        ("body", "votes")]
    child = {"code": "1.1", "title": "Con", "max_points": "8"}
    criteria = [{"code": "1", "title": "Cha", "max_points": "5", "children": [child]}]
    assert ("body", "criteria", 0, "children") in refused_at(client, "CriteriaAdopted", {**year, "criteria": criteria})
    regulation = {"effective_date": str(START), "cluster_id": c, "title": "Quy chế",
                  "honour_threshold": {"numerator": 3, "denominator": 2, "basis": "valid",
                                       "strictly_more": True}}
    assert refused_at(client, "RegulationAdopted", regulation) == [("body", "honour_threshold", "numerator")]
    grant = {"effective_date": str(START), "account": "canbo", "cluster_id": c, "authority_id": str(uuid4())}
    assert refused_at(client, "ScopeGranted", grant)[0][-1] in {"authority_id", "cluster_id"}
