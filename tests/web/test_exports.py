"""Any list to .xlsx: the sheet, opened with openpyxl, holds the page's table, cell by cell."""

import io
import re
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.web.conftest import sign_in
from tests.web.docs_world import CUM_4, World


def page_table(page: Page, selector: str) -> list[list[str]]:
    rows = page.locator(f"{selector} tr").all()
    return [[" ".join(cell.inner_text().split()) for cell in row.locator("th, td").all()] for row in rows]


def sheet_table(content: bytes) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [[" ".join(str(v or "").split()) for v in row] for row in sheet.iter_rows(values_only=True)]


def download(page: Page, link: str) -> bytes:
    with page.expect_download() as saved:
        page.locator(link).click()
    return Path(saved.value.path()).read_bytes()


def issue_a_proposal_document(world: World) -> None:
    with world.documents() as docs:
        docs.post("/documents/issuing-bodies", json={"kind": "cluster", "id": CUM_4, "symbol": "CTĐ4",
                                                     "series": "per_type"})
        issued = docs.post(f"/documents/proposals/{world.proposal_id}", json={
            "signer": "Nguyễn Văn Cụm", "signer_title": "TRƯỞNG PHÒNG", "legal_basis_ids": [world.instrument_id],
            "attachments": ["Danh sách đề nghị khen thưởng"], "place": "Hà Nội"})
        assert issued.status_code in (201, 409), issued.text


def test_the_register_s_xlsx_is_the_page_s_table(page: Page, world: World) -> None:
    issue_a_proposal_document(world)
    sign_in(page, world.stack, "clerk")
    # The near miss: a filter that finds nothing exports the headers alone.
    page.goto(world.stack.web_url + "/documents?q=khong co van ban nay")
    expect(page.locator("#register tbody tr")).to_have_count(0)
    assert sheet_table(download(page, "#export")) == [page_table(page, "#register")[0]]
    page.goto(world.stack.web_url + "/documents?q=to trinh")
    expect(page.locator("#register tbody tr")).not_to_have_count(0)
    shown = page_table(page, "#register")
    assert sheet_table(download(page, "#export")) == shown
    assert any("Tờ trình" in cell for row in shown for cell in row)


def test_the_search_results_xlsx_lists_what_the_page_lists(page: Page, world: World) -> None:
    sign_in(page, world.stack, "clerk")
    page.get_by_label(re.compile("Đơn vị, cụm thi đua")).fill("phong")
    page.get_by_role("button", name="Tìm", exact=True).click()
    names = sorted(" ".join(a.split()) for a in page.locator("section.results li").all_inner_texts())
    rows = sheet_table(download(page, "#export"))
    assert rows[0] == ["Loại", "Tên", "Tên khác"]
    as_listed = sorted(f"{name} (tên khác: {former})" if former else name for _, name, former in rows[1:])
    assert as_listed == names and len(names) > 3
