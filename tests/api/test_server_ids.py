"""Ids made by the server: a clerk records new entities without inventing UUIDs; the receipt
names them and the fact's own position; the log pages by the positions it returns."""

from typing import Any
from uuid import UUID, uuid4

from fastapi.testclient import TestClient

from tests.api.conftest import AUDITOR
from tests.api.test_queries import criteria
from tests.api.test_recording import post, setup_cluster


def test_a_new_unit_cluster_and_person_get_ids_made_by_the_server(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    cluster = post(client, "ClusterFormed", {"effective_date": "2016-01-01", "name": "Cụm thi đua số 5",
                                             "authority_id": ids["authority"]})
    assert cluster.status_code == 201, cluster.text
    cluster_id = cluster.json()["ids"]["cluster_id"]
    assert cluster.json()["entity_id"] == cluster_id and UUID(cluster_id).version == 4
    unit = post(client, "UnitRegistered", {"effective_date": "2016-01-01", "name": "Phòng Tham mưu",
                                           "authority_id": ids["authority"]})
    unit_id = unit.json()["ids"]["unit_id"]
    assert unit_id != cluster_id
    named = client.get(f"/units/{unit_id}", headers=AUDITOR).json()
    assert named["name"] == "Phòng Tham mưu"
    person = post(client, "PersonRegistered", {"effective_date": "2016-02-01", "full_name": "Nguyễn Văn An",
                                               "unit_id": unit_id})
    assert person.status_code == 201 and set(person.json()["ids"]) == {"person_id"}


def test_an_id_the_clerk_sends_is_kept_and_a_second_use_is_refused(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    mine = str(uuid4())
    body = {"effective_date": "2016-01-01", "unit_id": mine, "name": "Phòng Hậu cần 2",
            "authority_id": ids["authority"]}
    assert post(client, "UnitRegistered", body).json()["ids"] == {"unit_id": mine}
    again = post(client, "UnitRegistered", {**body, "name": "Phòng khác"})
    assert again.status_code == 409 and again.json()["rule"] == "register-once"


def test_a_fact_about_an_existing_entity_still_names_it(client: TestClient) -> None:
    setup_cluster(client, members=1)
    response = post(client, "UnitRenamed", {"effective_date": "2016-01-01", "name": "Phòng mới"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "unit_id"


def test_scores_and_ballots_within_a_year_get_ids_and_the_year_id_stays_derived(client: TestClient) -> None:
    ids = setup_cluster(client, members=2)
    criteria(client, ids["cluster"])
    scored = post(client, "ScoreRecorded", {
        "effective_date": "2019-11-01", "cluster_id": ids["cluster"], "year": 2019, "unit_id": ids["units"][0],
        "criterion_code": "1", "points": "50", "kind": "self"})
    assert scored.status_code == 201, scored.text
    score_id = scored.json()["ids"]["score_id"]
    assert score_id != scored.json()["entity_id"]  # the score lives in its emulation year
    corrected = post(client, "ScoreCorrected", {
        "effective_date": "2019-11-02", "cluster_id": ids["cluster"], "year": 2019,
        "corrects_score_id": score_id, "points": "55"})
    assert corrected.status_code == 201, corrected.text
    assert corrected.json()["ids"]["score_id"] not in (score_id, None)
    ballot = post(client, "BallotHeld", {
        "effective_date": "2019-12-01", "cluster_id": ids["cluster"], "year": 2019,
        "subject": "Cờ thi đua của Bộ Công an", "issued": 2, "returned": 2, "valid": 2,
        "votes": [{"unit_id": ids["units"][0], "votes": 2}]})
    assert ballot.status_code == 201, ballot.text
    assert set(ballot.json()["ids"]) == {"ballot_id"}


def confer(client: TestClient, ids: dict[str, Any], decree_no: str, **extra: Any) -> Any:
    return post(client, "AwardConferred", {
        "effective_date": "2020-01-15", "decree_no": decree_no, "decree_date": "2020-01-15",
        "authority_id": ids["authority"], "signer": "Đoàn Ngọc Hùng", "award_kind": "Bằng khen",
        "year": 2019, "recipients": [{"kind": "collective", "unit_id": ids["units"][0]}], **extra})


def test_a_receipt_gives_the_position_of_the_fact_itself(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    conferred = confer(client, ids, "05/QĐ-CATP")
    assert conferred.status_code == 201, conferred.text
    receipt = conferred.json()
    events = client.get(f"/entities/{receipt['ids']['decree_id']}/events", headers=AUDITOR).json()
    assert [e["position"] for e in events] == [receipt["position"]]
    revoked = confer(client, ids, "06/QĐ-CATP", revokes_decree_id=receipt["ids"]["decree_id"])
    # AwardConferred has no revokes field: the near miss is refused by name, nothing stored.
    assert revoked.status_code == 422
    revocation = post(client, "AwardRevoked", {
        "effective_date": "2020-02-01", "decree_no": "07/QĐ-CATP", "decree_date": "2020-02-01",
        "authority_id": ids["authority"], "signer": "Đoàn Ngọc Hùng", "award_kind": "Bằng khen",
        "year": 2019, "recipients": [{"kind": "collective", "unit_id": ids["units"][0]}],
        "revokes_decree_id": receipt["ids"]["decree_id"]})
    assert revocation.status_code == 201, revocation.text
    events = client.get(f"/entities/{revocation.json()['ids']['decree_id']}/events", headers=AUDITOR).json()
    assert [e["position"] for e in events] == [revocation.json()["position"]]


def test_log_paging_counts_the_positions_it_returns(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    for number in range(3):  # each conferral also stores internal events (decree number, award claim)
        assert confer(client, {**ids}, f"0{number}/QĐ-CATP", year=2016 + number).status_code == 201
    seen: list[int] = []
    after = 0
    while True:
        page = client.get(f"/log?after={after}&limit=5", headers=AUDITOR).json()
        assert len(page["events"]) == 5 or page["next_after"] >= page["head"]
        seen += [e["position"] for e in page["events"]]
        if not page["events"]:
            break
        after = page["next_after"]
    assert seen == sorted(set(seen))
    types = [e["type"] for e in client.get("/log?limit=1000", headers=AUDITOR).json()["events"]]
    assert types.count("AwardConferred") == 3 and len(seen) == len(types)
