"""Every read takes both clocks (as_of, and known_at or known_at_time), the routes that
lacked them too: units, an entity's events and the log."""

from typing import Any
from uuid import uuid4

from fastapi.testclient import TestClient

from tests.api.conftest import AUDITOR
from tests.api.shared_client import shared_client  # noqa: F401 (a fixture)
from tests.api.test_recording import post, setup_cluster

CLOCKS = {"as_of", "known_at", "known_at_time"}
NOT_READS = {
    "/health": "the service's own state, not the record",
    "/.well-known/jwks.json": "the signing keys in use now",
    "/.well-known/revocations": "tokens refused now",
    "/access/me/can-write": "whether a write sent now would be accepted: a write has no other clock",
    "/accounts": "who may sign in now (accounts live beside the log, not in it)",
    "/clusters/{cluster_id}/years/{year}/changes": "compares two moments: each side names its own known_at",
    "/awards/changes": "compares two moments: each side names its own known_at",
    "/audit/jobs/{job_id}": "a running check's progress, not the record",
    "/audit/digest": "signs the log as it stands now; an old digest is checked with POST /audit/digest/check",
    "/audit/digest/public-key": "the key digests verify with",
}


def test_every_get_read_route_declares_both_clocks(shared_client: TestClient) -> None:  # noqa: F811
    routes = shared_client.app.openapi()["paths"]  # type: ignore[attr-defined]
    missing = {path: sorted(CLOCKS - {p["name"] for p in operation["get"].get("parameters", [])})
               for path, operation in routes.items() if "get" in operation and path not in NOT_READS}
    assert len(missing) >= 9  # the walk saw the read routes
    assert {path: gap for path, gap in missing.items() if gap} == {}
    assert set(NOT_READS) <= set(routes)  # the exceptions are real routes, kept up to date


def _receipt(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.json()
    body: dict[str, Any] = response.json()
    return body


def test_a_unit_as_known_before_its_rename_and_as_of_a_date(shared_client: TestClient) -> None:  # noqa: F811
    ids = setup_cluster(shared_client, members=1)
    unit = ids["units"][0]
    renamed = _receipt(post(shared_client, "UnitRenamed", {"effective_date": "2020-03-01", "unit_id": unit,
                                                           "name": "Phòng Công tác chính trị"}))
    now = shared_client.get(f"/units/{unit}", headers=AUDITOR).json()
    assert now["name"] == "Phòng Công tác chính trị" and len(now["names"]) == 2
    before = shared_client.get(f"/units/{unit}?known_at={renamed['position'] - 1}", headers=AUDITOR).json()
    assert before["name"] == "Phòng Tổ chức cán bộ" and len(before["names"]) == 1
    then = shared_client.get(f"/units/{unit}?as_of=2019-06-01", headers=AUDITOR).json()
    assert then["name"] == "Phòng Tổ chức cán bộ" and len(then["names"]) == 1  # the rename is dated later
    assert shared_client.get(f"/units/{unit}?as_of=2014-12-31", headers=AUDITOR).status_code == 404


def test_an_entity_unknown_at_a_position_is_a_clear_404(shared_client: TestClient) -> None:  # noqa: F811
    unit = str(uuid4())
    first = _receipt(post(shared_client, "UnitRegistered", {
        "effective_date": "2015-01-01", "unit_id": unit, "name": "Phòng Hậu cần",
        "authority_id": setup_cluster(shared_client, members=1)["authority"]}))
    known = shared_client.get(f"/entities/{unit}/events?known_at={first['position']}", headers=AUDITOR)
    assert [e["id"] for e in known.json()] == [f"{unit}:1"]
    unknown = shared_client.get(f"/entities/{unit}/events?known_at={first['position'] - 1}", headers=AUDITOR)
    assert unknown.status_code == 404
    assert unit in unknown.json()["detail"] and f"log position {first['position'] - 1}" in unknown.json()["detail"]
    assert shared_client.get(f"/entities/{unit}/events?as_of=2014-12-31", headers=AUDITOR).status_code == 404


def test_the_log_ends_at_known_at_and_leaves_out_facts_dated_after_as_of(
        shared_client: TestClient) -> None:  # noqa: F811
    ids = setup_cluster(shared_client, members=1)  # everything dated 2015, the year opened 2019-01-02
    opened = shared_client.get(f"/entities/{ids['cluster']}/events", headers=AUDITOR).json()[0]["position"]
    page = shared_client.get(f"/log?after={opened - 1}&known_at={opened + 1}", headers=AUDITOR).json()
    assert page["head"] == opened + 1 and [e["position"] for e in page["events"]] == [opened, opened + 1]
    dated = shared_client.get(f"/log?after={opened - 1}&as_of=2018-12-31&limit=1000", headers=AUDITOR).json()
    assert dated["events"] and all(e["effective_date"] <= "2018-12-31" for e in dated["events"])
    everything = shared_client.get(f"/log?after={opened - 1}&limit=1000", headers=AUDITOR).json()
    assert any(e["type"] == "YearOpened" for e in everything["events"])
    assert not any(e["type"] == "YearOpened" for e in dated["events"])  # the near miss: dated 2019
