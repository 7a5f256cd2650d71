"""Journeys through the web workplace in a real browser, against real services."""

import re

from playwright.sync_api import Page, expect

from tests.web.conftest import Stack


def test_a_clerk_finds_cluster_4_and_sees_its_2019_year(signed_in, stack: Stack) -> None:  # type: ignore[no-untyped-def]
    page: Page = signed_in("clerk")
    expect(page.locator(".who")).to_contain_text("Thư ký Cụm thi đua")
    page.get_by_label(re.compile("Đơn vị, cụm thi đua")).fill("cum 4")  # without diacritics
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.get_by_role("link", name="Cụm thi đua số 4").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cụm thi đua số 4")
    page.get_by_role("link", name="Năm 2019", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cụm thi đua số 4: năm 2019")
    # The ledger names no leader for 2019 itself, and the year-end review elected 2020's.
    expect(page.locator("#leader")).to_have_text("chưa ghi nhận")
    expect(page.locator("#leader-elected")).to_have_text("Phòng Tổ chức cán bộ")
    expect(page.locator("#flag-holder")).to_have_text("Phòng Công tác chính trị")
    expect(page.get_by_role("link", name="Thanh tra CATP")).to_be_visible()
    page.get_by_role("link", name="Năm 2020 ›").click()
    expect(page.locator("#leader")).to_have_text("Phòng Tổ chức cán bộ")
