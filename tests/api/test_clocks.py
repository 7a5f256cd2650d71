"""Auditors ask what was true on a date, as the ledger knew it at a moment: both clocks."""

from uuid import uuid4

from fastapi.testclient import TestClient

from tests.api.conftest import AUDITOR
from tests.api.test_queries import criteria, score
from tests.api.test_recording import head, post, setup_cluster


def standings_of(client: TestClient, cluster: str, query: str = "") -> list[tuple[str, str]]:
    rows = client.get(f"/clusters/{cluster}/years/2019/standings{query}", headers=AUDITOR).json()
    return [(row["unit"]["unit_id"], row["total"]) for row in rows["standings"]]


def test_a_corrected_score_shows_its_old_value_as_known_before_the_correction(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    c, unit = ids["cluster"], ids["units"][0]
    criteria(client, c)
    original = str(uuid4())
    assert score(client, c, unit, "1", "50", score_id=original).status_code == 201
    before_correction = head(client)
    corrected = post(client, "ScoreCorrected", {
        "effective_date": "2019-12-05", "cluster_id": c, "year": 2019, "score_id": str(uuid4()),
        "corrects_score_id": original, "points": "55", "reason": "Phúc tra"})
    assert corrected.status_code == 201

    assert standings_of(client, c, f"?known_at={before_correction}") == [(unit, "50.00")]
    assert standings_of(client, c) == [(unit, "55.00")]
    history = client.get(f"/entities/{corrected.json()['entity_id']}/events", headers=AUDITOR).json()
    scored_at, corrected_at = history[-2]["recorded_at"], history[-1]["recorded_at"]
    assert scored_at < corrected_at
    # The recording moment of the original score: the ledger said 50 then, and 55 since the correction.
    assert standings_of(client, c, f"?known_at_time={scored_at}".replace("+", "%2B")) == [(unit, "50.00")]
    assert standings_of(client, c, f"?known_at_time={corrected_at}".replace("+", "%2B")) == [(unit, "55.00")]


def test_as_of_a_date_leaves_out_what_happened_later(client: TestClient) -> None:
    ids = setup_cluster(client, members=2)
    c = ids["cluster"]
    late = str(uuid4())
    assert post(client, "UnitRegistered", {"effective_date": "2019-01-01", "unit_id": late,
                                           "name": "Phòng Kỹ thuật", "authority_id": ids["authority"]}
                ).status_code == 201
    assert post(client, "UnitJoined", {"effective_date": "2019-06-01", "cluster_id": c,
                                       "unit_id": late}).status_code == 201
    on_march = client.get(f"/clusters/{c}/years/2019?as_of=2019-03-01", headers=AUDITOR).json()
    on_july = client.get(f"/clusters/{c}/years/2019?as_of=2019-07-01", headers=AUDITOR).json()
    assert late not in {m["unit_id"] for m in on_march["members"]}
    assert late in {m["unit_id"] for m in on_july["members"]}


def test_back_filled_history_was_unknown_before_it_was_recorded(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    before_backfill = head(client)
    assert post(client, "YearOpened", {"effective_date": "2016-01-01", "cluster_id": ids["cluster"],
                                       "year": 2016, "movement": "Vì an ninh Tổ quốc"}).status_code == 201
    url = f"/clusters/{ids['cluster']}/years/2016/record"
    assert client.get(url, headers=AUDITOR).status_code == 200
    assert client.get(f"{url}?known_at={before_backfill}", headers=AUDITOR).status_code == 404


def test_the_award_register_as_known_before_a_decree(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    before = head(client)
    assert post(client, "AwardConferred", {
        "effective_date": "2020-01-15", "decree_id": str(uuid4()), "decree_no": "05/QĐ-CATP",
        "decree_date": "2020-01-15", "authority_id": ids["authority"], "signer": "Đoàn Ngọc Hùng",
        "award_kind": "Bằng khen", "year": 2019,
        "recipients": [{"kind": "collective", "unit_id": ids["units"][0]}]}).status_code == 201
    assert len(client.get("/awards", headers=AUDITOR).json()["awards"]) == 1
    assert client.get(f"/awards?known_at={before}", headers=AUDITOR).json()["awards"] == []
    assert client.get("/awards?as_of=2020-01-14", headers=AUDITOR).json()["awards"] == []
    # the live register is untouched by the past views
    assert len(client.get("/awards", headers=AUDITOR).json()["awards"]) == 1
