"""A clerk's correction falls in the scope of the fact it corrects and in that of the fact it
puts in its place: a clerk granted one authority cannot, by correcting one of its facts, move
a unit, a cluster or a decree into an authority the clerk was never granted."""

from typing import Any
from uuid import uuid4

from fastapi.testclient import TestClient

from tests.api.conftest import ADMIN
from tests.api.test_recording import head, post, setup_cluster

RULE = "write-within-granted-scope"


def _unit_elsewhere(client: TestClient) -> dict[str, Any]:
    ids = setup_cluster(client, members=1)  # the clerk is granted its authority only
    ids["other"] = str(uuid4())
    assert post(client, "AuthorityRegistered", {
        "effective_date": "2015-01-01", "authority_id": ids["other"], "name": "Công an tỉnh Bắc Ninh",
        "symbol": "CABN"}, ADMIN).status_code == 201
    ids["unit"] = str(uuid4())
    assert post(client, "UnitRegistered", {"effective_date": "2016-01-01", "unit_id": ids["unit"],
                                           "name": "Phòng Cảnh sát giao thông",
                                           "authority_id": ids["authority"]}).status_code == 201
    return ids


def _corrected(ids: dict[str, Any], authority: str, name: str) -> dict[str, Any]:
    return {"effective_date": "2016-01-02", "original": f"{ids['unit']}:1", "replacement_type": "UnitRegistered",
            "replacement": {"effective_date": "2016-01-01", "unit_id": ids["unit"], "name": name,
                            "authority_id": authority},
            "reason": "Đăng ký nhầm"}


def test_a_clerk_cannot_correct_a_unit_into_an_authority_not_granted(client: TestClient) -> None:
    ids = _unit_elsewhere(client)
    assert post(client, "UnitRegistered", {"effective_date": "2016-01-01", "unit_id": str(uuid4()),
                                           "name": "Phòng Hậu cần", "authority_id": ids["other"]}).status_code == 403
    before = head(client)
    moved = post(client, "FactCorrected", _corrected(ids, ids["other"], "Phòng Cảnh sát giao thông"))
    assert moved.status_code == 403, moved.json()
    assert moved.json()["rule"] == RULE
    assert head(client) == before, "a refused correction stored something"


def test_a_clerk_corrects_a_unit_within_the_authority_granted(client: TestClient) -> None:
    # The near miss: the same correction, the unit staying in the clerk's authority.
    ids = _unit_elsewhere(client)
    renamed = post(client, "FactCorrected", _corrected(ids, ids["authority"], "Phòng Cảnh sát giao thông đường bộ"))
    assert renamed.status_code == 201, renamed.json()
