"""Clerks and auditors read current state: a cluster's year, standings, awards, the log."""

from typing import Any
from uuid import uuid4

from fastapi.testclient import TestClient

from tests.api.conftest import AUDITOR
from tests.api.test_recording import post, setup_cluster


def criteria(client: TestClient, cluster: str) -> None:
    assert post(client, "CriteriaAdopted", {
        "effective_date": "2019-01-10", "cluster_id": cluster, "year": 2019,
        "criteria": [{"code": "1", "title": "Công tác xây dựng lực lượng", "max_points": "60"},
                     {"code": "2", "title": "Công tác chuyên môn", "max_points": "40"}]}).status_code == 201


def score(client: TestClient, cluster: str, unit: str, code: str, points: str, **extra: Any) -> Any:
    return post(client, "ScoreRecorded", {
        "effective_date": "2019-11-01", "cluster_id": cluster, "year": 2019, "score_id": str(uuid4()),
        "unit_id": unit, "criterion_code": code, "points": points, "kind": "self", **extra})


def test_cluster_year_lists_members_the_vietnamese_way(client: TestClient) -> None:
    ids = setup_cluster(client, members=4)
    view = client.get(f"/clusters/{ids['cluster']}/years/2019", headers=AUDITOR).json()
    assert [m["name"] for m in view["members"]] == [
        "Phòng Dân vận", "Phòng Đào tạo", "Phòng Hậu cần", "Phòng Tổ chức cán bộ"]


def test_next_years_leader_deputy_and_flag_holder(client: TestClient) -> None:
    ids = setup_cluster(client, members=3)
    c, (a, b, d) = ids["cluster"], ids["units"]
    assert post(client, "YearEndReviewHeld", {"effective_date": "2019-11-14", "cluster_id": c,
                                              "year": 2019}).status_code == 201
    assert post(client, "LeadershipElected", {"effective_date": "2019-11-14", "cluster_id": c, "year": 2019,
                                              "for_year": 2020, "leader_unit_id": a,
                                              "deputy_unit_id": b}).status_code == 201
    assert post(client, "RotatingFlagHandedOver", {"effective_date": "2019-11-14", "cluster_id": c,
                                                   "year": 2019, "from_unit_id": d,
                                                   "to_unit_id": a}).status_code == 201
    view = client.get(f"/clusters/{c}/years/2020", headers=AUDITOR).json()
    assert (view["leader"]["unit_id"], view["deputy"]["unit_id"]) == (a, b)
    assert view["flag_holder"]["unit_id"] == a
    assert client.get(f"/clusters/{c}/years/2019", headers=AUDITOR).json()["flag_handed_to"]["unit_id"] == a


def test_standings_total_rank_and_state_ties(client: TestClient) -> None:
    ids = setup_cluster(client, members=3)
    c, (a, b, d) = ids["cluster"], ids["units"]
    criteria(client, c)
    for unit, p1, p2 in [(a, "50", "30"), (b, "45", "35"), (d, "55", "30.5")]:
        assert score(client, c, unit, "1", p1).status_code == 201
        assert score(client, c, unit, "2", p2).status_code == 201
    table = client.get(f"/clusters/{c}/years/2019/standings", headers=AUDITOR).json()["standings"]
    assert [(row["rank"], row["unit"]["unit_id"], row["total"], row["tied"]) for row in table] == [
        (1, d, "85.50", False), (2, b, "80.00", True), (2, a, "80.00", True)]  # Đào tạo < Tổ chức


def test_a_corrected_score_replaces_its_value_in_the_standings(client: TestClient) -> None:
    ids = setup_cluster(client, members=2)
    c, (a, b) = ids["cluster"], ids["units"]
    criteria(client, c)
    first = str(uuid4())
    assert score(client, c, a, "1", "50", score_id=first).status_code == 201
    assert score(client, c, b, "1", "55").status_code == 201
    assert post(client, "ScoreCorrected", {"effective_date": "2019-12-01", "cluster_id": c, "year": 2019,
                                           "score_id": str(uuid4()), "corrects_score_id": first,
                                           "points": "58", "reason": "Chấm lại"}).status_code == 201
    table = client.get(f"/clusters/{c}/years/2019/standings", headers=AUDITOR).json()["standings"]
    assert [(row["unit"]["unit_id"], row["total"]) for row in table] == [(a, "58.00"), (b, "55.00")]


def test_a_score_above_its_criterion_maximum_is_refused(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    criteria(client, ids["cluster"])
    response = score(client, ids["cluster"], ids["units"][0], "2", "40.5")
    assert response.status_code == 409
    assert response.json()["rule"] == "score-within-maximum"


def test_award_register_by_unit_and_the_same_award_twice_is_refused(client: TestClient) -> None:
    ids = setup_cluster(client, members=2)
    a, b = ids["units"]

    def confer(decree_no: str, units: list[str]) -> Any:
        return post(client, "AwardConferred", {
            "effective_date": "2020-01-15", "decree_id": str(uuid4()), "decree_no": decree_no,
            "decree_date": "2020-01-15", "authority_id": ids["authority"], "signer": "Đoàn Ngọc Hùng",
            "award_kind": "Cờ thi đua của Bộ Công an", "year": 2019, "cluster_id": ids["cluster"],
            "recipients": [{"kind": "collective", "unit_id": u} for u in units]})

    assert confer("05/QĐ-CATP", [a]).status_code == 201
    refused = confer("06/QĐ-CATP", [b, a])
    assert refused.status_code == 409
    assert refused.json()["rule"] == "one-achievement-one-award"
    register = client.get(f"/awards?unit_id={a}", headers=AUDITOR).json()
    assert [(e["decree_no"], e["award_kind"]) for e in register["awards"]] == [
        ("05/QĐ-CATP", "Cờ thi đua của Bộ Công an")]
    assert client.get(f"/awards?unit_id={b}", headers=AUDITOR).json()["awards"] == []


def test_the_log_pages_in_order(client: TestClient) -> None:
    setup_cluster(client, members=2)
    first = client.get("/log?after=0&limit=3", headers=AUDITOR).json()
    second = client.get(f"/log?after={first['next_after']}&limit=100", headers=AUDITOR).json()
    positions = [e["position"] for e in first["events"] + second["events"]]
    assert positions == sorted(positions) and len(positions) == len(set(positions)) == 10  # with the grant
    assert first["events"][0]["type"] == "AuthorityRegistered"
    assert second["next_after"] == second["head"]
