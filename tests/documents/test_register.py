"""The register: each issuing body's book per calendar year, numbered from 01 in the order
and by the dates of issue (ND 30/2020, Điều 15); a decree the ledger records keeps its
number; a new decree is numbered when issued and recorded in the ledger with that number;
refusals name what is missing or the rule, and store nothing. On both stores."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Barrier
from typing import Any
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient
from thidua_documents.books import RuleBroken
from thidua_documents.documents.decree import NewDecreeRequest
from thidua_documents.settings import Settings
from thidua_events.facts import Role

from tests.documents import requests
from tests.documents.conftest import LAW, Docs, open_docs
from tests.documents.reading import open_docx
from tests.documents.world import CLERK, World, bearer

SIGNER = {"signer": "Thượng tướng Lê Văn Mẫu", "signer_title": "KT. BỘ TRƯỞNG / THỨ TRƯỞNG", "place": "Hà Nội"}


def propose(world: World, award_kind: str, year: int = 2019, unit: str = "tham_muu") -> str:
    """A proposal to the Ministry (one achievement is rewarded once: vary the kind or year), of
    a kind in the Ministry's catalogue."""
    registered = world.client.post("/facts/AwardKindRegistered", headers=CLERK, json={
        "effective_date": "2015-01-01", "authority_id": world.ministry, "name": award_kind, "level": "commendation"})
    assert registered.status_code in (201, 409), registered.text
    proposal_id = str(uuid4())
    world.record("AwardProposed", effective_date="2019-11-20", proposal_id=proposal_id, authority_id=world.ministry,
                 award_kind=award_kind, year=year, cluster_id=world.cluster, proposed_by_unit_id=world.units["tccb"],
                 recipients=[{"kind": "collective", "unit_id": world.units[unit]}])
    return proposal_id


def new_decree(docs: Docs, world: World, proposal_id: str, decree_date: str, **over: Any) -> Any:
    body = requests.decree(world, proposal_id=proposal_id, decree_date=decree_date, **SIGNER, **over)
    return docs.client.post("/documents/decrees", json=body)


def issue_minutes(docs: Docs, world: World, kind: str, body: dict[str, Any]) -> Any:
    return docs.client.post(f"{requests.cluster_year(world)}/{kind}", json=body)


def test_a_decree_the_ledger_records_keeps_its_number_and_date(docs_any_store: Docs, world: World) -> None:
    docs = docs_any_store
    issued = docs.client.post(f"/documents/decrees/{world.decree_2016}", json=requests.decree(world)).json()
    assert (issued["number"], issued["dated"], issued["year"]) == ("120/QĐ-CATP", "2016-12-20", 2016)
    doc = open_docx(docs.client.get(f"/documents/{issued['document_id']}/file").content)
    assert doc.tables[0].rows[1].cells[0].text == "Số: 120/QĐ-CATP"
    assert docs.client.post(f"/documents/decrees/{world.decree_2017}", json=requests.decree(world)).json()[
        "number"] == "09/QĐ-CATP"


def test_numbers_run_per_issuing_body_series_and_year(docs_any_store: Docs, world: World) -> None:
    docs = docs_any_store  # the cluster numbers each type in its own series
    numbers = [issue_minutes(docs, world, kind, body).json()["number"] for kind, body in (
        ("review-minutes", requests.review_minutes()), ("flag-handover-minutes", requests.flag_minutes()),
        ("report", requests.report()))]
    assert numbers == ["01/BB-CTĐ4", "02/BB-CTĐ4", "01/BC-CTĐ4"]


