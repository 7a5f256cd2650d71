"""The clock bar on every page: an auditor moves "known at" to before a correction and sees
the old score and ranking, moves it back and sees the new; links keep the clocks."""

import re

from playwright.sync_api import Locator, Page, expect

from tests.web.audit_stack import Scored, scored_stack, signed_in_as_auditor  # noqa: F401 (a fixture)


def _row(page: Page, name: str) -> Locator:
    return page.locator("#standings-table tbody tr", has=page.get_by_role("rowheader", name=name))


def test_known_at_before_a_correction_shows_the_old_score_and_ranking(page: Page, scored: Scored) -> None:
    signed_in_as_auditor(page, scored)
    page.goto(f"{scored.stack.web_url}/stats/clusters/{scored.cluster_id}/years/2019")
    names = page.locator("#standings-table tbody th").all_inner_texts()
    first = next(n for n in names if n)  # ranked first now: the unit whose score was corrected up
    expect(page.locator("#standings-table tbody tr").first.locator(".total")).to_have_text("88")
    # Move the slider to the position just before the correction.
    page.get_by_label(re.compile("Theo sổ cái biết tại vị trí")).fill(str(scored.before))
    page.get_by_role("button", name="Xem tại vị trí").click()
    expect(page.locator(".clock-banner")).to_contain_text(f"vị trí {scored.before}")
    old = _row(page, first)
    expect(old.locator(".rank")).to_have_text("2")
    expect(old.locator(".points").first).to_have_text("50")
    expect(old.locator(".total")).to_have_text("80")
    # Links keep the clock.
    href = page.get_by_role("link", name=first).get_attribute("href")
    assert href is not None and f"known_at={scored.before}" in href
    # Back to the correction's position: the new score and ranking.
    page.get_by_label(re.compile("Theo sổ cái biết tại vị trí")).fill(str(scored.corrected))
    page.get_by_role("button", name="Xem tại vị trí").click()
    new = _row(page, first)
    expect(new.locator(".rank")).to_have_text("1")
    expect(new.locator(".points").first).to_have_text("58")
    expect(new.locator(".total")).to_have_text("88")


def test_the_clock_bar_is_on_every_page_and_names_both_clocks(page: Page, scored: Scored) -> None:
    signed_in_as_auditor(page, scored)
    page.goto(f"{scored.stack.web_url}/search")
    page.get_by_label("Đúng vào ngày").fill("2019-12-31")
    page.get_by_label("Theo sổ cái biết lúc").fill("2030-01-01T00:00:00")
    page.get_by_role("button", name="Xem", exact=True).click()
    banner = page.locator(".clock-banner")
    expect(banner).to_contain_text("31/12/2019")
    expect(banner).to_contain_text("01/01/2030")
    for path in ("/audit", "/stats", "/authorities"):
        page.goto(f"{scored.stack.web_url}{path}")
        expect(page.locator(".clock-bar")).to_be_visible()
