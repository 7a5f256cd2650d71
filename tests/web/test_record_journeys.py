"""Journeys through the record and correction forms in a real browser, against real services
(a stack of this module's own: these tests record facts)."""

import io
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from docx import Document
from playwright.sync_api import Page, expect

from tests.web.conftest import SCREENSHOTS, Stack, sign_in, start_stack
from tests.web.record_helpers import CATP, LedgerApi, field, fill, open_form, record, standings_order


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(Path(tmp_path_factory.mktemp("record-journeys")))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def api(own_stack: Stack) -> Iterator[LedgerApi]:
    ledger = LedgerApi(own_stack)
    yield ledger
    ledger.http.close()


@pytest.fixture
def clerk(page: Page, own_stack: Stack) -> Page:
    page.set_default_timeout(10_000)
    sign_in(page, own_stack, "clerk")
    return page


def test_a_clerk_runs_a_year_through_the_forms(clerk: Page, own_stack: Stack, api: LedgerApi) -> None:
    page, stack = clerk, own_stack
    page.get_by_role("link", name="Ghi nhận", exact=True).click()
    page.get_by_role("link", name="Đăng ký đơn vị").click()
    units = ["Phòng Thử nghiệm Một", "Phòng Thử nghiệm Hai", "Phòng Thử nghiệm Ba"]
    for name in units:
        open_form(page, stack, "UnitRegistered")
        record(page, {"Ngày hiệu lực": "02/01/2024", "Tên đơn vị": name, "Cơ quan": CATP})
    open_form(page, stack, "ClusterFormed")
    cluster_id = record(page, {"Ngày hiệu lực": "02/01/2024", "Tên cụm thi đua": "Cụm thi đua thử nghiệm",
                               "Cơ quan": CATP})["cluster_id"]
    for name in units:
        open_form(page, stack, "UnitJoined", cluster_id=cluster_id)
        record(page, {"Ngày hiệu lực": "03/01/2024", "Đơn vị": name})
    open_form(page, stack, "YearOpened", cluster_id=cluster_id)
    record(page, {"Ngày hiệu lực": "03/01/2024", "Năm thi đua": "2024", "Phong trào thi đua": "Vì an ninh Tổ quốc",
                  "Cụm trưởng": units[0], "Cụm phó": units[1]})

    # From the cluster-year page, the forms come with the cluster and the year filled in.
    page.get_by_role("link", name="Xem năm thi đua 2024 của cụm").click()
    page.get_by_role("link", name="Ghi nhận sự kiện của năm này").click()
    page.get_by_role("link", name="Thông qua tiêu chí, thang điểm").click()
    expect(field(page, "Năm thi đua")).to_have_value("2024")
    page.locator("#f-criteria-0-code").fill("1")
    page.locator("#f-criteria-0-title").fill("Xây dựng lực lượng")
    page.locator("#f-criteria-0-max_points").fill("50")
    page.get_by_role("button", name=re.compile("Thêm dòng: tiêu chí, thang điểm")).first.click()
    expect(page.locator("#f-criteria-0-title")).to_have_value("Xây dựng lực lượng")  # kept, nothing recorded
    record(page, {"Ngày hiệu lực": "10/01/2024", "#f-criteria-1-code": "2",
                  "#f-criteria-1-title": "Công tác chuyên môn", "#f-criteria-1-max_points": "50"})

    scores = [(units[0], "Tự chấm", None, "45"), (units[1], "Tự chấm", None, "40,5"),
              (units[0], "Chấm chéo", units[1], "44")]
    for unit, kind, by, points in scores:
        open_form(page, stack, "ScoreRecorded", cluster_id=cluster_id, year="2024")
        values = {"Ngày hiệu lực": "30/10/2024", "Đơn vị": unit, "Số điểm": points, "Hình thức chấm": kind,
                  "Mã tiêu chí": "1. Xây dựng lực lượng (tối đa 50 điểm)"}
        record(page, values | ({"Đơn vị chấm chéo": by} if by else {}))

    open_form(page, stack, "YearEndReviewHeld", cluster_id=cluster_id, year="2024")
    record(page, {"Ngày hiệu lực": "14/11/2024", "Địa điểm": "Hội trường Công an thành phố",
                  "Chủ trì": "Đại diện đơn vị cụm trưởng"})
    open_form(page, stack, "BallotHeld", cluster_id=cluster_id, year="2024")
    page.get_by_role("button", name=re.compile("Thêm dòng: số phiếu")).click()
    record(page, {"Ngày hiệu lực": "14/11/2024", "Nội dung bỏ phiếu": "Suy tôn đơn vị dẫn đầu cụm",
                  "Số phiếu phát ra": "3", "Số phiếu thu về": "3", "Số phiếu hợp lệ": "3",
                  "#f-votes-0-unit_id": units[0], "#f-votes-0-votes": "3",
                  "#f-votes-1-unit_id": units[1], "#f-votes-1-votes": "1"})
    open_form(page, stack, "UnitsHonoured", cluster_id=cluster_id, year="2024")
    record(page, {"Ngày hiệu lực": "14/11/2024", "Danh hiệu suy tôn": "Đơn vị dẫn đầu Cụm thi đua",
                  "Đơn vị được suy tôn": [units[0]], "Cuộc bỏ phiếu": "Suy tôn đơn vị dẫn đầu cụm (14/11/2024)"})
    open_form(page, stack, "RotatingFlagHandedOver", cluster_id=cluster_id, year="2024")
    record(page, {"Ngày hiệu lực": "14/11/2024", "Đơn vị trao cờ": units[0], "Đơn vị nhận cờ": units[1]})
    open_form(page, stack, "LeadershipElected", cluster_id=cluster_id, year="2024")
    record(page, {"Ngày hiệu lực": "14/11/2024", "Bầu cho năm": "2025", "Cụm trưởng năm sau": units[1],
                  "Cụm phó năm sau": units[2]})

    open_form(page, stack, "AwardKindRegistered")
    record(page, {"Ngày hiệu lực": "02/01/2024", "Cơ quan": CATP,
                  "Tên hình thức khen thưởng": "Giấy khen thử nghiệm của Giám đốc CATP",
                  "Mức khen thưởng": "Giấy khen"})
    open_form(page, stack, "AwardProposed", cluster_id=cluster_id)
    proposed = {"Ngày hiệu lực": "20/11/2024", "Cơ quan": CATP, "Năm thi đua": "2024",
                "Hình thức khen thưởng": "Giấy khen thử nghiệm của Giám đốc CATP", "Đơn vị đề nghị": units[1],
                "#f-recipients-0-kind": "Tập thể", "#f-recipients-0-unit_id": units[0],
                "#f-recipients-0-achievement": "Dẫn đầu cụm thi đua năm 2024"}
    proposal_id = record(page, proposed)["proposal_id"]

    page.goto(f"{stack.web_url}/clusters/{cluster_id}/years/2024")
    expect(page.locator("#leader")).to_have_text(units[0])
    expect(page.locator("#leader-elected")).to_have_text(units[1])
    expect(page.locator("#deputy-elected")).to_have_text(units[2])
    expect(page.locator("#flag-holder")).to_have_text(units[1])
    assert standings_order(page) == [units[0], units[1]]  # 45 and 44 against 40,5
    expect(page.locator("section[aria-labelledby=ballots]")).to_contain_text("Đơn vị dẫn đầu Cụm thi đua")

    # The decree, drafted from the proposal, issued and downloaded: the journey's end.
    decree = issue_the_decree(page, stack, api, proposal_id)
    assert units[0] in decree and "Dẫn đầu cụm thi đua năm 2024" in decree and "DỰ THẢO" not in decree


