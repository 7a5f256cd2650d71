"""The register: numbers per issuing body, type and year, never skipped nor reused; refusals
that name what is missing and store nothing; drafts that take no number. On both stores."""

import hashlib
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any
from uuid import uuid4

from thidua_documents.documents.decree import DecreeRequest

from tests.documents.conftest import Docs
from tests.documents.reading import open_docx
from tests.documents.world import World

BASES = {"legal_bases": ["Căn cứ Luật Thi đua, khen thưởng"]}
MINUTES = {"secretary": "Trung tá Lê Thị Thư", "issuer_symbol": "CTĐ4"}


def more_decrees(world: World, count: int) -> list[str]:
    """Decrees of the same authority dated in 2017, each for another award year (one
    achievement is rewarded once, so the award years differ)."""
    ids = []
    for n in range(count):
        decree_id = str(uuid4())
        world.record("AwardConferred", effective_date="2017-03-01", decree_id=decree_id,
                     decree_no=f"{n + 20}/QĐ-CATP", decree_date="2017-03-01", authority_id=world.authority,
                     signer="Thiếu tướng Đinh Văn Toản", signer_title="KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC",
                     award_kind="Giấy khen", year=1990 + n,
                     recipients=[{"kind": "collective", "unit_id": world.units["hau_can"]}])
        ids.append(decree_id)
    return ids


def issue_decree(docs: Docs, decree_id: str, **body: Any) -> Any:
    return docs.client.post(f"/documents/decrees/{decree_id}", json={**BASES, **body})


def test_numbers_run_per_issuing_body_type_and_year(docs_any_store: Docs, world: World) -> None:
    docs = docs_any_store
    cluster_year = f"/documents/clusters/{world.cluster}/years/2019"
    numbers = [
        issue_decree(docs, world.decree_2016).json()["number"],
        issue_decree(docs, world.decree_2017).json()["number"],
        docs.client.post(f"{cluster_year}/review-minutes", json=MINUTES).json()["number"],
        docs.client.post(f"{cluster_year}/flag-handover-minutes", json={
            "issuer_symbol": "CTĐ4", "giver_representative": "A", "receiver_representative": "B"}).json()["number"],
        docs.client.post(f"{cluster_year}/report", json={"issuer_symbol": "CTĐ4", "signer": "C",
                                                         "signer_title": "D"}).json()["number"],
    ]
    assert numbers == ["01/QĐ-CATP", "01/QĐ-CATP", "01/BB-CTĐ4", "02/BB-CTĐ4", "01/BC-CTĐ4"]


def test_concurrent_issues_take_every_number_once_without_gaps(docs_any_store: Docs, world: World) -> None:
    docs = docs_any_store
    decrees = more_decrees(world, 12)
    docs.sync()
    start = Barrier(6)

    def issue(decree_id: str) -> str:
        if decrees.index(decree_id) < 6:
            start.wait()  # the first six leave together
        request = DecreeRequest(legal_bases=["Căn cứ Luật Thi đua, khen thưởng"])
        return str(docs.register.issue("decree", {"decree_id": decree_id}, request).number_text)

    with ThreadPoolExecutor(max_workers=6) as pool:
        numbers = list(pool.map(issue, decrees))
    assert sorted(int(n.split("/")[0]) for n in numbers) == list(range(1, 13))
    listed = docs.client.get("/documents").json()
    assert [d["number"] for d in listed] == [f"{n:02d}/QĐ-CATP" for n in range(1, 13)]


def test_the_same_document_is_issued_once_even_when_requested_at_once(docs_any_store: Docs, world: World) -> None:
    docs = docs_any_store
    with ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(pool.map(lambda _: issue_decree(docs, world.decree_2016), range(4)))
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
    assert "already issued as 01/QĐ-CATP" in next(r.json()["detail"] for r in responses if r.status_code == 409)
    assert issue_decree(docs, world.decree_2017).json()["number"] == "01/QĐ-CATP"  # no number lost


def test_missing_data_is_named_and_nothing_is_registered(docs_any_store: Docs, world: World) -> None:
    docs = docs_any_store
    response = docs.client.post(f"/documents/clusters/{world.cluster}/years/2019/review-minutes",
                                json={"issuer_symbol": "CTĐ4"})
    assert response.status_code == 422
    assert response.json()["missing"] == ["secretary (thư ký)"]
    response = docs.client.post(f"/documents/decrees/{world.decree_2016}", json={})
    assert response.status_code == 422 and response.json()["missing"][0].startswith("legal_bases")
    assert docs.client.get("/documents").json() == []
    retry = docs.client.post(f"/documents/clusters/{world.cluster}/years/2019/review-minutes", json=MINUTES)
    assert retry.json()["number"] == "01/BB-CTĐ4"  # the refusal took no number