def test_a_body_with_one_common_series_numbers_every_type_in_it(tmp_path: Path, ledger: TestClient,
                                                                 world: World, docs_settings: Settings) -> None:
    for docs in open_docs(docs_settings, ledger):
        docs.client.post("/documents/legal-instruments", json=LAW)
        registered = docs.client.post("/documents/issuing-bodies", json={
            "kind": "cluster", "id": world.cluster, "symbol": "CTĐ4", "series": "common"})
        assert registered.status_code == 201, registered.text
        numbers = [issue_minutes(docs, world, kind, body).json()["number"] for kind, body in (
            ("review-minutes", requests.review_minutes()), ("report", requests.report()))]
        assert numbers == ["01/BB-CTĐ4", "02/BC-CTĐ4"]


def test_each_calendar_year_starts_again_at_01(docs_any_store: Docs, world: World) -> None:
    docs = docs_any_store
    first, second = propose(world, "Bằng khen của Bộ trưởng Bộ Công an"), propose(world, "Giấy khen", 2018)
    third = propose(world, "Bằng khen của Bộ trưởng Bộ Công an", 2018)
    docs.sync()
    numbers = [new_decree(docs, world, p, day).json()["number"] for p, day in (
        (first, "2019-12-20"), (second, "2019-12-30"), (third, "2020-01-02"))]
    assert numbers == ["01/QĐ-BCA", "02/QĐ-BCA", "01/QĐ-BCA"]


def test_a_document_dated_before_the_last_one_in_its_book_is_refused(docs_any_store: Docs, world: World) -> None:
    docs = docs_any_store
    first, second = propose(world, "Bằng khen của Bộ trưởng Bộ Công an"), propose(world, "Giấy khen", 2018)
    docs.sync()
    assert new_decree(docs, world, first, "2019-11-25").json()["number"] == "01/QĐ-BCA"
    response = new_decree(docs, world, second, "2019-05-10")
    assert response.status_code == 409
    assert response.json()["rule"] == "book-runs-forward-in-time"
    assert "01/QĐ-BCA, dated 2019-11-25" in response.json()["detail"]
    assert [d["number"] for d in docs.client.get("/documents").json()] == ["01/QĐ-BCA"]
    # The same day is not before: the near miss is accepted and takes the next number.
    assert new_decree(docs, world, second, "2019-11-25").json()["number"] == "02/QĐ-BCA"


def test_a_recorded_number_dated_out_of_order_in_its_book_is_refused(docs: Docs, world: World) -> None:
    """The 2017 decree 09 is dated 05-02-2017: a recorded 05 of 10-05-2017 cannot slot in before it."""
    assert docs.client.post(f"/documents/decrees/{world.decree_2017}", json=requests.decree(world)).status_code == 201
    decree = str(uuid4())
    world.record("AwardConferred", effective_date="2017-05-10", decree_id=decree, decree_no="05/QĐ-CATP",
                 decree_date="2017-05-10", authority_id=world.authority, signer="Thiếu tướng Đinh Văn Toản",
                 signer_title="KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC", award_kind="Giấy khen", year=2015,
                 recipients=[{"kind": "collective", "unit_id": world.units["hau_can"]}])
    docs.sync()
    response = docs.client.post(f"/documents/decrees/{decree}", json=requests.decree(world))
    assert response.status_code == 409 and response.json()["rule"] == "book-runs-forward-in-time"