def test_a_mistake_is_refused_with_the_rule_in_vietnamese_and_the_input_kept(clerk: Page, own_stack: Stack,
                                                                              api: LedgerApi) -> None:
    setup = api.year_with_units("Cụm thi đua kiểm tra lỗi", 2023, ["Đơn vị Lỗi Một", "Đơn vị Lỗi Hai"], max_points=50)
    open_form(clerk, own_stack, "ScoreRecorded", cluster_id=setup["cluster_id"], year="2023")
    values = {"Ngày hiệu lực": "30/06/2023", "Đơn vị": "Đơn vị Lỗi Một",
              "Mã tiêu chí": "1. Công tác chuyên môn (tối đa 50 điểm)", "Số điểm": "50,5", "Hình thức chấm": "Tự chấm"}
    fill(clerk, values)
    clerk.get_by_role("button", name="Ghi nhận", exact=True).click()
    refusal = clerk.locator("#refusal")
    expect(refusal).to_contain_text("Số điểm vượt quá điểm tối đa của tiêu chí.")
    expect(refusal).to_contain_text("score-within-maximum")
    expect(field(clerk, "Số điểm")).to_have_value("50,5")
    expect(field(clerk, "Đơn vị").locator("option:checked")).to_have_text("Đơn vị Lỗi Một")
    expect(field(clerk, "Ngày hiệu lực")).to_have_value("30/06/2023")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    clerk.screenshot(path=str(SCREENSHOTS / "record_journey_refused_score.png"), full_page=True)
    # The near miss: the maximum itself is recorded.
    record(clerk, {"Số điểm": "50"})


