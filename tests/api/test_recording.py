"""Clerks record facts over HTTP; rules, validation, roles and concurrency answer clearly."""

import unicodedata
from typing import Any
from uuid import uuid4

from fastapi.testclient import TestClient
from thidua_events.facts import Role

from tests.api.conftest import ADMIN, AUDITOR, CLERK, CLERK_ACCOUNT, bearer


def post(client: TestClient, fact: str, body: dict[str, Any], headers: dict[str, str] = CLERK) -> Any:
    return client.post(f"/facts/{fact}", json=body, headers=headers)


def setup_cluster(client: TestClient, members: int = 3) -> dict[str, Any]:
    ids: dict[str, Any] = {"authority": str(uuid4()), "cluster": str(uuid4()), "units": []}
    assert post(client, "AuthorityRegistered", {
        "effective_date": "2015-01-01", "authority_id": ids["authority"],
        "name": "Công an thành phố Hà Nội", "symbol": "CATP"}, ADMIN).status_code == 201
    assert post(client, "ScopeGranted", {"effective_date": "2015-01-01", "account": CLERK_ACCOUNT,
                                         "authority_id": ids["authority"]}, ADMIN).status_code == 201
    for kind, level in (("Bằng khen", "certificate_of_merit"), ("Cờ thi đua của Bộ Công an", "ministry_flag")):
        assert post(client, "AwardKindRegistered", {  # the authority's award catalogue
            "effective_date": "2015-01-01", "authority_id": ids["authority"], "name": kind,
            "level": level}).status_code == 201
    assert post(client, "ClusterFormed", {
        "effective_date": "2015-01-01", "cluster_id": ids["cluster"], "name": "Cụm thi đua số 4",
        "authority_id": ids["authority"]}).status_code == 201
    for name in ["Phòng Tổ chức cán bộ", "Phòng Đào tạo", "Phòng Hậu cần", "Phòng Dân vận"][:members]:
        unit = str(uuid4())
        registered = post(client, "UnitRegistered", {"effective_date": "2015-01-01", "unit_id": unit,
                                                     "name": name, "authority_id": ids["authority"]})
        assert registered.status_code == 201
        assert post(client, "UnitJoined", {"effective_date": "2015-01-01", "cluster_id": ids["cluster"],
                                           "unit_id": unit}).status_code == 201
        ids["units"].append(unit)
    assert post(client, "YearOpened", {"effective_date": "2019-01-02", "cluster_id": ids["cluster"],
                                       "year": 2019, "movement": "Vì an ninh Tổ quốc"}).status_code == 201
    return ids


def head(client: TestClient) -> int:
    return client.get("/log?limit=1", headers=AUDITOR).json()["head"]


def test_recording_needs_a_bearer_token(client: TestClient) -> None:
    response = client.post("/facts/UnitRenamed", json={})
    assert response.status_code == 401
    assert "bearer token" in response.json()["detail"]


def test_a_forged_token_is_refused(client: TestClient) -> None:
    response = client.get("/log", headers={"Authorization": "Bearer not.a.token"})
    assert response.status_code == 401
    assert "not valid" in response.json()["detail"]


def test_auditors_and_subscribers_only_read(client: TestClient) -> None:
    for role in (Role.AUDITOR, Role.SUBSCRIBER):
        response = post(client, "AuthorityRegistered", {
            "effective_date": "2015-01-01", "authority_id": str(uuid4()), "name": "Bộ Công an",
            "symbol": "BCA"}, headers=bearer(role))
        assert response.status_code == 403
        assert "may only read" in response.json()["detail"]
    assert client.get("/log", headers=bearer(Role.SUBSCRIBER)).status_code == 200


def test_a_rule_violation_names_the_rule_and_stores_nothing(client: TestClient) -> None:
    ids = setup_cluster(client)
    before = head(client)
    response = post(client, "LeadershipElected", {
        "effective_date": "2019-11-14", "cluster_id": ids["cluster"], "year": 2019, "for_year": 2020,
        "leader_unit_id": ids["units"][0], "deputy_unit_id": ids["units"][1]})
    assert response.status_code == 409
    assert response.json()["rule"] == "election-at-or-after-year-end-review"
    assert head(client) == before


def test_invalid_input_names_the_field_and_stores_nothing(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    before = head(client)
    response = post(client, "UnitRenamed", {"effective_date": "2019-02-30", "unit_id": ids["units"][0],
                                            "name": "Phòng\tmới"})
    assert response.status_code == 422
    fields = {tuple(error["loc"]) for error in response.json()["detail"]}
    assert ("body", "effective_date") in fields
    assert ("body", "name") in fields
    assert head(client) == before


def test_decomposed_vietnamese_is_stored_composed(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    decomposed = unicodedata.normalize("NFD", "Phòng Công tác chính trị")
    assert post(client, "UnitRenamed", {"effective_date": "2017-01-01", "unit_id": ids["units"][0],
                                        "name": decomposed}).status_code == 201
    unit = client.get(f"/units/{ids['units'][0]}", headers=AUDITOR).json()
    assert unit["name"] == unicodedata.normalize("NFC", decomposed)
    assert unit["name"] != decomposed


def test_a_stale_expected_version_answers_409_with_the_current_version(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    unit = ids["units"][0]
    stale = post(client, "UnitRenamed", {"effective_date": "2017-01-01", "unit_id": unit,
                                         "name": "Phòng A", "expected_version": 5})
    assert stale.status_code == 409
    assert stale.json()["rule"] == "optimistic-concurrency"
    assert stale.json()["current_version"] == 1
    retry = post(client, "UnitRenamed", {"effective_date": "2017-01-01", "unit_id": unit,
                                         "name": "Phòng A", "expected_version": 1})
    assert retry.status_code == 201
    assert retry.json()["version"] == 2


def test_provenance_comes_from_the_token_not_the_body(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    response = post(client, "UnitRenamed", {"effective_date": "2017-01-01", "unit_id": ids["units"][0],
                                            "name": "Phòng B", "reason": "Quyết định đổi tên",
                                            "source_ref": "123/QĐ-CATP"})
    assert response.status_code == 201
    events = client.get(f"/entities/{ids['units'][0]}/events", headers=AUDITOR).json()
    assert events[-1]["provenance"] == {"actor": "Trần Văn Thư ký", "role": "clerk",
                                        "reason": "Quyết định đổi tên", "source_ref": "123/QĐ-CATP"}
    assert events[-1]["type"] == "UnitRenamed"


def test_an_unknown_entity_answers_404(client: TestClient) -> None:
    response = post(client, "UnitRenamed", {"effective_date": "2017-01-01", "unit_id": str(uuid4()),
                                            "name": "Phòng C"})
    assert response.status_code == 404
    assert response.json()["rule"] == "entity-must-exist"