def test_a_new_decree_is_numbered_when_issued_and_recorded_in_the_ledger_with_that_number(
        docs_any_store: Docs, world: World, ledger: TestClient) -> None:
    docs = docs_any_store
    proposal = propose(world, "Bằng khen của Bộ trưởng Bộ Công an")
    docs.sync()
    draft = docs.client.post("/documents/decrees/draft", json=requests.decree(
        world, proposal_id=proposal, decree_date="2020-02-03", **SIGNER))
    assert draft.status_code == 200 and open_docx(draft.content).paragraphs[0].text == "DỰ THẢO"
    assert docs.client.get("/documents").json() == []  # a draft is not numbered
    issued = new_decree(docs, world, proposal, "2020-02-03")
    assert issued.status_code == 201, issued.text
    entry = issued.json()
    assert entry["number"] == "01/QĐ-BCA" and entry["issued_by"] == "Nguyễn Thị Thư ký"
    decree_id = entry["subject"]["decree_id"]
    events = ledger.get(f"/entities/{decree_id}/events", headers=CLERK).json()
    assert [(e["type"], e["data"]["decree_no"], e["data"]["decree_date"]) for e in events] == [
        ("AwardConferred", "01/QĐ-BCA", "2020-02-03")]
    assert events[0]["provenance"]["actor"] == "Nguyễn Thị Thư ký"  # the clerk's identity, not the service's
    assert [r["unit_id"] for r in events[0]["data"]["recipients"]] == [world.units["tham_muu"]]
    docs.sync()  # the ledger's record of it is the same decree: not issued a second time
    again = docs.client.post(f"/documents/decrees/{decree_id}", json=requests.decree(world, place="Hà Nội"))
    assert again.status_code == 409 and "already issued as 01/QĐ-BCA" in again.json()["detail"]
    regenerated = docs.client.post(f"/documents/{entry['document_id']}/regenerate").json()
    assert regenerated["identical"]


def test_a_decree_the_ledger_refuses_is_not_numbered_and_the_clerk_sees_the_rule(
        docs_any_store: Docs, world: World) -> None:
    docs = docs_any_store  # the 2019 proposal's award is already conferred by 15/QĐ-BCA
    response = new_decree(docs, world, world.proposal_2019, "2020-02-03")
    assert response.status_code == 409
    assert response.json()["rule"] == "one-achievement-one-award"
    assert docs.client.get("/documents").json() == []
    proposal = propose(world, "Bằng khen của Bộ trưởng Bộ Công an")
    docs.sync()
    assert new_decree(docs, world, proposal, "2020-02-03").json()["number"] == "01/QĐ-BCA"  # 01 not taken


def test_concurrent_issues_take_every_number_once_without_gaps(docs_any_store: Docs, world: World) -> None:
    docs = docs_any_store
    proposals = [propose(world, f"Giấy khen {n}") for n in range(12)]
    docs.sync()
    start = Barrier(6)

    def issue(proposal_id: str) -> str:
        if proposals.index(proposal_id) < 6:
            start.wait()  # the first six leave together
        request = NewDecreeRequest.model_validate(requests.decree(
            world, proposal_id=proposal_id, decree_date="2020-03-01", decree_id=str(uuid4()), **SIGNER))
        entry = docs.register.issue("decree", {"decree_id": str(request.decree_id)}, request, "Thư ký")
        return str(entry.number_text)

    with ThreadPoolExecutor(max_workers=6) as pool:
        numbers = list(pool.map(issue, proposals))
    assert sorted(int(n.split("/")[0]) for n in numbers) == list(range(1, 13))
    listed = docs.client.get("/documents").json()
    assert [d["number"] for d in listed] == [f"{n:02d}/QĐ-BCA" for n in range(1, 13)]


def test_the_same_document_is_issued_once_even_when_requested_at_once(docs_any_store: Docs, world: World) -> None:
    docs = docs_any_store
    path = f"{requests.cluster_year(world)}/review-minutes"
    with ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(pool.map(lambda _: docs.client.post(path, json=requests.review_minutes()), range(4)))
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
    assert "already issued as 01/BB-CTĐ4" in next(r.json()["detail"] for r in responses if r.status_code == 409)
    assert issue_minutes(docs, world, "flag-handover-minutes", requests.flag_minutes()).json()[
        "number"] == "02/BB-CTĐ4"  # no number lost