def test_a_correction_with_a_reason_changes_the_standings(clerk: Page, own_stack: Stack, api: LedgerApi) -> None:
    setup = api.year_with_units("Cụm thi đua kiểm tra đính chính", 2022, ["Đơn vị Sửa Một", "Đơn vị Sửa Hai"])
    api.score(setup, "Đơn vị Sửa Một", "80")  # the year's 3rd fact
    api.score(setup, "Đơn vị Sửa Hai", "70")
    page = clerk
    page.goto(f"{own_stack.web_url}/clusters/{setup['cluster_id']}/years/2022")
    assert standings_order(page) == ["Đơn vị Sửa Một", "Đơn vị Sửa Hai"]
    page.get_by_role("link", name="Các sự kiện đã ghi (sửa, hủy)").click()
    page.get_by_role("link", name="Sửa: Chấm điểm, sự kiện số 3").click()
    expect(field(page, "Số điểm")).to_have_value("80")
    field(page, "Số điểm").fill("60")
    page.get_by_role("button", name="Xem trước thay đổi").click()
    expect(page.locator("#f_reason-error")).to_have_text("Hãy nêu lý do.")  # no reason, no correction
    expect(field(page, "Số điểm")).to_have_value("60")
    field(page, "Lý do").fill("Chấm nhầm: biên bản kiểm tra ghi 60 điểm")
    page.get_by_role("button", name="Xem trước thay đổi").click()
    changed = page.locator("tr.changed")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text("Số điểm")
    expect(changed.locator("td").nth(0)).to_have_text("80")
    expect(changed.locator("td").nth(1)).to_contain_text("60")
    page.get_by_role("button", name="Ghi nhận đính chính").click()
    expect(page.locator("#done")).to_contain_text("Đã ghi nhận đính chính")
    expect(page.locator("#fact-5")).to_contain_text("Chấm nhầm: biên bản kiểm tra ghi 60 điểm")
    expect(page.locator("#fact-3")).to_contain_text("Đã được thay bởi")
    page.goto(f"{own_stack.web_url}/clusters/{setup['cluster_id']}/years/2022")
    assert standings_order(page) == ["Đơn vị Sửa Hai", "Đơn vị Sửa Một"]


def test_a_retraction_asks_why_and_leaves_the_fact_out(clerk: Page, own_stack: Stack, api: LedgerApi) -> None:
    setup = api.year_with_units("Cụm thi đua kiểm tra hủy", 2021, ["Đơn vị Hủy Một", "Đơn vị Hủy Hai"])
    api.score(setup, "Đơn vị Hủy Một", "80")
    api.score(setup, "Đơn vị Hủy Hai", "70")
    page = clerk
    page.goto(f"{own_stack.web_url}/clusters/{setup['cluster_id']}/years/2021/events")
    expect(page.get_by_role("link", name="Hủy: Mở năm thi đua, sự kiện số 1")).to_have_count(0)  # the first fact
    page.get_by_role("link", name="Hủy: Chấm điểm, sự kiện số 3").click()
    expect(page.locator("dl.fields")).to_contain_text("Đơn vị Hủy Một")
    page.get_by_role("button", name="Hủy sự kiện này").click()
    expect(page.locator("#f_reason-error")).to_have_text("Hãy nêu lý do.")
    field(page, "Lý do").fill("Ghi nhầm đơn vị")
    page.get_by_role("button", name="Hủy sự kiện này").click()
    expect(page.locator("#done")).to_contain_text("Đã hủy bỏ sự kiện")
    page.goto(f"{own_stack.web_url}/clusters/{setup['cluster_id']}/years/2021")
    assert standings_order(page) == ["Đơn vị Hủy Hai"]