def test_no_signer_is_refused(docs: Docs, world: World) -> None:
    response = docs.client.post(f"/documents/clusters/{world.cluster}/years/2019/report",
                                json={"issuer_symbol": "CTĐ4"})
    assert response.status_code == 422
    assert response.json()["missing"] == ["signer", "signer_title"]


def test_a_decree_of_an_authority_without_a_place_needs_one(docs: Docs, world: World) -> None:
    response = issue_decree(docs, world.decree_2019)
    assert response.status_code == 422
    assert response.json()["missing"][0].startswith("place")
    issued = issue_decree(docs, world.decree_2019, place="Hà Nội")
    assert issued.status_code == 201 and issued.json()["number"] == "01/QĐ-BCA"


def test_unknown_cluster_year_or_decree_is_refused(docs: Docs, world: World) -> None:
    unknown = uuid4()
    response = docs.client.post(f"/documents/clusters/{unknown}/years/2019/review-minutes", json=MINUTES)
    assert response.status_code == 422 and response.json()["missing"][0].startswith(f"cluster {unknown}")
    response = docs.client.post(f"/documents/clusters/{world.cluster}/years/2017/review-minutes", json=MINUTES)
    assert response.status_code == 422
    assert response.json()["missing"][0].startswith("year 2017 of Cụm thi đua số 4")
    response = issue_decree(docs, str(unknown))
    assert response.status_code == 422 and response.json()["missing"][0].startswith(f"decree {unknown}")
    assert docs.client.get("/documents").json() == []


def test_a_year_without_its_review_cannot_have_review_minutes(docs: Docs, world: World) -> None:
    world.year_fact("YearOpened", "2020-01-02", 2020, movement="Vì an ninh Tổ quốc")
    docs.sync()
    response = docs.client.post(f"/documents/clusters/{world.cluster}/years/2020/review-minutes", json=MINUTES)
    assert response.status_code == 422
    assert response.json()["missing"][0].startswith("the year-end review of 2020")


def test_a_draft_takes_no_number_and_is_not_registered(docs: Docs, world: World) -> None:
    response = docs.client.post(f"/documents/decrees/{world.decree_2016}/draft", json=BASES)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    number = open_docx(response.content).tables[0].rows[1].cells[0].text
    assert number.replace(" ", "") == "Số:/QĐ-CATP"
    assert docs.client.get("/documents").json() == []
    assert issue_decree(docs, world.decree_2016).json()["number"] == "01/QĐ-CATP"


def test_a_draft_as_of_a_past_position_shows_what_the_ledger_said_then(docs: Docs, world: World,
                                                                      ledger: Any) -> None:
    before = docs.client.get("/projection").json()["position"]
    world.record("UnitRenamed", effective_date="2019-06-01", unit_id=world.units["tccb"], name="Phòng Tổ chức")
    docs.sync()
    path = f"/documents/clusters/{world.cluster}/years/2019/review-minutes/draft"
    then = docs.client.post(f"{path}?position={before}", json=MINUTES)
    now = docs.client.post(path, json=MINUTES)
    assert then.headers["x-position"] == str(before)
    text_then = "\n".join(c.text for t in open_docx(then.content).tables for r in t.rows for c in r.cells)
    text_now = "\n".join(c.text for t in open_docx(now.content).tables for r in t.rows for c in r.cells)
    assert "Phòng Tổ chức cán bộ" in text_then and "Phòng Tổ chức cán bộ" not in text_now


def test_a_draft_ahead_of_the_projection_is_refused(docs: Docs, world: World) -> None:
    position = docs.client.get("/projection").json()["position"]
    response = docs.client.post(f"/documents/decrees/{world.decree_2016}/draft?position={position + 1}",
                                json=BASES)
    assert response.status_code == 409
    assert "ahead of the projection" in response.json()["detail"]


def test_metadata_records_position_template_version_and_hash(docs: Docs, world: World) -> None:
    issued = issue_decree(docs, world.decree_2016).json()
    entry = docs.client.get(f"/documents/{issued['document_id']}").json()
    assert entry == issued
    assert entry["position"] == docs.client.get("/projection").json()["position"]
    assert len(entry["template_version"]) == len(entry["sha256"]) == 64
    file = docs.client.get(f"/documents/{issued['document_id']}/file")
    assert hashlib.sha256(file.content).hexdigest() == entry["sha256"] == file.headers["x-sha256"]
    assert docs.client.get(f"/documents/{uuid4()}").status_code == 404
