"""The auditor's desk over HTTP, on SQLite and PostgreSQL: what changed between two moments
(each change naming its event), verify and replay as jobs with progress, signed digests,
statistics and a unit's history."""

import time
from pathlib import Path
from typing import Any
from uuid import uuid4

from fastapi.testclient import TestClient
from thidua_events.tokens import new_signing_key
from thidua_ledger.api.app import create_app
from thidua_ledger.settings import Settings

from tests.api.conftest import AUDITOR, CLERK
from tests.api.test_queries import criteria, score
from tests.api.test_recording import post, setup_cluster
from tests.intruder import tamper


def _head(client: TestClient) -> int:
    return int(client.get("/log?after=0&limit=1000", headers=AUDITOR).json()["events"][-1]["position"])


def _job(client: TestClient, started: Any) -> dict[str, Any]:
    assert started.status_code == 202, started.json()
    job_id = started.json()["job_id"]
    for _ in range(200):
        job = client.get(f"/audit/jobs/{job_id}", headers=AUDITOR).json()
        if job["status"] != "running":
            return dict(job)
        time.sleep(0.05)
    raise AssertionError("the job did not finish")


def test_the_diff_names_a_score_correction_and_its_event(client: TestClient) -> None:
    ids = setup_cluster(client, members=2)
    c, (a, b) = ids["cluster"], ids["units"]
    criteria(client, c)
    score_id = str(uuid4())
    assert score(client, c, a, "1", "50", score_id=score_id).status_code == 201
    assert score(client, c, b, "1", "55").status_code == 201
    before = _head(client)
    fixed = post(client, "ScoreCorrected", {"effective_date": "2019-11-05", "cluster_id": c, "year": 2019,
                                             "score_id": str(uuid4()), "corrects_score_id": score_id,
                                             "points": "58", "reason": "Cộng nhầm điểm"})
    assert fixed.status_code == 201, fixed.json()
    event_id = f"{fixed.json()['entity_id']}:{fixed.json()['version']}"
    diff = client.get(f"/clusters/{c}/years/2019/changes?from_known_at={before}", headers=AUDITOR).json()
    changed = {(x["section"], x["item"], x["before"], x["after"], x["event_id"]) for x in diff["changes"]}
    assert changed == {
        ("scores", "Phòng Tổ chức cán bộ · 1", "50", "58", event_id),
        ("standings", "Phòng Tổ chức cán bộ", "hạng 2, tổng 50", "hạng 1, tổng 58", event_id),
        ("standings", "Phòng Đào tạo", "hạng 1, tổng 55", "hạng 2, tổng 55", event_id)}
    # The near miss: a window that ends before the correction shows nothing changed.
    assert client.get(f"/clusters/{c}/years/2019/changes?from_known_at={before}&to_known_at={before}",
                      headers=AUDITOR).json()["changes"] == []


def test_the_diff_from_the_start_names_each_members_joining(client: TestClient) -> None:
    ids = setup_cluster(client, members=2)
    diff = client.get(f"/clusters/{ids['cluster']}/years/2019/changes", headers=AUDITOR).json()
    members = [x for x in diff["changes"] if x["section"] == "members"]
    assert sorted(x["item"] for x in members) == ["Phòng Tổ chức cán bộ", "Phòng Đào tạo"]
    assert all(x["before"] is None and x["event_id"].startswith(ids["cluster"]) for x in members)


