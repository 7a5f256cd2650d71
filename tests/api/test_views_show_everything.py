"""The year views show everything the facts record, over HTTP on both stores: signatures with
their stated dates, conferences (the flag handover too), the working group, the regulation,
the criteria tree, stated counts beside named ones, and the corrections with their reasons."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import ADMIN, AUDITOR
from tests.api.shared_client import shared_client  # noqa: F401 (a fixture)
from tests.api.test_recording import post, setup_cluster

OFFICIAL = {"name": "Đoàn Ngọc Hùng", "rank": "Thiếu tướng", "post": "Phó Giám đốc CATP Hà Nội",
            "role": "dự và chủ trì"}


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.json()
    body: dict[str, Any] = response.json()
    return body


def event_id(receipt: dict[str, Any]) -> str:
    return f"{receipt['entity_id']}:{receipt['version']}"


def year_fact(client: TestClient, fact: str, ids: dict[str, Any], on: str, **fields: Any) -> dict[str, Any]:
    return ok(post(client, fact, {"effective_date": on, "cluster_id": ids["cluster"], "year": 2019, **fields}))


@pytest.fixture
def pledged(shared_client: TestClient) -> dict[str, Any]:  # noqa: F811
    """A cluster-year with a pledge adopted at a conference and signed by two units, one of
    them on a date stated only by month."""
    client = shared_client
    ids = setup_cluster(client, members=3)
    a, b, _ = ids["units"]
    year_fact(client, "PledgeDrafted", ids, "2019-01-05", title="Giao ước thi đua năm 2019",
              drafted_by_unit_id=a)
    year_fact(client, "PledgeAdopted", ids, "2019-01-10", place="Hội trường Công an thành phố",
              chair="Đoàn Ngọc Hùng", officials=[OFFICIAL], summary="Ký kết giao ước thi đua năm 2019")
    ids["signed_a"] = event_id(year_fact(client, "PledgeSigned", ids, "2019-01-20", unit_id=a))
    ids["signed_b"] = event_id(year_fact(client, "PledgeSigned", ids, "2019-03-01", unit_id=b,
                                         date_precision="month"))
    return ids


def record(client: TestClient, ids: dict[str, Any], query: str = "") -> dict[str, Any]:
    response = client.get(f"/clusters/{ids['cluster']}/years/2019/record{query}", headers=AUDITOR)
    assert response.status_code == 200, response.json()
    body: dict[str, Any] = response.json()
    return body


def test_each_signature_shows_its_date_as_stated(shared_client: TestClient, pledged: dict[str, Any]) -> None:  # noqa: F811
    a, b, _ = pledged["units"]
    signatures = record(shared_client, pledged)["signatures"]
    assert [(s["unit"]["unit_id"], s["signed_on"], s["event_id"]) for s in signatures] == [
        (a, "2019-01-20", pledged["signed_a"]), (b, "2019-03", pledged["signed_b"])]  # a month, never a day


def test_the_pledge_conference_shows_place_chair_officials_and_summary(
        shared_client: TestClient, pledged: dict[str, Any]) -> None:  # noqa: F811
    pledge = record(shared_client, pledged)["conferences"]["pledge"]
    assert (pledge["place"], pledge["chair"], pledge["summary"]) == (
        "Hội trường Công an thành phố", "Đoàn Ngọc Hùng", "Ký kết giao ước thi đua năm 2019")
    assert pledge["officials"] == [OFFICIAL]
    draft = record(shared_client, pledged)["pledge"]
    assert (draft["title"], draft["drafted_by"]["unit_id"], draft["drafted_on"]) == (
        "Giao ước thi đua năm 2019", pledged["units"][0], "2019-01-05")


def test_a_retracted_signature_disappears_and_the_retraction_shows_its_reason(
        shared_client: TestClient, pledged: dict[str, Any]) -> None:  # noqa: F811
    retraction = ok(post(shared_client, "FactRetracted", {
        "effective_date": "2019-04-01", "original": pledged["signed_b"], "reason": "Ghi nhầm đơn vị ký"}))
    view = record(shared_client, pledged)
    assert [s["event_id"] for s in view["signatures"]] == [pledged["signed_a"]]
    assert [r["unit_id"] for r in view["signed_by"]] == [pledged["units"][0]]
    [correction] = view["corrections"]
    assert correction["corrected_event_id"] == pledged["signed_b"]
    assert correction["correcting_event_id"] == event_id(retraction)
    assert (correction["retracted"], correction["fact_type"], correction["reason"]) == (
        True, "PledgeSigned", "Ghi nhầm đơn vị ký")
    assert correction["actor"] and correction["recorded_at"] and correction["position"] == retraction["position"]
    # The near miss: known just before the retraction, the signature is still there.
    before = record(shared_client, pledged, f"?known_at={retraction['position'] - 1}")
    assert len(before["signatures"]) == 2 and before["corrections"] == []


def test_a_correction_known_after_known_at_shows_the_old_date(
        shared_client: TestClient, pledged: dict[str, Any]) -> None:  # noqa: F811
    a = pledged["units"][0]
    fixed = ok(post(shared_client, "FactCorrected", {
        "effective_date": "2019-04-01", "original": pledged["signed_a"], "replacement_type": "PledgeSigned",
        "replacement": {"effective_date": "2019-01-21", "cluster_id": pledged["cluster"], "year": 2019,
                        "unit_id": a}, "reason": "Biên bản ghi ngày 21"}))
    now = record(shared_client, pledged)
    assert now["signatures"][0]["signed_on"] == "2019-01-21"
    assert now["signatures"][0]["event_id"] == pledged["signed_a"]  # the correction takes the original's place
    assert now["corrections"][0]["reason"] == "Biên bản ghi ngày 21"
    before = record(shared_client, pledged, f"?known_at={fixed['position'] - 1}")
    assert before["signatures"][0]["signed_on"] == "2019-01-20"


def test_working_group_regulation_handover_and_stated_counts(shared_client: TestClient) -> None:  # noqa: F811
    client = shared_client
    ids = setup_cluster(client, members=3)
    a, b, _ = ids["units"]
    cluster = {"cluster_id": ids["cluster"]}
    regulation = ok(post(client, "RegulationAdopted", {
        "effective_date": "2019-01-01", "date_precision": "year", **cluster, "title": "Quy chế hoạt động Cụm 4",
        "content": "Cụm trưởng luân phiên", "honour_threshold": {
            "numerator": 1, "denominator": 2, "basis": "valid", "strictly_more": True}}))
    ok(post(client, "RegulationAdopted", {"effective_date": "2020-02-01", **cluster, "title": "Quy chế 2020"}))
    group = ok(post(client, "WorkingGroupEstablished", {
        "effective_date": "2019-02-01", **cluster, "year": 2019, "decision_ref": "Quyết định số 12/QĐ-CTĐ4",
        "members": ["Nguyễn Văn An", "Trần Thị Bình"]}))
    ok(post(client, "MembersCounted", {"effective_date": "2019-01-02", **cluster, "year": 2019, "count": 8}))
    year_fact(client, "YearEndReviewHeld", ids, "2019-11-14", place="Hà Nội")
    handover = ok(post(client, "RotatingFlagHandedOver", {
        "effective_date": "2019-11-14", **cluster, "year": 2019, "from_unit_id": a, "to_unit_id": b,
        "place": "Hà Nội", "chair": "Đoàn Ngọc Hùng", "officials": [OFFICIAL], "summary": "Trao cờ luân lưu"}))
    year_fact(client, "CommendationsCounted", ids, "2019-12-01", collectives=120, individuals=357)
    view = record(client, ids)
    assert view["working_group"] == {"established_on": "2019-02-01", "decision_ref": "Quyết định số 12/QĐ-CTĐ4",
                                     "members": ["Nguyễn Văn An", "Trần Thị Bình"], "event_id": event_id(group)}
    [in_force] = view["regulations"]  # the 2020 regulation is not the 2019 year's
    assert (in_force["adopted_on"], in_force["title"], in_force["content"], in_force["event_id"]) == (
        "2019", "Quy chế hoạt động Cụm 4", "Cụm trưởng luân phiên", event_id(regulation))
    assert in_force["honour_threshold"]["strictly_more"] is True
    [given] = view["flag_handovers"]
    assert (given["from_unit"]["unit_id"], given["to_unit"]["unit_id"], given["on"], given["place"],
            given["chair"], given["summary"], given["event_id"]) == (
        a, b, "2019-11-14", "Hà Nội", "Đoàn Ngọc Hùng", "Trao cờ luân lưu", event_id(handover))
    assert given["officials"] == [OFFICIAL]
    assert view["conferences"]["flag_handover"]["summary"] == "Trao cờ luân lưu"
    assert (view["members_stated"], view["members_named"]) == (8, 3)  # 8 stated, 3 named
    assert [(c["collectives"], c["individuals"]) for c in view["commendations_stated"]] == [(120, 357)]


def test_the_criteria_tree_keeps_its_parent_links(shared_client: TestClient) -> None:  # noqa: F811
    ids = setup_cluster(shared_client, members=1)
    year_fact(shared_client, "CriteriaAdopted", ids, "2019-01-10", criteria=[
        {"code": "1", "title": "Xây dựng lực lượng", "max_points": "60", "children": [
            {"code": "1.1", "title": "Chính trị", "max_points": "30"},
            {"code": "1.2", "title": "Tổ chức", "max_points": "30"}]},
        {"code": "2", "title": "Chuyên môn", "max_points": "40"}])
    tree = record(shared_client, ids)["criteria"]
    assert [(c["code"], c["parent_code"], c["order"], c["depth"], c["leaf"]) for c in tree] == [
        ("1", None, 1, 0, False), ("1.1", "1", 1, 1, True), ("1.2", "1", 2, 1, True), ("2", None, 2, 0, True)]


def test_the_year_entity_id_opens_its_events(shared_client: TestClient, pledged: dict[str, Any]) -> None:  # noqa: F811
    year = shared_client.get(f"/clusters/{pledged['cluster']}/years/2019", headers=AUDITOR).json()
    view = record(shared_client, pledged)
    assert year["year_entity_id"] == view["entity_id"]
    events = shared_client.get(f"/entities/{view['entity_id']}/events", headers=AUDITOR).json()
    assert pledged["signed_b"] in {e["id"] for e in events}
    unopened = shared_client.get(f"/clusters/{pledged['cluster']}/years/2018", headers=AUDITOR).json()
    assert unopened["year_entity_id"] is None


def test_an_authority_shows_its_symbol_parent_and_names(shared_client: TestClient) -> None:  # noqa: F811
    from uuid import uuid4
    ministry, city = str(uuid4()), str(uuid4())
    ok(post(shared_client, "AuthorityRegistered", {"effective_date": "2015-01-01", "authority_id": ministry,
                                                   "name": "Bộ Công an", "symbol": "BCA"}, ADMIN))
    placed = ok(post(shared_client, "AuthorityRegistered", {
        "effective_date": "2015-01-01", "date_precision": "year", "authority_id": city,
        "name": "Công an thành phố Hà Nội", "symbol": "CATP", "parent_id": ministry, "place": "Hà Nội"}, ADMIN))
    body = shared_client.get(f"/authorities/{city}", headers=AUDITOR).json()
    assert (body["symbol"], body["place"], body["names"]) == ("CATP", "Hà Nội", [["2015", "Công an thành phố Hà Nội"]])
    assert body["parent"] == {"authority_id": ministry, "name": "Bộ Công an"}
    assert shared_client.get(f"/authorities/{ministry}", headers=AUDITOR).json()["parent"] is None
    # The near miss: before it was recorded, it is not known.
    early = shared_client.get(f"/authorities/{city}?known_at={placed['position'] - 1}", headers=AUDITOR)
    assert early.status_code == 404