def test_a_form_sent_twice_records_once(clerk: Page, own_stack: Stack) -> None:
    open_form(clerk, own_stack, "UnitRegistered")
    fill(clerk, {"Ngày hiệu lực": "02/01/2024", "Tên đơn vị": "Phòng Gửi Hai Lần", "Cơ quan": CATP})
    sent = {name: clerk.locator(f"form.fact-form [name={name}]").first.input_value()
            for name in ("csrf_token", "_key", "effective_date", "date_precision", "name", "authority_id")}
    answers = [clerk.request.post(f"{own_stack.web_url}/record/UnitRegistered", form=sent, max_redirects=0)
               for _ in range(2)]  # a double click: the same rendering of the form, twice
    assert [a.status for a in answers] == [303, 303]
    assert answers[0].headers["location"] == answers[1].headers["location"]
    clerk.goto(f"{own_stack.web_url}/search?q=Phòng Gửi Hai Lần")
    expect(clerk.get_by_role("link", name="Phòng Gửi Hai Lần")).to_have_count(1)


def issue_the_decree(page: Page, stack: Stack, api: LedgerApi, proposal_id: str) -> str:
    """Draft the decree of a proposal in the browser, fill in what it lacks, issue it and
    download the .docx; its text. (The issuing body and the legal basis are the documents
    service's set-up, registered through its API: no clerk form of this issue's.)"""
    with httpx.Client(base_url=stack.documents_url, timeout=60,
                      headers={"Authorization": api.http.headers["Authorization"]}) as docs:
        body = docs.post("/documents/issuing-bodies", json={"kind": "authority", "id": api.catp, "series": "common"})
        assert body.status_code in (201, 409), body.text
        basis = docs.post("/documents/legal-instruments", json={
            "title": "Thông tư", "number": "12/2019/TT-BCA", "issued_on": "2019-05-29",
            "about": "của Bộ trưởng Bộ Công an quy định công tác thi đua, khen thưởng trong Công an nhân dân"})
        assert basis.status_code in (201, 409), basis.text
        head = int(api.http.get("/health").json()["position"])
        deadline = time.monotonic() + 60
        while int(docs.get("/projection").json()["position"]) < head:
            assert time.monotonic() < deadline, "the documents service did not catch up with the ledger"
            time.sleep(0.2)
    page.goto(f"{stack.web_url}/documents/new/decree?proposal_id={proposal_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Soạn quyết định khen thưởng")
    page.get_by_label("Người ký", exact=True).fill("Thiếu tướng Đoàn Ngọc Hùng")
    page.get_by_label(re.compile("^Chức danh người ký")).fill("KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC")
    page.get_by_label("Xét đề nghị của").fill("Cụm trưởng Cụm thi đua thử nghiệm")
    page.get_by_label(re.compile("Thông tư số 12/2019/TT-BCA")).check()
    page.get_by_label(re.compile("^Tiền thưởng")).fill("Tiền thưởng theo quy định hiện hành.")
    page.get_by_label(re.compile("^Nơi thi hành")).fill("Chánh Văn phòng và các đơn vị có tên tại Điều 1")
    page.get_by_label(re.compile("^Ngày ký")).fill("20/12/2024")
    page.get_by_role("button", name="Cập nhật dự thảo").click()
    expect(page.locator("#missing")).to_have_text("Không còn thiếu nội dung nào: có thể ban hành.")
    page.get_by_role("button", name="Ban hành").click()
    expect(page.locator("#number")).to_contain_text("/QĐ-", timeout=120_000)
    number = page.locator("#number").inner_text().strip()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải bản .docx").click()
    docx = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join([p.text for p in docx.paragraphs] + [c.text for t in docx.tables for r in t.rows
                                                          for c in r.cells])
    assert f"Số: {number}" in text
    return text