def test_an_issuing_body_is_registered_once_with_a_valid_symbol(docs: Docs, world: World) -> None:
    for symbol in ("CT 4", "ctđ4", "CTĐ4/", "Ctđ4", "-CTĐ4", "4"):
        response = docs.client.post("/documents/issuing-bodies", json={
            "kind": "unit", "id": world.units["dan_van"], "symbol": symbol, "series": "common"})
        assert response.status_code == 422, symbol
        assert response.json()["detail"][0]["loc"] == ["body", "symbol"]
    taken = docs.client.post("/documents/issuing-bodies", json={
        "kind": "unit", "id": world.units["dan_van"], "symbol": "CTĐ4", "series": "common"})
    assert taken.status_code == 409 and taken.json()["rule"] == "issuing-body-symbol-unique"
    ok = docs.client.post("/documents/issuing-bodies", json={
        "kind": "unit", "id": world.units["dan_van"], "symbol": "PX05-ĐV", "series": "common"})
    assert ok.status_code == 201, ok.text
    again = docs.client.post("/documents/issuing-bodies", json={
        "kind": "unit", "id": world.units["dan_van"], "symbol": "PX06", "series": "per_type"})
    assert again.status_code == 409 and again.json()["rule"] == "issuing-body-registered-once"
    unknown = docs.client.post("/documents/issuing-bodies", json={
        "kind": "unit", "id": str(uuid4()), "symbol": "PX07", "series": "common"})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["body", "id"]
    no_symbol = docs.client.post("/documents/issuing-bodies", json={
        "kind": "unit", "id": world.units["dao_tao"], "series": "common"})  # the ledger records none for it
    assert no_symbol.status_code == 422 and no_symbol.json()["detail"][0]["loc"] == ["body", "symbol"]
    assert docs.calling_as(bearer(Role.AUDITOR)).post("/documents/issuing-bodies", json={
        "kind": "unit", "id": world.units["dao_tao"], "symbol": "PX08", "series": "common"}).status_code == 403