def test_award_changes_name_the_conferring_decree(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    before = _head(client)
    decree = str(uuid4())
    assert post(client, "AwardConferred", {
        "effective_date": "2020-01-15", "decree_id": decree, "decree_no": "05/QĐ-CATP",
        "decree_date": "2020-01-15", "authority_id": ids["authority"], "signer": "Đoàn Ngọc Hùng",
        "award_kind": "Bằng khen", "year": 2019, "cluster_id": ids["cluster"],
        "recipients": [{"kind": "collective", "unit_id": ids["units"][0]}]}).status_code == 201
    diff = client.get(f"/awards/changes?from_known_at={before}&cluster_id={ids['cluster']}", headers=AUDITOR).json()
    assert [(x["item"], x["after"], x["event_id"].split(":")[0]) for x in diff["changes"]] == [
        ("Bằng khen · Phòng Tổ chức cán bộ · QĐ 05/QĐ-CATP", "có hiệu lực", decree)]


def test_only_auditors_and_admins_use_the_audit_desk(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    refused = client.get(f"/clusters/{ids['cluster']}/years/2019/changes", headers=CLERK)
    assert refused.status_code == 403
    assert client.post("/audit/verify", headers=CLERK).status_code == 403


def test_verify_as_a_job_reports_an_intact_chain_then_the_altered_position(
        client: TestClient, ledger_settings: Settings) -> None:
    setup_cluster(client, members=2)
    job = _job(client, client.post("/audit/verify", headers=AUDITOR))
    assert job["status"] == "done" and job["result"]["ok"] is True
    assert job["done"] == job["total"] > 0
    tamper(ledger_settings, "UPDATE {events} SET state = ? WHERE {pos} = 4", (b'{"forged":true}',))
    job = _job(client, client.post("/audit/verify", headers=AUDITOR))
    assert job["result"]["ok"] is False
    assert (job["result"]["finding"]["kind"], job["result"]["finding"]["position"]) == ("altered", 4)


def test_replay_of_a_year_and_of_everything_match_the_live_state(client: TestClient) -> None:
    ids = setup_cluster(client, members=2)
    year = _job(client, client.post(f"/audit/replay?cluster_id={ids['cluster']}&year=2019", headers=AUDITOR))
    assert year["status"] == "done" and year["result"]["matches"] is True
    everything = _job(client, client.post("/audit/replay", headers=AUDITOR))
    assert everything["result"]["matches"] is True and everything["result"]["scope"] == "all"
    half = client.post(f"/audit/replay?cluster_id={ids['cluster']}", headers=AUDITOR)
    assert half.status_code == 422 and half.json()["detail"][0]["loc"][-1] == "year"


def _digest_client(settings: Settings, tmp_path: Path) -> TestClient:
    key = tmp_path / "digest.key"
    key.write_bytes(new_signing_key())
    return TestClient(create_app(settings.model_copy(update={"digest_signing_key_file": key})))


def test_a_signed_digest_checks_until_the_history_is_rewritten(ledger_settings: Settings, tmp_path: Path) -> None:
    with _digest_client(ledger_settings, tmp_path) as client:
        setup_cluster(client, members=2)
        digest = client.get("/audit/digest", headers=AUDITOR).json()
        assert client.post("/audit/digest/check", json=digest, headers=AUDITOR).json()["ok"] is True
        setup_cluster(client, members=1)  # history goes on: the old digest still holds
        assert client.post("/audit/digest/check", json=digest, headers=AUDITOR).json()["ok"] is True
        tamper(ledger_settings, "UPDATE {events} SET state = ? WHERE {pos} = 3", (b'{"forged":true}',))
        checked = client.post("/audit/digest/check", json=digest, headers=AUDITOR).json()
        assert checked["ok"] is False and checked["finding"]["position"] == 3


def test_a_digest_changed_after_signing_is_refused(ledger_settings: Settings, tmp_path: Path) -> None:
    with _digest_client(ledger_settings, tmp_path) as client:
        setup_cluster(client, members=1)
        digest = client.get("/audit/digest", headers=AUDITOR).json()
        forged = {**digest, "position": digest["position"] - 1}
        refused = client.post("/audit/digest/check", json=forged, headers=AUDITOR)
        assert refused.status_code == 409 and refused.json()["rule"] == "digest-signed-by-this-ledger"
        assert "BEGIN PUBLIC KEY" in client.get("/audit/digest/public-key", headers=AUDITOR).json()["public_key_pem"]


def test_a_digest_check_whose_body_is_not_json_is_a_documented_400(client: TestClient) -> None:
    """Found by the fuzz test: bytes that are not UTF-8 JSON got FastAPI's 400, which the
    schema of this route (the audit desk's one body) did not list."""
    refused = client.post("/audit/digest/check", content=b"Md\xe9futj'A\xff\xfec",
                          headers={**AUDITOR, "Content-Type": "application/json"})
    assert refused.status_code == 400
    documented = client.get("/openapi.json").json()["paths"]["/audit/digest/check"]["post"]["responses"]
    assert "400" in documented and "400" not in client.get("/openapi.json").json()["paths"]["/audit/digest"]["get"][
        "responses"]


def test_without_a_digest_key_the_ledger_refuses_to_sign_naming_the_rule(client: TestClient) -> None:
    refused = client.get("/audit/digest", headers=AUDITOR)
    assert refused.status_code == 409 and refused.json()["rule"] == "digest-needs-a-configured-key"


def test_a_digest_key_file_that_is_not_there_is_refused_naming_its_path(ledger_settings: Settings,
                                                                        tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "digest.key"
    with TestClient(create_app(ledger_settings.model_copy(update={"digest_signing_key_file": missing}))) as client:
        for answer in (client.get("/audit/digest", headers=AUDITOR),
                       client.get("/audit/digest/public-key", headers=AUDITOR)):
            assert answer.status_code == 409 and answer.json()["rule"] == "digest-needs-a-configured-key"
            assert str(missing) in answer.json()["detail"]


def test_statistics_keep_named_recipients_apart_from_stated_counts(client: TestClient) -> None:
    ids = setup_cluster(client, members=2)
    c, a = ids["cluster"], ids["units"][0]
    assert post(client, "AwardConferred", {
        "effective_date": "2020-01-15", "decree_id": str(uuid4()), "decree_no": "05/QĐ-CATP",
        "decree_date": "2020-01-15", "authority_id": ids["authority"], "signer": "Đoàn Ngọc Hùng",
        "award_kind": "Cờ thi đua của Bộ Công an", "year": 2019, "cluster_id": c,
        "recipients": [{"kind": "collective", "unit_id": a}]}).status_code == 201
    assert post(client, "CommendationsCounted", {"effective_date": "2019-11-14", "cluster_id": c, "year": 2019,
                                                 "collectives": 120, "individuals": 357}).status_code == 201
    stats = client.get(f"/statistics?cluster_id={c}", headers=AUDITOR).json()
    [year] = stats["years"]
    assert year["year"] == 2019
    assert year["awards"] == [{"award_kind": "Cờ thi đua của Bộ Công an", "level": "ministry_flag",
                               "collectives": 1, "individuals": 0}]
    assert (year["named_collectives"], year["named_individuals"]) == (1, 0)  # not 121: the count is apart
    assert [(s["collectives"], s["individuals"]) for s in year["stated_counts"]] == [(120, 357)]
    assert [f["name"] for f in year["flags"]] == ["Phòng Tổ chức cán bộ"]
    by_authority = client.get(f"/statistics?authority_id={ids['authority']}&year=2019", headers=AUDITOR).json()
    assert by_authority["years"][0]["awards"] == year["awards"]
    assert client.get(f"/statistics?cluster_id={c}&year=2018", headers=AUDITOR).json()["years"] == []


def test_a_units_history_lists_its_cluster_terms_flags_and_awards(client: TestClient) -> None:
    ids = setup_cluster(client, members=2)
    c, (a, b) = ids["cluster"], ids["units"]
    assert post(client, "YearEndReviewHeld", {"effective_date": "2019-11-14", "cluster_id": c,
                                              "year": 2019}).status_code == 201
    assert post(client, "LeadershipElected", {"effective_date": "2019-11-14", "cluster_id": c, "year": 2019,
                                              "for_year": 2020, "leader_unit_id": a,
                                              "deputy_unit_id": b}).status_code == 201
    assert post(client, "RotatingFlagHandedOver", {"effective_date": "2019-11-14", "cluster_id": c, "year": 2019,
                                                   "from_unit_id": b, "to_unit_id": a}).status_code == 201
    history = client.get(f"/units/{a}/history", headers=AUDITOR).json()
    assert [m["cluster"] for m in history["memberships"]] == ["Cụm thi đua số 4"]
    assert [(t["year"], t["role"]) for t in history["terms"]] == [(2020, "leader")]
    assert [(f["year"], f["handed_on"]) for f in history["flags"]] == [(2019, "2019-11-14")]
    other = client.get(f"/units/{b}/history", headers=AUDITOR).json()
    assert [(t["year"], t["role"]) for t in other["terms"]] == [(2020, "deputy")] and other["flags"] == []


def test_counted_points_per_criterion_add_up_to_the_standings(client: TestClient) -> None:
    ids = setup_cluster(client, members=2)
    c, (a, b) = ids["cluster"], ids["units"]
    criteria(client, c)
    for unit, p1, p2 in [(a, "50", "30"), (b, "45", "35")]:
        assert score(client, c, unit, "1", p1).status_code == 201
        assert score(client, c, unit, "2", p2).status_code == 201
    # a cross score replaces the self score of that criterion in what is counted
    assert score(client, c, a, "2", "20", kind="cross", scored_by_unit_id=b).status_code == 201
    counted = client.get(f"/statistics/clusters/{c}/years/2019/criteria", headers=AUDITOR).json()
    by_unit: dict[str, float] = {}
    for row in counted:
        by_unit[row["unit"]] = by_unit.get(row["unit"], 0) + float(row["points"])
    table = client.get(f"/clusters/{c}/years/2019/standings", headers=AUDITOR).json()["standings"]
    assert by_unit == {row["unit"]["name"]: float(row["total"]) for row in table} == {
        "Phòng Tổ chức cán bộ": 70.0, "Phòng Đào tạo": 80.0}
