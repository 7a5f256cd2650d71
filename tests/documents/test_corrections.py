"""Documents print the facts in force: a clerk's correction replaces the original in place, a
retraction leaves it out, each from its own log position on (issued documents regenerate)."""

from typing import Any

from tests.documents import requests as full
from tests.documents.conftest import Docs
from tests.documents.reading import open_docx, paragraph
from tests.documents.test_year_documents import all_text
from tests.documents.world import CLERK, SUBSCRIBER_TOKEN, World


def _events(world: World, fact_type: str) -> list[dict[str, Any]]:
    page = world.client.get("/log", params={"after": 0, "limit": 1000},
                            headers={"Authorization": f"Bearer {SUBSCRIBER_TOKEN}"}).json()
    return [e for e in page["events"] if e["type"] == fact_type]


def _record(world: World, fact: str, **body: Any) -> None:
    response = world.client.post(f"/facts/{fact}", json=body, headers=CLERK)
    assert response.status_code == 201, response.text


def _correct_the_review_date(world: World) -> None:
    review = next(e for e in _events(world, "YearEndReviewHeld") if e["data"]["year"] == 2019)
    _record(world, "FactCorrected", effective_date="2019-11-20", original=review["id"],
            replacement_type="YearEndReviewHeld", replacement={**review["data"], "effective_date": "2019-11-13"},
            reason="Biên bản ghi nhầm ngày hội nghị")


def _retract_the_signature(world: World) -> None:
    signed = next(e for e in _events(world, "PledgeSigned") if e["data"]["signatory"])
    _record(world, "FactRetracted", effective_date="2019-02-01", original=signed["id"],
            reason="Đơn vị không ký giao ước")


def test_a_corrected_review_date_prints_as_corrected_in_a_draft(docs_any_store: Docs, world: World) -> None:
    _correct_the_review_date(world)
    docs_any_store.sync()
    response = docs_any_store.client.post(f"{full.cluster_year(world)}/review-minutes/draft",
                                          json=full.review_minutes())
    assert response.status_code == 200, response.text
    when = paragraph(open_docx(response.content), "Thời gian:").text
    assert "ngày 13 tháng 11 năm 2019" in when and "ngày 14 tháng 11" not in when


def test_a_retracted_signature_is_no_longer_printed(docs_any_store: Docs, world: World) -> None:
    path = f"{full.cluster_year(world)}/pledge-minutes/draft"
    docs_any_store.sync()
    before = all_text(open_docx(docs_any_store.client.post(path, json=full.pledge_minutes()).content))
    assert "Nguyễn Văn Ký" in before
    _retract_the_signature(world)
    docs_any_store.sync()
    after = all_text(open_docx(docs_any_store.client.post(path, json=full.pledge_minutes()).content))
    assert "Nguyễn Văn Ký" not in after


def test_a_document_issued_before_a_correction_regenerates_identically(docs_any_store: Docs, world: World) -> None:
    docs_any_store.sync()
    issued = docs_any_store.client.post(f"{full.cluster_year(world)}/review-minutes", json=full.review_minutes())
    assert issued.status_code == 201, issued.text
    _correct_the_review_date(world)
    docs_any_store.sync()
    result = docs_any_store.client.post(f"/documents/{issued.json()['document_id']}/regenerate").json()
    assert result["identical"], result