def test_requests_no_longer_type_the_issuer_symbol(docs: Docs, world: World) -> None:
    response = issue_minutes(docs, world, "review-minutes", requests.review_minutes(issuer_symbol="CT 4"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "issuer_symbol"]


def test_an_unregistered_body_cannot_issue_a_numbered_document(tmp_path: Path, ledger: TestClient, world: World,
                                                               docs_settings: Settings) -> None:
    for docs in open_docs(docs_settings, ledger):
        response = issue_minutes(docs, world, "review-minutes", requests.review_minutes())
        assert response.status_code == 422
        assert "is not registered" in response.json()["missing"][0]
        assert docs.client.get("/documents").json() == []


def test_the_register_records_issuer_signer_recipients_versions_and_position(docs: Docs, world: World) -> None:
    issued = docs.client.post(f"/documents/decrees/{world.decree_2016}", json=requests.decree(world)).json()
    entry = docs.client.get(f"/documents/{issued['document_id']}").json()
    assert entry == issued
    assert entry["issued_by"] == "Nguyễn Thị Thư ký"
    assert entry["signer"] == "Thiếu tướng Đinh Văn Toản"
    assert entry["recipients"] == ["Như Điều 3", "Lưu: VT"]
    assert entry["position"] == docs.client.get("/projection").json()["position"]
    assert entry["rendering_version"].startswith("thidua-render") and "python-docx" in entry["rendering_version"]
    assert len(entry["template_version"]) == len(entry["sha256"]) == len(entry["canonical_sha256"]) == 64
    assert entry["book"] == "*"  # the city police numbers all its documents in one series
    minutes = issue_minutes(docs, world, "review-minutes", requests.review_minutes()).json()
    assert (minutes["signer"], minutes["book"]) == ("Thiếu tướng Đoàn Ngọc Hùng", "BB")
    assert docs.client.get(f"/documents/{uuid4()}").status_code == 404


@pytest.mark.parametrize("kind", ["review-minutes", "report"])
def test_a_draft_takes_no_number_and_is_not_registered(docs: Docs, world: World, kind: str) -> None:
    response = docs.client.post(f"{requests.cluster_year(world)}/{kind}/draft", json={})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    doc = open_docx(response.content)
    assert doc.tables[0].rows[1].cells[0].text.replace(" ", "").startswith("Số:/")
    assert docs.client.get("/documents").json() == []


def test_a_draft_as_of_a_past_position_shows_what_the_ledger_said_then(docs: Docs, world: World) -> None:
    before = docs.client.get("/projection").json()["position"]
    world.record("UnitRenamed", effective_date="2019-06-01", unit_id=world.units["tccb"], name="Phòng Tổ chức")
    docs.sync()
    path = f"{requests.cluster_year(world)}/review-minutes/draft"
    then = docs.client.post(f"{path}?position={before}", json=requests.review_minutes())
    now = docs.client.post(path, json=requests.review_minutes())
    assert then.headers["x-position"] == str(before)
    text_then = "\n".join(c.text for t in open_docx(then.content).tables for r in t.rows for c in r.cells)
    text_now = "\n".join(c.text for t in open_docx(now.content).tables for r in t.rows for c in r.cells)
    assert "Phòng Tổ chức cán bộ" in text_then and "Phòng Tổ chức cán bộ" not in text_now


def test_a_draft_ahead_of_the_projection_is_refused(docs: Docs, world: World) -> None:
    position = docs.client.get("/projection").json()["position"]
    response = docs.client.post(f"/documents/decrees/{world.decree_2016}/draft?position={position + 1}",
                                json=requests.decree(world))
    assert response.status_code == 409
    assert "ahead of the projection" in response.json()["detail"]


def test_unknown_cluster_year_decree_or_proposal_is_refused(docs: Docs, world: World) -> None:
    unknown = uuid4()
    response = docs.client.post(f"/documents/clusters/{unknown}/years/2019/review-minutes",
                                json=requests.review_minutes())
    assert response.status_code == 422 and response.json()["missing"][0].startswith(f"cluster {unknown}")
    response = docs.client.post(f"/documents/clusters/{world.cluster}/years/2017/review-minutes",
                                json=requests.review_minutes())
    assert response.status_code == 422
    assert response.json()["missing"][0].startswith("year 2017 of Cụm thi đua số 4")
    response = docs.client.post(f"/documents/decrees/{unknown}", json=requests.decree(world))
    assert response.status_code == 422 and response.json()["missing"][0].startswith(f"decree {unknown}")
    response = new_decree(docs, world, str(unknown), "2020-01-20")
    assert response.status_code == 422 and response.json()["missing"][0].startswith(f"proposal_id {unknown}")
    assert docs.client.get("/documents").json() == []
    assert UUID(world.decree_2016)  # the world's ids are UUIDs the routes accept


def test_concurrent_issues_dated_apart_still_leave_the_book_in_date_order(docs_any_store: Docs,
                                                                         world: World) -> None:
    docs = docs_any_store
    proposals = [propose(world, f"Giấy khen đợt {n}") for n in range(8)]
    docs.sync()
    days = ["2020-03-20", "2020-03-02", "2020-03-15", "2020-03-01", "2020-03-25", "2020-03-10", "2020-03-05",
            "2020-03-30"]
    start = Barrier(8)

    def issue(n: int) -> str:
        request = NewDecreeRequest.model_validate(requests.decree(
            world, proposal_id=proposals[n], decree_date=days[n], decree_id=str(uuid4()), **SIGNER))
        start.wait()
        try:
            return str(docs.register.issue("decree", {"decree_id": str(request.decree_id)}, request, "Thư ký")
                       .number_text)
        except RuleBroken as refused:
            return refused.rule

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(issue, range(8)))
    assert set(outcomes) - {f"{n:02d}/QĐ-BCA" for n in range(1, 9)} <= {"book-runs-forward-in-time"}
    book = [(d["number"], d["dated"]) for d in docs.client.get("/documents").json()]
    assert [number for number, _ in book] == [f"{n:02d}/QĐ-BCA" for n in range(1, len(book) + 1)]
    assert [dated for _, dated in book] == sorted(dated for _, dated in book)
