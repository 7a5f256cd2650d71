"""Behind each total in the standings: the points per criterion and per scorer (the unit's
own and each inspecting unit's), the events that recorded them, and the corrections that
changed them, on both stores."""

from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import AUDITOR
from tests.api.shared_client import shared_client  # noqa: F401 (a fixture)
from tests.api.test_queries import criteria
from tests.api.test_recording import post, setup_cluster


def _score(client: TestClient, ids: dict[str, Any], unit: str, code: str, points: str,
           by: str | None = None) -> dict[str, Any]:
    body = {"effective_date": "2019-11-01", "cluster_id": ids["cluster"], "year": 2019, "score_id": str(uuid4()),
            "unit_id": unit, "criterion_code": code, "points": points, "kind": "cross" if by else "self"}
    if by:
        body["scored_by_unit_id"] = by
    response = post(client, "ScoreRecorded", body)
    assert response.status_code == 201, response.json()
    return {**response.json(), "score_id": body["score_id"], "body": body,
            "event_id": f"{response.json()['entity_id']}:{response.json()['version']}"}


@pytest.fixture
def scored(shared_client: TestClient) -> dict[str, Any]:  # noqa: F811
    """Unit a scores itself 50 and 30; units b and d inspect it on criterion 1 (40 and 44)."""
    ids = setup_cluster(shared_client, members=3)
    a, b, d = ids["units"]
    criteria(shared_client, ids["cluster"])
    ids["self_1"] = _score(shared_client, ids, a, "1", "50")
    ids["self_2"] = _score(shared_client, ids, a, "2", "30")
    ids["by_b"] = _score(shared_client, ids, a, "1", "40", by=b)
    ids["by_d"] = _score(shared_client, ids, a, "1", "44", by=d)
    return ids


def _row(client: TestClient, ids: dict[str, Any], query: str = "") -> dict[str, Any]:
    response = client.get(f"/clusters/{ids['cluster']}/years/2019/standings{query}", headers=AUDITOR)
    assert response.status_code == 200, response.json()
    row: dict[str, Any]
    [row] = [r for r in response.json()["standings"] if r["unit"]["unit_id"] == ids["units"][0]]
    return row


def test_each_total_shows_its_criteria_and_scorers(shared_client: TestClient, scored: dict[str, Any]) -> None:  # noqa: F811
    _, b, d = scored["units"]
    row = _row(shared_client, scored)
    assert (row["total"], row["self_total"], row["cross_total"]) == ("72.00", "80.00", "42.00")
    one, two = row["criteria"]
    assert (one["code"], one["counted"], one["counted_from"]) == ("1", "42.00", "cross")
    assert (one["self_score"]["points"], one["self_score"]["event_id"]) == ("50", scored["self_1"]["event_id"])
    assert [(s["scored_by"]["unit_id"], s["points"], s["event_id"], s["score_id"]) for s in one["cross_scores"]] == [
        (b, "40", scored["by_b"]["event_id"], scored["by_b"]["score_id"]),  # Phòng Đào tạo
        (d, "44", scored["by_d"]["event_id"], scored["by_d"]["score_id"])]  # before Phòng Hậu cần
    assert (two["code"], two["counted"], two["counted_from"], two["cross_scores"]) == ("2", "30.00", "self", [])
    assert all(s["corrections"] == [] for s in [one["self_score"], two["self_score"], *one["cross_scores"]])


def test_a_score_correction_shows_behind_the_total_with_its_reason(
        shared_client: TestClient, scored: dict[str, Any]) -> None:  # noqa: F811
    corrected = post(shared_client, "ScoreCorrected", {
        "effective_date": "2019-12-01", "cluster_id": scored["cluster"], "year": 2019, "score_id": str(uuid4()),
        "corrects_score_id": scored["by_b"]["score_id"], "points": "46", "reason": "Chấm chéo cộng sai"})
    assert corrected.status_code == 201, corrected.json()
    row = _row(shared_client, scored)
    assert (row["total"], row["cross_total"]) == ("75.00", "45.00")
    [by_b] = [s for s in row["criteria"][0]["cross_scores"] if s["scored_by"]["unit_id"] == scored["units"][1]]
    assert by_b["points"] == "46"
    assert by_b["event_id"] == f"{corrected.json()['entity_id']}:{corrected.json()['version']}"
    [change] = by_b["corrections"]
    assert (change["kind"], change["points_before"], change["points_after"], change["reason"]) == (
        "ScoreCorrected", "40", "46", "Chấm chéo cộng sai")
    # The near miss: as known before the correction, the old score and total.
    before = _row(shared_client, scored, f"?known_at={corrected.json()['position'] - 1}")
    assert before["total"] == "72.00"
    assert {s["points"] for s in before["criteria"][0]["cross_scores"]} == {"40", "44"}


def test_a_fact_correction_of_a_score_shows_where_it_changed_it(
        shared_client: TestClient, scored: dict[str, Any]) -> None:  # noqa: F811
    fixed = post(shared_client, "FactCorrected", {
        "effective_date": "2019-12-01", "original": scored["self_2"]["event_id"],
        "replacement_type": "ScoreRecorded", "replacement": {**scored["self_2"]["body"], "points": "32"},
        "reason": "Bảng điểm ghi nhầm"})
    assert fixed.status_code == 201, fixed.json()
    two = _row(shared_client, scored)["criteria"][1]
    assert (two["counted"], two["self_score"]["points"]) == ("32.00", "32")
    assert two["self_score"]["event_id"] == scored["self_2"]["event_id"]  # the original's place
    [change] = two["self_score"]["corrections"]
    assert (change["kind"], change["event_id"], change["points_before"], change["points_after"], change["reason"]) == (
        "FactCorrected", f"{fixed.json()['entity_id']}:{fixed.json()['version']}", "30", "32", "Bảng điểm ghi nhầm")
    before = _row(shared_client, scored, f"?known_at={fixed.json()['position'] - 1}")
    assert before["criteria"][1]["self_score"]["points"] == "30"
