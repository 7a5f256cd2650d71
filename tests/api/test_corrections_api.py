"""Corrections over HTTP: one route per kind (POST /facts/FactCorrected, /facts/FactRetracted),
clerks only, a reason always, a refusal naming the rule and the fact it would break."""

from typing import Any
from uuid import uuid4

from fastapi.testclient import TestClient
from thidua_events.facts import Role

from tests.api.conftest import AUDITOR, bearer
from tests.api.conftest import CLERK as CLERK_HEADERS
from tests.api.test_recording import post, setup_cluster


def _elect(client: TestClient, ids: dict[str, Any], leader: str, on: str = "2019-11-14") -> Any:
    return post(client, "LeadershipElected", {
        "effective_date": on, "cluster_id": ids["cluster"], "year": 2019, "for_year": 2020,
        "leader_unit_id": leader, "deputy_unit_id": ids["units"][1]})


def _reviewed(client: TestClient) -> dict[str, Any]:
    ids = setup_cluster(client)
    review = post(client, "YearEndReviewHeld", {"effective_date": "2019-11-14", "cluster_id": ids["cluster"],
                                                "year": 2019, "place": "Hà Nội"})
    ids["review"] = f"{review.json()['entity_id']}:{review.json()['version']}"
    return ids


def _correction(ids: dict[str, Any], original: str, leader: str, on: str = "2019-11-14") -> dict[str, Any]:
    return {"effective_date": on, "original": original, "replacement_type": "LeadershipElected",
            "replacement": {"effective_date": on, "cluster_id": ids["cluster"], "year": 2019,
                            "for_year": 2020, "leader_unit_id": leader, "deputy_unit_id": ids["units"][1]},
            "reason": "Biên bản ghi nhầm đơn vị Cụm trưởng"}


def test_a_clerk_corrects_an_election_over_http(client: TestClient) -> None:
    ids = _reviewed(client)
    wrong = _elect(client, ids, ids["units"][0]).json()
    original = f"{wrong['entity_id']}:{wrong['version']}"
    fixed = post(client, "FactCorrected", _correction(ids, original, ids["units"][2]))
    assert fixed.status_code == 201, fixed.json()
    year = client.get(f"/clusters/{ids['cluster']}/years/2020", headers=AUDITOR).json()
    assert year["leader"]["unit_id"] == ids["units"][2]
    known_before = client.get(f"/clusters/{ids['cluster']}/years/2020?known_at={fixed.json()['position'] - 1}",
                              headers=AUDITOR).json()
    assert known_before["leader"]["unit_id"] == ids["units"][0]
    events = client.get(f"/entities/{wrong['entity_id']}/events", headers=AUDITOR).json()
    by_id = {e["id"]: e for e in events}
    assert by_id[original]["corrected_by"] == f"{fixed.json()['entity_id']}:{fixed.json()['version']}"


