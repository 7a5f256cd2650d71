"""A fact that names a unit of a second authority falls in both: a clerk granted only authority A
cannot merge A's unit into a unit of authority B, nor post A's officer to a unit of B, directly
or by correcting an earlier fact. Each refusal is 403 write-within-granted-scope with nothing
stored; the same fact within A is recorded."""

from typing import Any
from uuid import uuid4

from fastapi.testclient import TestClient

from tests.api.conftest import ADMIN, CLERK_ACCOUNT
from tests.api.test_recording import head, post

RULE = "write-within-granted-scope"


def _two_authorities(client: TestClient) -> dict[str, str]:
    """Authority A (granted to the clerk) with two units and an officer; authority B (not
    granted) with one unit, registered by the admin."""
    ids = {"a": str(uuid4()), "b": str(uuid4()), "a_unit": str(uuid4()), "a_other": str(uuid4()),
           "b_unit": str(uuid4()), "person": str(uuid4())}
    for key, name, symbol in (("a", "Công an thành phố Hà Nội", "CATP"), ("b", "Công an tỉnh Bắc Ninh", "CABN")):
        assert post(client, "AuthorityRegistered", {"effective_date": "2015-01-01", "authority_id": ids[key],
                                                    "name": name, "symbol": symbol}, ADMIN).status_code == 201
    assert post(client, "ScopeGranted", {"effective_date": "2015-01-01", "account": CLERK_ACCOUNT,
                                         "authority_id": ids["a"]}, ADMIN).status_code == 201
    for key, name, authority in (("a_unit", "Phòng Hậu cần", "a"), ("a_other", "Phòng Tham mưu", "a"),
                                 ("b_unit", "Phòng Cảnh sát giao thông", "b")):
        assert post(client, "UnitRegistered", {"effective_date": "2015-01-01", "unit_id": ids[key], "name": name,
                                               "authority_id": ids[authority]}, ADMIN).status_code == 201
    assert post(client, "PersonRegistered", {"effective_date": "2015-01-01", "person_id": ids["person"],
                                             "full_name": "Nguyễn Văn An", "unit_id": ids["a_unit"]}).status_code == 201
    return ids


def _refused(client: TestClient, fact: str, body: dict[str, Any]) -> None:
    before = head(client)
    response = post(client, fact, body)
    assert response.status_code == 403, response.json()
    assert response.json()["rule"] == RULE
    assert head(client) == before, f"a refused {fact} stored something"


def _merged(ids: dict[str, str], into: str) -> dict[str, Any]:
    return {"effective_date": "2016-01-01", "unit_id": ids["a_unit"], "into_unit_id": ids[into]}


def _posted(ids: dict[str, str], to: str) -> dict[str, Any]:
    return {"effective_date": "2016-01-01", "person_id": ids["person"], "unit_id": ids[to],
            "position": "Phó Trưởng phòng"}


def test_a_clerk_cannot_merge_a_unit_into_another_authoritys_unit(client: TestClient) -> None:
    ids = _two_authorities(client)
    _refused(client, "UnitMerged", _merged(ids, "b_unit"))


def test_a_clerk_merges_a_unit_into_another_of_the_authority_granted(client: TestClient) -> None:
    ids = _two_authorities(client)
    assert post(client, "UnitMerged", _merged(ids, "a_other")).status_code == 201


def test_a_clerk_cannot_post_an_officer_to_another_authoritys_unit(client: TestClient) -> None:
    ids = _two_authorities(client)
    _refused(client, "PersonPostingChanged", _posted(ids, "b_unit"))


def test_a_clerk_posts_an_officer_within_the_authority_granted(client: TestClient) -> None:
    ids = _two_authorities(client)
    assert post(client, "PersonPostingChanged", _posted(ids, "a_other")).status_code == 201


def test_a_clerk_cannot_correct_a_posting_into_another_authoritys_unit(client: TestClient) -> None:
    ids = _two_authorities(client)
    posted = post(client, "PersonPostingChanged", _posted(ids, "a_other"))
    assert posted.status_code == 201, posted.json()
    _refused(client, "FactCorrected", {
        "effective_date": "2016-01-02", "original": f"{ids['person']}:2", "replacement_type": "PersonPostingChanged",
        "replacement": _posted(ids, "b_unit"), "reason": "Ghi nhầm đơn vị"})


def test_a_clerk_granted_both_authorities_merges_across_them(client: TestClient) -> None:
    ids = _two_authorities(client)
    assert post(client, "ScopeGranted", {"effective_date": "2015-01-01", "account": CLERK_ACCOUNT,
                                         "authority_id": ids["b"]}, ADMIN).status_code == 201
    assert post(client, "UnitMerged", _merged(ids, "b_unit")).status_code == 201


