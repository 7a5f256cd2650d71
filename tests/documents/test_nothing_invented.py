"""Nothing invented, nothing missing: a numbered document holds no placeholder (issuing
with a part missing names every part); a draft says it is one; what the ledger does not
hold is never printed as a value. Read on the demo's documents (the five articles) and on
the test world, opened with python-docx."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx.document import Document as DocumentType
from fastapi.testclient import TestClient
from thidua_documents.settings import Settings
from thidua_ledger import scenario
from thidua_ledger.api.app import create_app as create_ledger_app
from thidua_ledger.cli_access import grant_demo_clerk
from thidua_ledger.demo_documents import issue_demo
from thidua_ledger.settings import Settings as LedgerSettings

from tests.documents import requests
from tests.documents.conftest import Docs, open_docs
from tests.documents.reading import open_docx
from tests.documents.world import CLERK_ACCOUNT, World
from tests.tokens import SIGNING_KEY_FILE

PLACEHOLDER = "……"


def all_text(doc: DocumentType) -> str:
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.fixture
def demo(tmp_path: Path, docs_settings: Settings) -> Iterator[Docs]:
    """The documents service over a ledger holding the scenario of the articles."""
    settings = LedgerSettings(store="sqlite", sqlite_path=tmp_path / "demo-ledger.sqlite",
                              signing_key_file=SIGNING_KEY_FILE)
    with TestClient(create_ledger_app(settings)) as ledger:
        scenario.load(ledger.app.state.ledger)  # type: ignore[attr-defined]
        # As `make run` does: the clerk issuing the demo's documents holds its authorities.
        grant_demo_clerk(ledger.app.state.ledger, CLERK_ACCOUNT)  # type: ignore[attr-defined]
        yield from open_docs(docs_settings, ledger)


def demo_path(cluster: str, year: int, kind: str) -> str:
    return f"/documents/clusters/{scenario.cluster_id(cluster)}/years/{year}/{kind}"


def demo_draft(demo: Docs, cluster: str, year: int, kind: str, **body: Any) -> DocumentType:
    response = demo.client.post(f"{demo_path(cluster, year, kind)}/draft", json=body)
    assert response.status_code == 200, response.text
    return open_docx(response.content)


def test_a_numbered_document_with_a_part_missing_is_refused_naming_every_part(docs: Docs, world: World) -> None:
    """The decree with only its legal bases used to issue reading "Xét đề nghị của ……"."""
    response = docs.client.post(f"/documents/decrees/{world.decree_2016}",
                                json={"legal_basis_ids": [world.law]})
    assert response.status_code == 422
    assert [m.split(" ")[0] for m in response.json()["missing"]] == ["proposer", "award_money", "executors"]
    response = docs.client.post(f"{requests.cluster_year(world)}/review-minutes", json={})
    # The chair and the venue come from the recorded review; the rest is the clerk's to give.
    assert [m.split(" ")[0] for m in response.json()["missing"]] == [
        "secretary", "started_at", "discussion", "ended_at", "report", "next_pledge"]
    assert docs.client.get("/documents").json() == []
    one_short = docs.client.post(f"{requests.cluster_year(world)}/report", json=requests.report(results=[]))
    assert one_short.status_code == 422 and one_short.json()["missing"] == ["results (Kết quả công tác)"]


def test_no_issued_document_holds_a_placeholder(docs: Docs, world: World) -> None:
    for path, body in requests.every_document(world):
        response = docs.client.post(path, json=body)
        assert response.status_code == 201, f"{path}: {response.text}"
        doc = open_docx(docs.client.get(f"/documents/{response.json()['document_id']}/file").content)
        assert PLACEHOLDER not in all_text(doc), path
        assert "None" not in all_text(doc) and "DỰ THẢO" not in all_text(doc), path
        assert doc.core_properties.content_status == "", path


def test_a_draft_is_marked_and_says_not_issued_in_its_properties(docs: Docs, world: World) -> None:
    for path, body in requests.every_document(world):
        doc = open_docx(docs.client.post(f"{path}/draft", json=body).content)
        assert doc.paragraphs[0].text == "DỰ THẢO" and doc.paragraphs[0].runs[0].bold, path
        assert "not issued" in doc.core_properties.content_status, path
        assert doc.core_properties.title.startswith("DỰ THẢO"), path


def test_a_draft_may_keep_placeholders_where_parts_are_missing(docs: Docs, world: World) -> None:
    doc = open_docx(docs.client.post(f"/documents/decrees/{world.decree_2016}/draft", json={}).content)
    assert "Xét đề nghị của ……." in all_text(doc)


def test_a_draft_names_its_missing_parts_in_a_header_and_a_complete_one_names_none(docs: Docs,
                                                                                   world: World) -> None:
    bare = docs.client.post(f"/documents/decrees/{world.decree_2016}/draft", json={})
    missing = json.loads(bare.headers["X-Missing-Parts"])
    assert any(part.startswith("proposer") for part in missing), missing
    # The near miss: the same decree with every part the clerk gives drafts with nothing missing.
    full = docs.client.post(f"/documents/decrees/{world.decree_2016}/draft", json=requests.decree(world))
    assert json.loads(full.headers["X-Missing-Parts"]) == []


def test_a_movement_the_ledger_does_not_name_is_not_printed_as_none(demo: Docs) -> None:
    """The Party offices cluster, 2017: the article names no movement."""
    issue_demo(demo.client)
    for kind in ("pledge-minutes", "pledge"):
        text = all_text(demo_draft(demo, "cum-vp-du", 2017, kind))
        assert "None" not in text and "“”" not in text, kind
    minutes = all_text(demo_draft(demo, "cum-vp-du", 2017, "pledge-minutes"))
    assert "Hội nghị ký kết giao ước thi đua năm 2017" in minutes
    # The near miss: a named movement is still printed, quoted.
    assert "“Vì an ninh Tổ quốc” năm 2018" in all_text(demo_draft(demo, "cum-2", 2018, "pledge-minutes"))


def test_an_unknown_drafter_is_not_guessed(demo: Docs) -> None:
    issue_demo(demo.client)
    text = all_text(demo_draft(demo, "cum-vp-du", 2017, "pledge-minutes"))
    assert "(đơn vị Cụm trưởng năm 2017) trình bày" not in text
    assert "Hội nghị nghe trình bày dự thảo “Giao ước thi đua năm 2017”." in text
    # The near miss: a drafter the ledger names is printed (Cluster 2's leader drafted its 2018 pledge).
    assert "Cục Cảnh sát PCCC và CNCH trình bày dự thảo" in all_text(demo_draft(demo, "cum-2", 2018,
                                                                                "pledge-minutes"))


def test_named_members_are_not_counted_as_the_whole_cluster(demo: Docs) -> None:
    """Cluster 4 had 8 units in 2016, of which the article names 3; the Party offices
    cluster had 12, of which one signed by name."""
    issue_demo(demo.client)
    review = all_text(demo_draft(demo, "cum-4", 2016, "review-minutes"))
    assert "Đại diện 3 đơn vị" not in review and "Đại diện các đơn vị thành viên Cụm thi đua số 4:" in review
    pledge_minutes = all_text(demo_draft(demo, "cum-vp-du", 2017, "pledge-minutes"))
    assert "1/1 đơn vị" not in pledge_minutes and "Các đơn vị đã ký kết giao ước:" in pledge_minutes
    pledge = all_text(demo_draft(demo, "cum-vp-du", 2017, "pledge"))
    assert "1 đơn vị thành viên" not in pledge and "các đơn vị thành viên" in pledge


def test_a_free_text_note_is_never_printed_as_results(demo: Docs) -> None:
    """The 2016 review's note says who attended; it is not what the year achieved."""
    issue_demo(demo.client)
    note = "Thiếu tướng Đinh Văn Toản, Phó Giám đốc CATP dự và chỉ đạo hội nghị."
    for kind in ("report", "review-minutes"):
        assert note not in all_text(demo_draft(demo, "cum-4", 2016, kind)), kind
    given = all_text(demo_draft(demo, "cum-4", 2016, "report", results=["Hoàn thành chỉ tiêu."]))
    assert "Hoàn thành chỉ tiêu." in given  # the near miss: results the clerk gives are printed


def test_stated_counts_are_printed_and_only_they(demo: Docs) -> None:
    issue_demo(demo.client)
    text = all_text(demo_draft(demo, "cum-4", 2016, "report"))
    assert "120 tập thể và 357 cá nhân" in text


def test_the_demo_registers_its_bodies_and_issues_what_nothing_is_missing_from(demo: Docs) -> None:
    outcomes = issue_demo(demo.client)
    assert [o.path.rsplit("/", 1)[1] for o in outcomes].count("pledge") == 3
    assert all(o.missing for o in outcomes if not o.issued)  # each one not issued says why
    flag = demo_path("cum-4", 2016, "flag-handover-minutes")
    assert next(o for o in outcomes if o.path == flag).missing[0].startswith("giver_representative")
    # What the clerk gives (test data here: the article names no representative) issues it.
    response = demo.client.post(flag, json=requests.flag_minutes(venue="Hội trường", witness="Thiếu tướng A"))
    assert response.status_code == 201, response.text
    assert response.json()["number"] == "01/BB-CTĐ4"
    assert issue_demo(demo.client)  # a second run registers nothing twice and fails nothing