def test_a_correction_without_its_reason_is_invalid(client: TestClient) -> None:
    ids = _reviewed(client)
    wrong = _elect(client, ids, ids["units"][0]).json()
    body = _correction(ids, f"{wrong['entity_id']}:{wrong['version']}", ids["units"][2])
    del body["reason"]
    response = post(client, "FactCorrected", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "reason"


def test_a_replacement_that_is_not_its_fact_type_is_invalid(client: TestClient) -> None:
    ids = _reviewed(client)
    wrong = _elect(client, ids, ids["units"][0]).json()
    body = _correction(ids, f"{wrong['entity_id']}:{wrong['version']}", ids["units"][2])
    del body["replacement"]["leader_unit_id"]
    response = post(client, "FactCorrected", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "replacement"


def test_a_refused_correction_names_the_rule_and_the_dependent_fact(client: TestClient) -> None:
    ids = _reviewed(client)
    vote = _elect(client, ids, ids["units"][0]).json()
    response = post(client, "FactCorrected", {
        "effective_date": "2019-11-20", "original": ids["review"], "replacement_type": "YearEndReviewHeld",
        "replacement": {"effective_date": "2019-11-20", "cluster_id": ids["cluster"], "year": 2019},
        "reason": "Ngày hội nghị ghi nhầm"})
    assert response.status_code == 409
    assert response.json()["rule"] == "election-at-or-after-year-end-review"
    assert response.json()["dependent"] == f"{vote['entity_id']}:{vote['version']}"


def test_only_clerks_correct(client: TestClient) -> None:
    ids = _reviewed(client)
    wrong = _elect(client, ids, ids["units"][0]).json()
    for role in (Role.AUDITOR, Role.SUBSCRIBER):
        response = post(client, "FactRetracted", {"effective_date": "2019-12-01",
                                                  "original": f"{wrong['entity_id']}:{wrong['version']}",
                                                  "reason": "Ghi nhầm"}, headers=bearer(role))
        assert response.status_code == 403


def test_a_stated_count_reaches_the_feed_with_its_source(client: TestClient) -> None:
    """The documents service reads the feed: the count is there, with the source it came from."""
    ids = setup_cluster(client)
    response = client.post("/facts/MembersCounted", headers=CLERK_HEADERS, json={
        "effective_date": "2016-11-11", "cluster_id": ids["cluster"], "year": 2019, "count": 8,
        "source_ref": "Bài báo ngày 11-11-2016"})
    assert response.status_code == 201, response.json()
    events = client.get("/log?limit=1000", headers=AUDITOR).json()["events"]
    [counted] = [e for e in events if e["type"] == "MembersCounted"]
    assert counted["data"]["count"] == 8 and counted["provenance"]["source_ref"] == "Bài báo ngày 11-11-2016"
    read = client.get(f"/clusters/{ids['cluster']}/years/2019", headers=AUDITOR).json()
    assert (read["members_stated"], read["members_named"]) == (8, 3)


def test_a_year_date_that_is_not_the_first_of_january_is_invalid(client: TestClient) -> None:
    ids = setup_cluster(client)
    response = post(client, "PledgeDrafted", {"effective_date": "2019-03-01", "date_precision": "year",
                                              "cluster_id": ids["cluster"], "year": 2019, "title": "Giao ước"})
    assert response.status_code == 422
    assert "effective_date" in response.text
    fine = post(client, "PledgeDrafted", {"effective_date": "2019-01-01", "date_precision": "year",
                                          "cluster_id": ids["cluster"], "year": 2019, "title": "Giao ước"})
    assert fine.status_code == 201
    record = client.get(f"/clusters/{ids['cluster']}/years/2019/record", headers=AUDITOR).json()
    assert record["pledge_drafted_on"] == "2019"


def test_a_unit_known_only_by_its_year_reads_back_with_that_year(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    unit = "0b0e3c1a-6f0e-4d5c-9a1b-2c3d4e5f6a7b"
    registered = post(client, "UnitRegistered", {"effective_date": "2016-01-01", "date_precision": "year",
                                                 "unit_id": unit, "name": "Phòng Tham mưu",
                                                 "authority_id": ids["authority"]})
    assert registered.status_code == 201
    read = client.get(f"/units/{unit}", headers=AUDITOR).json()
    assert read["names"] == [["2016", "Phòng Tham mưu"]]
    [event] = client.get(f"/entities/{unit}/events", headers=AUDITOR).json()
    assert event["stated_date"] == "2016"


def test_a_clerk_corrects_only_where_they_may_record(client: TestClient) -> None:
    """A correction falls in the scope of the fact it names: a clerk granted another cluster
    only is refused (403), as for recording that fact."""
    from tests.api.conftest import ADMIN

    ids = _reviewed(client)
    wrong = _elect(client, ids, ids["units"][0]).json()
    elsewhere = str(uuid4())
    formed = post(client, "ClusterFormed", {"effective_date": "2015-01-01", "cluster_id": elsewhere,
                                            "name": "Cụm thi đua số 5", "authority_id": ids["authority"]})
    assert formed.status_code == 201
    assert post(client, "ScopeGranted", {"effective_date": "2015-01-01", "account": "Lê Văn Thư ký cụm khác",
                                         "cluster_id": elsewhere}, ADMIN).status_code == 201
    other_clerk = bearer(Role.CLERK, "Lê Văn Thư ký cụm khác")
    body = _correction(ids, f"{wrong['entity_id']}:{wrong['version']}", ids["units"][2])
    refused = post(client, "FactCorrected", body, other_clerk)
    assert refused.status_code == 403 and refused.json()["rule"] == "write-within-granted-scope"
    assert post(client, "FactCorrected", body).status_code == 201  # the near miss: the cluster's own clerk
