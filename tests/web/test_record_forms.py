"""The record forms in a real browser, on the shared demo stack: these tests record nothing
(every submit here is refused, or only redraws the form)."""

import re

from playwright.sync_api import Page, expect
from thidua_events.rules_vi import RULES_VI
from thidua_web.forms import NEW_ID_FIELDS
from thidua_web.pages.record import recordable

from tests.web.conftest import SCREENSHOTS, Stack
from tests.web.record_helpers import field, fill, open_form

UNLABELLED = """() => [...document.querySelectorAll('main input, main select, main textarea')]
  .filter(e => e.type !== 'hidden' && (!e.labels || e.labels.length === 0 || !e.labels[0].innerText.trim()))
  .map(e => e.name)"""


def _cluster_4_2019(page: Page, stack: Stack) -> str:
    page.goto(f"{stack.web_url}/search?q=cum+4")
    page.get_by_role("link", name="Cụm thi đua số 4").click()
    return page.url.rsplit("/", 1)[1]


def test_record_lists_every_fact_kind_in_groups_by_its_vietnamese_name(signed_in, stack: Stack) -> None:  # type: ignore[no-untyped-def]
    page: Page = signed_in("clerk")
    page.get_by_role("link", name="Ghi nhận", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ghi nhận sự kiện")
    expect(page.get_by_role("heading", name="Năm thi đua", level=2)).to_be_visible()
    links = page.locator("ul.record-kinds a")
    expect(links).to_have_count(len(recordable()))
    expect(page.get_by_role("link", name="Bàn giao cờ luân lưu")).to_be_visible()


def test_every_form_labels_every_input_and_types_no_id_the_ledger_makes(signed_in, stack: Stack) -> None:  # type: ignore[no-untyped-def]
    page: Page = signed_in("clerk")
    for kind in recordable():
        page.goto(f"{stack.web_url}/record/{kind.type_name()}")
        expect(page.get_by_role("heading", level=1)).to_have_text(kind.title_vi)
        assert page.evaluate(UNLABELLED) == [], kind.type_name()
        if (made := NEW_ID_FIELDS.get(kind.type_name())) is not None:
            expect(page.locator(f"[name={made}]")).to_have_count(0)
    # Units are picked by name from the ledger's list, never typed as ids.
    open_form(page, stack, "ScoreRecorded")
    expect(field(page, "Đơn vị").locator("option", has_text="Phòng Tổ chức cán bộ")).to_have_count(1)


def test_the_cluster_year_page_opens_the_forms_with_its_cluster_and_year(signed_in, stack: Stack) -> None:  # type: ignore[no-untyped-def]
    page: Page = signed_in("clerk")
    _cluster_4_2019(page, stack)
    page.get_by_role("link", name="Năm 2019", exact=True).click()
    page.get_by_role("link", name="Ghi nhận sự kiện của năm này").click()
    page.get_by_role("link", name="Bỏ phiếu kín").click()
    expect(field(page, "Cụm thi đua").locator("option:checked")).to_have_text("Cụm thi đua số 4")
    expect(field(page, "Năm thi đua")).to_have_value("2019")


def test_a_date_that_is_no_day_stays_in_the_form_with_its_error(signed_in, stack: Stack) -> None:  # type: ignore[no-untyped-def]
    page: Page = signed_in("clerk")
    open_form(page, stack, "DrivesCounted")
    fill(page, {"Ngày hiệu lực": "31/02/2019", "Cụm thi đua": "Cụm thi đua số 4", "Năm thi đua": "2019",
                "Số đợt thi đua": "4"})
    page.get_by_role("button", name="Ghi nhận", exact=True).click()
    expect(page.locator("#f-effective_date-error")).to_contain_text("ví dụ 14/11/2019")
    expect(field(page, "Ngày hiệu lực")).to_have_value("31/02/2019")
    expect(field(page, "Ngày hiệu lực")).to_have_attribute("aria-invalid", "true")
    expect(field(page, "Số đợt thi đua")).to_have_value("4")


def test_a_value_the_ledger_refuses_is_shown_beside_its_field(signed_in, stack: Stack) -> None:  # type: ignore[no-untyped-def]
    page: Page = signed_in("clerk")
    open_form(page, stack, "DrivesCounted")
    fill(page, {"Ngày hiệu lực": "14/11/2019", "Cụm thi đua": "Cụm thi đua số 4", "Năm thi đua": "2019",
                "Số đợt thi đua": "21"})  # the near miss of the largest count, 20
    page.get_by_role("button", name="Ghi nhận", exact=True).click()
    expect(page.locator("#f-count-error")).to_have_text("Không được quá 20.")
    expect(field(page, "Số đợt thi đua")).to_have_value("21")
    expect(field(page, "Cụm thi đua").locator("option:checked")).to_have_text("Cụm thi đua số 4")


def test_a_broken_rule_is_named_in_vietnamese_at_the_top_and_the_input_stays(signed_in, stack: Stack) -> None:  # type: ignore[no-untyped-def]
    page: Page = signed_in("clerk")
    open_form(page, stack, "YearOpened")
    fill(page, {"Ngày hiệu lực": "02/01/2019", "Cụm thi đua": "Cụm thi đua số 4", "Năm thi đua": "2019",
                "Phong trào thi đua": "Vì an ninh Tổ quốc"})
    page.get_by_role("button", name="Ghi nhận", exact=True).click()
    expect(page.locator("#refusal")).to_contain_text(RULES_VI["open-year-once"])
    expect(page.locator("#refusal")).to_contain_text("open-year-once")
    expect(field(page, "Phong trào thi đua")).to_have_value("Vì an ninh Tổ quốc")
    expect(field(page, "Ngày hiệu lực")).to_have_value("02/01/2019")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "record_form_refused_with_the_rule.png"), full_page=True)