def test_a_clerk_cannot_retract_a_merge_into_another_authoritys_unit(client: TestClient) -> None:
    # Undoing the merge changes the history of the unit it went into as much as making it did.
    ids = _two_authorities(client)
    assert post(client, "UnitMerged", _merged(ids, "b_unit"), ADMIN).status_code == 201
    _refused(client, "FactRetracted", {"effective_date": "2016-01-02", "original": f"{ids['a_unit']}:2",
                                       "reason": "Ghi nhầm"})


def test_a_clerk_retracts_a_merge_within_the_authority_granted(client: TestClient) -> None:
    ids = _two_authorities(client)
    assert post(client, "UnitMerged", _merged(ids, "a_other")).status_code == 201
    retracted = post(client, "FactRetracted", {"effective_date": "2016-01-02", "original": f"{ids['a_unit']}:2",
                                               "reason": "Ghi nhầm"})
    assert retracted.status_code == 201, retracted.json()


def test_a_clerk_cannot_correct_an_officers_posting_in_another_authority_after_the_officer_came_back(
        client: TestClient) -> None:
    # The posting in B's unit is B's history, even once the officer serves in A again.
    ids = _two_authorities(client)
    for day, to in (("2016-01-01", "b_unit"), ("2017-01-01", "a_other")):
        assert post(client, "PersonPostingChanged", {**_posted(ids, to), "effective_date": day},
                    ADMIN).status_code == 201
    _refused(client, "FactCorrected", {
        "effective_date": "2017-01-02", "original": f"{ids['person']}:2", "replacement_type": "PersonPostingChanged",
        "replacement": {**_posted(ids, "b_unit"), "position": "Trưởng phòng"}, "reason": "Ghi nhầm chức vụ"})


def _cluster_of_b(client: TestClient, ids: dict[str, str]) -> None:
    """B's cluster with B's unit as member, and A's own award catalogue."""
    ids["b_cluster"] = str(uuid4())
    formed = post(client, "ClusterFormed", {"effective_date": "2015-01-01", "cluster_id": ids["b_cluster"],
                                            "name": "Cụm thi đua số 2", "authority_id": ids["b"]}, ADMIN)
    assert formed.status_code == 201
    assert post(client, "UnitJoined", {"effective_date": "2015-01-01", "cluster_id": ids["b_cluster"],
                                       "unit_id": ids["b_unit"]}, ADMIN).status_code == 201
    kind = post(client, "AwardKindRegistered", {"effective_date": "2015-01-01", "authority_id": ids["a"],
                                                "name": "Bằng khen", "level": "certificate_of_merit"})
    assert kind.status_code == 201


def _award(ids: dict[str, str], kind: str) -> dict[str, Any]:
    key = "decree_id" if kind == "AwardConferred" else "proposal_id"
    body = {key: str(uuid4()), "effective_date": "2016-12-20", "authority_id": ids["a"], "award_kind": "Bằng khen",
            "year": 2016, "cluster_id": ids["b_cluster"],
            "recipients": [{"kind": "collective", "unit_id": ids["b_unit"]}]}
    if kind == "AwardConferred":
        body.update(decree_no="01/QĐ-CATP", decree_date="2016-12-20", signer="Thiếu tướng Nguyễn Văn A")
    return body


def test_a_clerk_cannot_attribute_a_decree_or_a_proposal_to_another_authoritys_cluster(client: TestClient) -> None:
    # A's decree naming B's cluster counts in B's cluster's awards and year-end report: B's history.
    ids = _two_authorities(client)
    _cluster_of_b(client, ids)
    for kind in ("AwardConferred", "AwardProposed"):
        _refused(client, kind, _award(ids, kind))


def test_a_clerk_granted_the_cluster_too_records_its_authoritys_decree_for_it(client: TestClient) -> None:
    ids = _two_authorities(client)
    _cluster_of_b(client, ids)
    assert post(client, "ScopeGranted", {"effective_date": "2015-01-01", "account": CLERK_ACCOUNT,
                                         "cluster_id": ids["b_cluster"]}, ADMIN).status_code == 201
    for kind in ("AwardConferred", "AwardProposed"):
        recorded = post(client, kind, _award(ids, kind))
        assert recorded.status_code == 201, recorded.json()


def test_a_clerk_cannot_put_a_proposal_in_another_authoritys_units_name(client: TestClient) -> None:
    """A proposal says which unit proposes (đơn vị đề nghị): in B's unit's name it is B's to record.
    The near miss: the same proposal in A's own unit's name is recorded."""
    ids = _two_authorities(client)
    _cluster_of_b(client, ids)
    body = {"proposal_id": str(uuid4()), "effective_date": "2016-12-20", "authority_id": ids["a"],
            "award_kind": "Bằng khen", "year": 2016, "recipients": [{"kind": "collective", "unit_id": ids["a_unit"]}]}
    _refused(client, "AwardProposed", {**body, "proposed_by_unit_id": ids["b_unit"]})
    recorded = post(client, "AwardProposed", {**body, "proposed_by_unit_id": ids["a_other"]})
    assert recorded.status_code == 201, recorded.json()
