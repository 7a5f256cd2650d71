"""The same facts, position and template give the same bytes: today, and when an auditor
regenerates an issued document years later."""

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from thidua_documents.rendering import ZIP_EPOCH
from thidua_documents.templates import ALL, TEMPLATES_DIR, template_bytes
from thidua_documents.templates.build import build

from tests.documents import requests
from tests.documents.conftest import Docs
from tests.documents.reading import entries, open_docx
from tests.documents.world import World

MINUTES = requests.review_minutes()


def review_minutes(world: World) -> str:
    return f"/documents/clusters/{world.cluster}/years/2019/review-minutes"


def test_two_renders_give_identical_bytes_and_identical_xml(docs: Docs, world: World) -> None:
    first = docs.client.post(f"{review_minutes(world)}/draft", json=MINUTES).content
    second = docs.client.post(f"{review_minutes(world)}/draft", json=MINUTES).content
    assert first == second
    assert [(name, xml) for name, _, xml in entries(first)] == [(name, xml) for name, _, xml in entries(second)]


def test_zip_entries_carry_a_fixed_time_in_the_templates_order(docs: Docs, world: World) -> None:
    content = docs.client.post(f"/documents/decrees/{world.decree_2016}/draft",
                               json=requests.decree(world)).content
    assert {when for _, when, _ in entries(content)} == {ZIP_EPOCH}
    with zipfile.ZipFile(io.BytesIO(template_bytes("quyet_dinh_khen_thuong.docx"))) as template:
        order = [info.filename for info in template.infolist()]
    assert [name for name, _, _ in entries(content)] == order


def test_core_properties_carry_the_documents_date_not_the_render_time(docs: Docs, world: World) -> None:
    issued = docs.client.post(review_minutes(world), json=MINUTES).json()
    props = open_docx(docs.client.get(f"/documents/{issued['document_id']}/file").content).core_properties
    assert props.created == props.modified == datetime(2019, 11, 14, tzinfo=UTC)
    assert props.author == "Cụm thi đua số 4"
    assert props.title.startswith("Biên bản hội nghị tổng kết")


def regenerate(docs: Docs, document_id: str) -> Any:
    response = docs.client.post(f"/documents/{document_id}/regenerate")
    assert response.status_code == 200
    return response.json()


def test_an_issued_document_regenerates_to_the_same_bytes_after_the_ledger_moved_on(
        docs_any_store: Docs, world: World) -> None:
    docs = docs_any_store
    issued = docs.client.post(review_minutes(world), json=MINUTES).json()
    # Recorded later, effective earlier: today's draft changes, the issued document must not.
    world.record("UnitRenamed", effective_date="2019-06-01", unit_id=world.units["tccb"], name="Phòng Tổ chức")
    world.year_fact("ScoreCorrected", "2019-12-01", 2019, score_id="00000000-0000-4000-8000-000000000001",
                    corrects_score_id=_a_score(docs, world), points="10", reason="Chấm lại")
    docs.sync()
    result = regenerate(docs, issued["document_id"])
    assert result["identical"] and result["regenerated_sha256"] == issued["sha256"]
    assert result["position"] == issued["position"]
    today = docs.client.post(f"{review_minutes(world)}/draft", json=MINUTES).content
    assert "Phòng Tổ chức cán bộ" not in "\n".join(
        c.text for t in open_docx(today).tables for r in t.rows for c in r.cells)


def _a_score(docs: Docs, world: World) -> str:
    with docs.store.transaction() as tx:
        row = tx.one("SELECT payload FROM proj_year_facts WHERE fact_type = 'ScoreRecorded' ORDER BY position")
    return str(json.loads(row[0])["score_id"])  # type: ignore[index]


def test_a_changed_template_does_not_change_an_issued_document(docs: Docs, world: World) -> None:
    issued = docs.client.post(review_minutes(world), json=MINUTES).json()
    original = template_bytes("bien_ban_tong_ket.docx")
    docs.register.load_template = lambda name: _edited(original) if name == "bien_ban_tong_ket.docx" \
        else template_bytes(name)
    result = regenerate(docs, issued["document_id"])
    assert result["identical"] and result["template_version"] == issued["template_version"]
    later = docs.client.post(f"{review_minutes(world)}/draft", json=MINUTES)  # made with the edited template
    assert "Nội dung (theo diễn biến cuộc họp):" not in [p.text for p in open_docx(later.content).paragraphs]


def _edited(template: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace("Nội dung (theo diễn biến cuộc họp):".encode(), "Nội dung:".encode())
            target.writestr(info, data)
    return out.getvalue()


def test_the_committed_templates_are_what_the_build_script_makes(tmp_path: Path) -> None:
    build(tmp_path)
    for name in ALL:
        assert (tmp_path / name).read_bytes() == (TEMPLATES_DIR / name).read_bytes(), (
            f"{name} differs from templates/build.py: run `python -m thidua_documents.templates.build`")