def test_adding_a_row_redraws_the_form_and_records_nothing(signed_in, stack: Stack) -> None:  # type: ignore[no-untyped-def]
    page: Page = signed_in("clerk")
    open_form(page, stack, "AwardProposed")
    expect(page.locator("fieldset.row")).to_have_count(1)
    fill(page, {"#f-recipients-0-kind": "Cá nhân", "#f-recipients-0-achievement": "Thành tích xuất sắc"})
    page.get_by_role("button", name=re.compile("Thêm dòng")).click()
    expect(page.locator("fieldset.row")).to_have_count(3)  # the filled row, the empty one, the one added
    expect(page.locator("#f-recipients-0-achievement")).to_have_value("Thành tích xuất sắc")
    expect(page.locator("#refusal")).to_have_count(0)


def test_a_form_fits_a_phone_and_its_fields_are_reached_by_keyboard(signed_in, stack: Stack) -> None:  # type: ignore[no-untyped-def]
    page: Page = signed_in("clerk")
    page.set_viewport_size({"width": 390, "height": 844})
    open_form(page, stack, "AwardConferred")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    field(page, "Ngày hiệu lực").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "date_precision"


def test_a_check_between_fields_is_shown_beside_its_field_in_vietnamese(signed_in, stack: Stack) -> None:  # type: ignore[no-untyped-def]
    page: Page = signed_in("clerk")
    open_form(page, stack, "BallotHeld")
    fill(page, {"Ngày hiệu lực": "14/11/2019", "Cụm thi đua": "Cụm thi đua số 4", "Năm thi đua": "2019",
                "Nội dung bỏ phiếu": "Cờ thi đua", "Số phiếu phát ra": "10", "Số phiếu thu về": "8",
                "Số phiếu hợp lệ": "9"})  # one more valid ballot than returned
    page.get_by_role("button", name="Ghi nhận", exact=True).click()
    expect(page.locator("#f-valid-error")).to_have_text(
        "Số phiếu phải thỏa: hợp lệ ≤ thu về ≤ phát ra (đang nhập 9, 8, 10).")
    expect(field(page, "Số phiếu hợp lệ")).to_have_value("9")
