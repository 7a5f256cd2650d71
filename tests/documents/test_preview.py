"""An issued decree previewed as PDF through a real LibreOffice: pages and text checked."""

import shutil
import subprocess
from pathlib import Path

from thidua_documents.preview import soffice

from tests.documents import requests
from tests.documents.conftest import Docs
from tests.documents.world import World
from tests.services import unavailable


def pdf_text(pdf: Path) -> list[str]:
    """The text of each page, by poppler's pdftotext."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


def test_an_issued_decree_previews_as_a_pdf(docs: Docs, world: World, tmp_path: Path) -> None:
    if soffice() is None or shutil.which("pdftotext") is None:
        unavailable("LibreOffice", "soffice or pdftotext is not installed (make preview-tools)")
    issued = docs.client.post(f"/documents/decrees/{world.decree_2016}", json=requests.decree(world))
    assert issued.status_code == 201, issued.text
    response = docs.client.get(f"/documents/{issued.json()['document_id']}/preview.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "decree.pdf"
    pdf.write_bytes(response.content)
    pages = pdf_text(pdf)
    assert len(pages) >= 2  # the decree, then its attached list on a page of its own
    first = " ".join(pages[0].split())
    assert "QUYẾT ĐỊNH" in first
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
    assert f"Số: {issued.json()['number']}" in first
    assert "DANH SÁCH" in " ".join(pages[-1].split())
    # Page numbers start on page 2, at the top: page 1 carries none.
    assert pages[1].strip().splitlines()[0].strip() == "2"
    assert not pages[0].strip().splitlines()[0].strip().isdigit()


def test_a_draft_previews_as_a_pdf_with_its_missing_parts(docs: Docs, world: World, tmp_path: Path) -> None:
    if soffice() is None or shutil.which("pdftotext") is None:
        unavailable("LibreOffice", "soffice or pdftotext is not installed (make preview-tools)")
    response = docs.client.post(f"/documents/decrees/{world.decree_2016}/draft?format=pdf", json={})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert "proposer" in response.headers["X-Missing-Parts"]
    pdf = tmp_path / "draft.pdf"
    pdf.write_bytes(response.content)
    first = " ".join(pdf_text(pdf)[0].split())
    assert "DỰ THẢO" in first and "QUYẾT ĐỊNH" in first


def test_previews_beyond_those_running_at_once_are_refused_and_accepted_after(docs: Docs, world: World) -> None:
    """Each preview is a LibreOffice process of a few hundred MB started for any reader: without
    a bound, an auditor asking for many at once exhausted the server's memory."""
    if soffice() is None:
        unavailable("LibreOffice", "soffice is not installed (make preview-tools)")
    from thidua_documents import preview

    issued = docs.client.post(f"/documents/decrees/{world.decree_2016}", json=requests.decree(world))
    assert issued.status_code == 201, issued.text
    path = f"/documents/{issued.json()['document_id']}/preview.pdf"
    draft = f"/documents/decrees/{world.decree_2016}/draft?format=pdf"
    taken = [preview.CONVERSIONS.acquire(blocking=False) for _ in range(preview.AT_ONCE)]  # as if running
    try:
        assert all(taken)
        for response in (docs.client.get(path), docs.client.post(draft, json=requests.decree(world))):
            assert response.status_code == 429, response.text
            assert response.headers["Retry-After"]
    finally:
        for _ in taken:
            preview.CONVERSIONS.release()
    assert docs.client.get(path).status_code == 200
