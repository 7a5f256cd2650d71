"""The catalogue: find authorities, clusters, units and people by name, under both clocks."""

from typing import Any
from uuid import uuid4

from fastapi.testclient import TestClient

from tests.api.conftest import ADMIN, AUDITOR
from tests.api.test_recording import head, post, setup_cluster


def names(client: TestClient, kind: str, **params: Any) -> list[str]:
    response = client.get(f"/catalogue/{kind}", params=params, headers=AUDITOR)
    assert response.status_code == 200, response.text
    return [e["name"] for e in response.json()["entries"]]


def unit(client: TestClient, authority: str, name: str, on: str = "2016-01-01") -> str:
    response = post(client, "UnitRegistered", {"effective_date": on, "name": name, "authority_id": authority})
    assert response.status_code == 201, response.text
    unit_id: str = response.json()["ids"]["unit_id"]
    return unit_id


def test_search_ignores_case_and_diacritics_and_word_order(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    unit(client, ids["authority"], "Phòng Tham mưu")
    unit(client, ids["authority"], "Cục Cảnh sát PCCC và CNCH")
    unit(client, ids["authority"], "Đội Điều tra")
    assert names(client, "clusters", q="cum 4") == ["Cụm thi đua số 4"]
    assert names(client, "clusters", q="4 CỤM") == ["Cụm thi đua số 4"]
    assert names(client, "units", q="tham muu") == ["Phòng Tham mưu"]
    assert names(client, "units", q="muu tham") == ["Phòng Tham mưu"]
    assert names(client, "units", q="pccc") == ["Cục Cảnh sát PCCC và CNCH"]
    assert names(client, "units", q="doi dieu") == ["Đội Điều tra"]  # đ is d
    assert names(client, "units", q="tham muu x") == []  # every word must match: the near miss
    assert names(client, "authorities", q="ha noi") == ["Công an thành phố Hà Nội"]


def test_lists_sort_the_vietnamese_way_and_page_by_cursor(client: TestClient) -> None:
    ids = setup_cluster(client, members=0)
    for name in ("Đội B", "Đội A", "Dân vận", "Ân", "An"):
        unit(client, ids["authority"], name)
    assert names(client, "units") == ["An", "Ân", "Dân vận", "Đội A", "Đội B"]
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/catalogue/units", params=params, headers=AUDITOR).json()
        seen += [e["name"] for e in page["entries"]]
        assert len(page["entries"]) <= 2
        if not (cursor := page["next_cursor"]):
            break
    assert seen == ["An", "Ân", "Dân vận", "Đội A", "Đội B"]


def test_names_are_as_on_the_as_of_date_and_found_under_former_names(client: TestClient) -> None:
    ids = setup_cluster(client, members=0)
    unit_id = unit(client, ids["authority"], "Phòng Cảnh sát PCCC")
    known_before_rename = head(client)
    assert post(client, "UnitRenamed", {"effective_date": "2018-07-01", "unit_id": unit_id,
                                        "name": "Phòng Cảnh sát PCCC và CNCH"}).status_code == 201
    assert names(client, "units", q="cnch") == ["Phòng Cảnh sát PCCC và CNCH"]
    assert names(client, "units", q="pccc", as_of="2017-01-01") == ["Phòng Cảnh sát PCCC"]
    assert names(client, "units", q="cnch", as_of="2017-01-01") == []  # not yet its name then
    assert names(client, "units", q="pccc", known_at=known_before_rename) == ["Phòng Cảnh sát PCCC"]
    assert names(client, "units", as_of="2015-06-01") == []  # registered later


def test_clusters_list_by_authority(client: TestClient) -> None:
    ids = setup_cluster(client, members=0)
    other = post(client, "AuthorityRegistered", {"effective_date": "2015-01-01", "name": "Bộ Công an",
                                                 "symbol": "BCA"}, ADMIN)
    other_id = other.json()["ids"]["authority_id"]
    assert names(client, "clusters", authority_id=ids["authority"]) == ["Cụm thi đua số 4"]
    assert names(client, "clusters", authority_id=other_id) == []


def test_catalogue_parameters_are_bounded(client: TestClient) -> None:
    for params in ({"limit": 0}, {"limit": 501}, {"q": ""}, {"q": "x" * 201}, {"cursor": "not-a-uuid"}):
        response = client.get("/catalogue/units", params=params, headers=AUDITOR)
        assert response.status_code == 422, params
        assert response.json()["detail"][0]["loc"][-1] == next(iter(params))
    assert client.get("/catalogue/scores", headers=AUDITOR).status_code == 422  # not a kind of the catalogue
    assert client.get("/catalogue/units").status_code == 401


def test_a_renamed_unit_is_listed_by_its_authority_under_its_new_name(client: TestClient) -> None:
    ids = setup_cluster(client, members=0)
    unit_id = unit(client, ids["authority"], "Phòng Cảnh sát PCCC")
    names(client, "units")  # the projection has read the registration: the rename comes in a later read
    assert post(client, "UnitRenamed", {"effective_date": "2018-07-01", "unit_id": unit_id,
                                        "name": "Phòng Cảnh sát PCCC và CNCH"}).status_code == 201
    assert names(client, "units", authority_id=ids["authority"]) == ["Phòng Cảnh sát PCCC và CNCH"]
    assert names(client, "units", authority_id=ids["authority"], q="cnch") == ["Phòng Cảnh sát PCCC và CNCH"]
    assert names(client, "units", authority_id=str(uuid4())) == []  # another authority: the near miss


def test_clusters_and_units_of_a_year_are_those_with_members_that_year(client: TestClient) -> None:
    ids = setup_cluster(client, members=2)  # both joined on 2015-01-01
    leaver = ids["units"][0]
    assert post(client, "UnitLeft", {"effective_date": "2017-06-30", "cluster_id": ids["cluster"],
                                     "unit_id": leaver}).status_code == 201
    late = unit(client, ids["authority"], "Phòng Hậu cần", on="2018-01-01")
    assert post(client, "UnitJoined", {"effective_date": "2018-12-31", "cluster_id": ids["cluster"],
                                       "unit_id": late}).status_code == 201
    members = {"cluster_id": ids["cluster"]}
    assert names(client, "units", year=2017, **members) == ["Phòng Đào tạo", "Phòng Tổ chức cán bộ"]  # left mid-year
    assert names(client, "units", year=2018, **members) == ["Phòng Đào tạo", "Phòng Hậu cần"]  # joined on its last day
    assert names(client, "units", year=2014, **members) == []  # before anyone joined
    assert names(client, "units", year=2018, as_of="2018-06-01", **members) == ["Phòng Đào tạo"]
    assert names(client, "clusters", year=2016) == ["Cụm thi đua số 4"]
    assert names(client, "clusters", year=2014) == []
    assert client.get("/catalogue/clusters", params={"year": 1900}, headers=AUDITOR).status_code == 422


def test_award_kinds_and_decrees_are_listed_by_name_and_number(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    assert names(client, "award-kinds", q="co thi dua bo") == ["Cờ thi đua của Bộ Công an"]
    assert names(client, "award-kinds", authority_id=ids["authority"]) == ["Bằng khen", "Cờ thi đua của Bộ Công an"]
    assert post(client, "AwardConferred", {
        "effective_date": "2020-01-15", "decree_id": str(uuid4()), "decree_no": "05/QĐ-CATP",
        "decree_date": "2020-01-15", "authority_id": ids["authority"], "signer": "Đoàn Ngọc Hùng",
        "award_kind": "Cờ thi đua của Bộ Công an", "year": 2019, "cluster_id": ids["cluster"],
        "recipients": [{"kind": "collective", "unit_id": ids["units"][0]}]}).status_code == 201
    assert names(client, "decrees", q="qd 05") == ["05/QĐ-CATP"]
    assert names(client, "decrees", cluster_id=ids["cluster"]) == ["05/QĐ-CATP"]
    assert names(client, "decrees", cluster_id=str(uuid4())) == []  # another cluster: the near miss
    assert names(client, "decrees", as_of="2020-01-14") == []  # the day before it was signed


def entries(client: TestClient, kind: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get(f"/catalogue/{kind}", params=params, headers=AUDITOR)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["entries"]
    return found


def test_names_sort_syllable_by_syllable_and_people_by_given_name(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    for name in ("Anh Đào", "An Bình", "Ánh Dương", "Anh Dũng"):
        unit(client, ids["authority"], name)
    # Syllable by syllable: "An" before "Anh" whatever follows; a tone only after the letters.
    assert names(client, "units", q="an") == ["An Bình", "Anh Dũng", "Anh Đào", "Ánh Dương"]
    for full_name in ("Nguyễn Văn Bình", "Trần Thị An", "Lê Văn An", "Đoàn Ngọc Hùng"):
        assert post(client, "PersonRegistered", {"effective_date": "2016-01-01", "full_name": full_name,
                                                 "unit_id": ids["units"][0]}).status_code == 201
    assert names(client, "people") == ["Lê Văn An", "Trần Thị An", "Nguyễn Văn Bình", "Đoàn Ngọc Hùng"]
    first = client.get("/catalogue/people", params={"limit": 3}, headers=AUDITOR).json()
    rest = client.get("/catalogue/people", params={"limit": 3, "cursor": first["next_cursor"]},
                      headers=AUDITOR).json()
    assert [e["name"] for e in first["entries"] + rest["entries"]] == names(client, "people")
    assert rest["next_cursor"] is None


def test_a_corrected_name_is_found_under_the_correction_from_when_it_was_known(client: TestClient) -> None:
    ids = setup_cluster(client, members=0)
    unit_id = unit(client, ids["authority"], "Phòng Tham muu")  # a typo
    names(client, "units")
    before = head(client)
    corrected = post(client, "FactCorrected", {
        "effective_date": "2020-01-01", "original": f"{unit_id}:1", "replacement_type": "UnitRegistered",
        "replacement": {"effective_date": "2016-01-01", "unit_id": unit_id, "name": "Phòng Tham mưu",
                        "authority_id": ids["authority"]}, "reason": "Sai chính tả"})
    assert corrected.status_code == 201, corrected.text
    assert names(client, "units") == ["Phòng Tham mưu"]
    assert [n for _, n in entries(client, "units")[0]["names"]] == ["Phòng Tham mưu"]  # the typo is not a former name
    assert names(client, "units", as_of="2017-01-01") == ["Phòng Tham mưu"]  # in its original's place
    assert names(client, "units", known_at=before) == ["Phòng Tham muu"]  # what the ledger said then


def test_a_retracted_rename_and_join_disappear_from_when_they_were_retracted(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    unit_id = ids["units"][0]
    assert post(client, "UnitRenamed", {"effective_date": "2018-07-01", "unit_id": unit_id,
                                        "name": "Phòng Cảnh sát PCCC và CNCH"}).status_code == 201
    assert names(client, "units", q="cnch") == ["Phòng Cảnh sát PCCC và CNCH"]
    before = head(client)
    for original in (f"{unit_id}:2", f"{ids['cluster']}:2"):  # the rename, the cluster's join
        retracted = post(client, "FactRetracted", {"effective_date": "2020-01-01", "original": original,
                                                   "reason": "Ghi nhầm"})
        assert retracted.status_code == 201, retracted.text
    assert names(client, "units", q="cnch") == []
    assert names(client, "units", q="to chuc") == ["Phòng Tổ chức cán bộ"]
    assert names(client, "units", cluster_id=ids["cluster"], year=2019) == []
    assert names(client, "units", q="cnch", known_at=before) == ["Phòng Cảnh sát PCCC và CNCH"]
    assert names(client, "units", cluster_id=ids["cluster"], year=2019, known_at=before) == [
        "Phòng Cảnh sát PCCC và CNCH"]


def test_proposals_and_cluster_years_are_listed_by_cluster_and_year(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    assert post(client, "YearOpened", {"effective_date": "2020-01-02", "cluster_id": ids["cluster"],
                                       "year": 2020}).status_code == 201
    years = entries(client, "cluster-years", cluster_id=ids["cluster"])
    assert [(e["name"], e["year"]) for e in years] == [("Cụm thi đua số 4", 2019), ("Cụm thi đua số 4", 2020)]
    assert [e["year"] for e in entries(client, "cluster-years", year=2020, q="cum 4")] == [2020]
    assert entries(client, "cluster-years", cluster_id=str(uuid4())) == []  # another cluster: the near miss
    assert entries(client, "cluster-years", as_of="2019-12-31", cluster_id=ids["cluster"])[0]["year"] == 2019
    proposed = post(client, "AwardProposed", {
        "effective_date": "2020-01-10", "authority_id": ids["authority"], "award_kind": "Bằng khen",
        "year": 2019, "cluster_id": ids["cluster"], "recipients": [{"kind": "collective", "unit_id": ids["units"][0]}]})
    assert proposed.status_code == 201, proposed.text
    found = entries(client, "proposals", cluster_id=ids["cluster"], year=2019, q="bang khen")
    assert [(e["id"], e["name"]) for e in found] == [(proposed.json()["ids"]["proposal_id"], "Bằng khen")]
    assert entries(client, "proposals", year=2018) == []
    assert entries(client, "proposals", as_of="2020-01-09") == []


def test_a_clusters_units_without_a_year_are_its_members_on_the_as_of_date(client: TestClient) -> None:
    ids = setup_cluster(client, members=2)  # both joined on 2015-01-01
    assert post(client, "UnitLeft", {"effective_date": "2017-06-30", "cluster_id": ids["cluster"],
                                     "unit_id": ids["units"][0]}).status_code == 201
    assert names(client, "units", cluster_id=ids["cluster"]) == ["Phòng Đào tạo"]
    assert names(client, "units", cluster_id=ids["cluster"], as_of="2017-06-29") == [
        "Phòng Đào tạo", "Phòng Tổ chức cán bộ"]  # the day before it left
    assert names(client, "units", cluster_id=str(uuid4())) == []
