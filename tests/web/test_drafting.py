"""A clerk drafts a decree from a proposal in the browser, sees what is missing and the PDF
preview, fills it in, issues it and downloads the .docx and the signed PDF."""

import io
import re
import subprocess
from pathlib import Path

from docx import Document
from playwright.sync_api import Page, expect
from thidua_ledger import scenario

from tests.web.conftest import sign_in
from tests.web.docs_world import CATP, CUM_4, UNITS_2019, World

PDF_MS = 180_000


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "file.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return " ".join(text.split())


def test_a_clerk_drafts_previews_issues_and_downloads_a_decree(page: Page, world: World, tmp_path: Path) -> None:
    sign_in(page, world.stack, "clerk")
    page.goto(f"{world.stack.web_url}/documents/new/decree?proposal_id={world.proposal_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Soạn quyết định khen thưởng")
    missing = page.locator("#missing")
    expect(missing).to_contain_text("Xét đề nghị của")
    expect(missing).to_contain_text("Người ký")
    # The preview is a PDF this application serves itself, in a frame.
    frame_src = page.locator("iframe.pdf-frame").get_attribute("src")
    assert frame_src and frame_src.startswith("/documents/new/decree/preview.pdf?")
    preview = page.request.get(world.stack.web_url + frame_src)
    assert preview.headers["content-type"] == "application/pdf"
    assert "DỰ THẢO" in pdf_text(preview.body(), tmp_path)

    # Issuing with parts missing is refused and keeps what was typed.
    page.get_by_label("Người ký", exact=True).fill("Thiếu tướng Đoàn Ngọc Hùng")
    page.get_by_role("button", name="Ban hành").click()
    expect(page.get_by_role("alert")).to_contain_text("Chưa thể ban hành")
    expect(page.get_by_label("Người ký", exact=True)).to_have_value("Thiếu tướng Đoàn Ngọc Hùng")

    page.get_by_label(re.compile("^Chức danh người ký")).fill("KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC")
    page.get_by_label("Xét đề nghị của").fill("Cụm trưởng Cụm thi đua số 4")
    page.get_by_label(re.compile("Thông tư số 12/2019/TT-BCA")).check()
    page.get_by_label(re.compile("^Tiền thưởng")).fill("Tiền thưởng theo quy định hiện hành.")
    page.get_by_label(re.compile("^Nơi thi hành")).fill("Chánh Văn phòng, Trưởng phòng Tổ chức cán bộ và các "
                                                        "đơn vị có tên tại Điều 1")
    page.get_by_label(re.compile("^Ngày ký")).fill("20/12/2019")
    page.get_by_role("button", name="Cập nhật dự thảo").click()
    expect(page.locator("#missing")).to_have_text("Không còn thiếu nội dung nào: có thể ban hành.")
    page.get_by_role("button", name="Ban hành").click()

    expect(page.locator("#number")).to_contain_text("/QĐ-CATP", timeout=PDF_MS)
    number = page.locator("#number").inner_text().strip()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải bản .docx").click()
    docx = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join([p.text for p in docx.paragraphs] + [c.text for t in docx.tables for r in t.rows
                                                          for c in r.cells])
    assert f"Số: {number}" in text and "DỰ THẢO" not in text
    assert "Thiếu tướng Đoàn Ngọc Hùng" in text
    for name in UNITS_2019.values():
        assert name in text

    # Signing renders PDF/A through LibreOffice: seconds, more on a busy machine.
    page.get_by_role("button", name="Ký số và tạo bản PDF").click(timeout=PDF_MS)
    with page.expect_download(timeout=PDF_MS) as signed:
        page.get_by_role("link", name="Tải bản PDF đã ký số").click(timeout=PDF_MS)
    pdf = Path(signed.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and b"/ByteRange" in pdf  # a PAdES signature covers it
    signed_text = pdf_text(pdf, tmp_path)
    assert "QUYẾT ĐỊNH" in signed_text and number in signed_text

    # The register lists it under CATP, found without diacritics.
    page.goto(f"{world.stack.web_url}/documents?q=quyet dinh giay khen&issuer=authority:{CATP}")
    expect(page.locator("#register tbody tr")).to_have_count(1)
    expect(page.locator("#register")).to_contain_text(number)


def test_a_clerk_drafts_a_cluster_year_report_from_the_year_page(page: Page, world: World) -> None:
    """From a cluster-year: the draft names what the ledger and the clerk still owe, in Vietnamese
    where it is a field to fill, and typing a part removes it from the list."""
    sign_in(page, world.stack, "clerk")
    page.goto(f"{world.stack.web_url}/clusters/{CUM_4}/years/2019")
    page.get_by_role("link", name="Soạn báo cáo tổng kết").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Soạn báo cáo tổng kết")
    missing = page.locator("#missing")
    expect(missing.get_by_role("link", name="Kết quả công tác (mỗi dòng một ý)")).to_be_visible()
    page.get_by_label("Kết quả công tác (mỗi dòng một ý)").fill("Hoàn thành các chỉ tiêu công tác năm 2019.")
    page.get_by_label("Ngày văn bản (dd/mm/yyyy)").fill("31/02/2019")
    page.get_by_role("button", name="Cập nhật dự thảo").click()
    expect(page.locator("#e-dated")).to_have_text("Ngày phải có dạng dd/mm/yyyy, ví dụ 14/11/2019.")
    expect(page.locator("#missing")).not_to_contain_text("có thể ban hành")  # a refused date is not a given one
    page.get_by_label("Ngày văn bản (dd/mm/yyyy)").fill("20/11/2019")
    page.get_by_role("button", name="Cập nhật dự thảo").click()
    expect(page.locator("#missing")).not_to_contain_text("Kết quả công tác")
    expect(page.get_by_label("Kết quả công tác (mỗi dòng một ý)")).to_have_value(
        "Hoàn thành các chỉ tiêu công tác năm 2019.")


def test_a_clerk_drafts_a_pledge_with_its_targets_row_by_row(page: Page, world: World) -> None:
    """The pledge's targets are a list of records: the form shows them as rows, keeps what was
    typed, adds a blank row each time, and the service no longer names them missing."""
    sign_in(page, world.stack, "clerk")
    cum_2 = scenario.cluster_id("cum-2")  # its 2018 pledge is drafted and adopted in the demo data
    page.goto(f"{world.stack.web_url}/documents/new/pledge?cluster_id={cum_2}&year=2018")
    expect(page.get_by_role("heading", level=1)).to_have_text("Soạn giao ước thi đua")
    expect(page.locator("#missing").get_by_role("link", name="Chỉ tiêu đăng ký")).to_be_visible()
    page.locator("#f-targets\\.0\\.content").fill("Giảm 5% số vụ cháy so với năm 2017")
    page.get_by_role("button", name="Cập nhật dự thảo").click()
    expect(page.locator("#missing")).not_to_contain_text("Chỉ tiêu đăng ký")
    # The unit of measure and the plan of the first target are named missing, in Vietnamese.
    expect(page.locator("#missing")).to_contain_text("Chỉ tiêu 1: đơn vị tính")
    expect(page.locator("#f-targets\\.0\\.content")).to_have_value("Giảm 5% số vụ cháy so với năm 2017")
    page.locator("#f-targets\\.0\\.unit").fill("%")
    page.locator("#f-targets\\.0\\.plan").fill("Tuyên truyền phòng cháy đến từng khu dân cư")
    page.locator("#f-targets\\.1\\.content").fill("Hoàn thành 100% kế hoạch kiểm tra an toàn")
    page.locator("#f-targets\\.1\\.unit").fill("%")
    page.locator("#f-targets\\.1\\.plan").fill("Kiểm tra theo kế hoạch quý")
    page.get_by_role("button", name="Cập nhật dự thảo").click()
    expect(page.locator("#missing")).not_to_contain_text("Chỉ tiêu")
    expect(page.locator("#f-targets\\.1\\.plan")).to_have_value("Kiểm tra theo kế hoạch quý")
    expect(page.get_by_role("group", name="Chỉ tiêu đăng ký: dòng 3")).to_be_visible()  # a blank row for the next
    preview = page.locator("iframe.pdf-frame").get_attribute("src")
    assert preview and "targets.1.plan=" in preview
