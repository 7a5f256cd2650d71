"""The auditor's journeys in a real browser: what changed between two moments (exactly the
correction), its fact's history back to the original, verify with progress on an intact ledger
and on one with a row edited directly in SQLite, replay compared with the live state."""

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.web.audit_stack import Scored, scored_stack, signed_in_as_auditor  # noqa: F401 (a fixture)
from tests.web.conftest import Stack, sign_in, start_stack


def test_the_diff_lists_exactly_the_correction_and_links_its_fact(page: Page, scored: Scored) -> None:
    signed_in_as_auditor(page, scored)
    page.goto(f"{scored.stack.web_url}/audit/changes")
    page.get_by_label(re.compile("Cụm thi đua")).select_option(label="Cụm thi đua số 4")
    page.get_by_label("Năm").fill("2019")
    page.get_by_label("Từ vị trí").fill(str(scored.before))
    page.get_by_label(re.compile("Đến vị trí")).fill(str(scored.corrected))
    page.get_by_role("button", name="So sánh").click()
    rows = page.locator("table.changes tbody tr")
    expect(rows).to_have_count(3)  # the score, and the two units' places in the standings
    texts = rows.all_inner_texts()
    assert all(scored.correction_id in t for t in texts), texts
    score_row = next(t for t in texts if t.startswith("Điểm"))
    assert re.search(r"· 1\s+50\s+58", score_row), score_row
    assert sum(t.startswith("Xếp hạng") for t in texts) == 2
    # The near miss: a window ending just before the correction lists nothing.
    page.get_by_label(re.compile("Đến vị trí")).fill(str(scored.before))
    page.get_by_role("button", name="So sánh").click()
    expect(page.get_by_text("0 thay đổi")).to_be_visible()
    page.go_back()
    # The change's link leads to the fact, which leads back to the original it corrects.
    page.get_by_role("link", name=scored.correction_id).first.click()
    correction = page.locator(f"tr[id='{scored.correction_id}']")
    expect(correction).to_contain_text("ScoreCorrected")
    expect(correction).to_contain_text("Cộng nhầm điểm tiêu chí 1")
    expect(correction).to_contain_text("(Thư ký)")  # who recorded it, in what role
    original = page.locator("tr.superseded", has_text="ScoreRecorded")
    expect(original).to_have_count(1)
    expect(original).to_contain_text(f"được thay bằng {scored.correction_id}")


def _verify(page: Page, stack: Stack) -> None:
    page.goto(f"{stack.web_url}/audit/verify")
    page.get_by_role("button", name="Bắt đầu kiểm tra").click()
    expect(page.locator("#verdict")).to_be_visible(timeout=30_000)


def test_verify_on_an_intact_ledger_reports_intact(page: Page, scored: Scored) -> None:
    signed_in_as_auditor(page, scored)
    _verify(page, scored.stack)
    expect(page.locator("#verdict")).to_contain_text("Chuỗi nguyên vẹn")
    expect(page.locator("#job-bar")).to_have_attribute("value", re.compile(r"[1-9]\d*"))


@pytest.fixture(scope="module")
def tampered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A ledger of its own, one of whose stored events is then edited directly in SQLite."""
    stack = start_stack(tmp_path_factory.mktemp("tampered"))
    try:
        with sqlite3.connect(Path(stack.home) / "ledger.sqlite") as db:
            db.execute("UPDATE stored_events SET state = CAST(? AS BLOB) WHERE rowid = 7", ('{"forged":true}',))
        yield stack
    finally:
        stack.stop()


def test_verify_on_a_ledger_edited_in_the_database_shows_the_altered_position(page: Page, tampered: Stack) -> None:
    sign_in(page, tampered, "auditor")
    _verify(page, tampered)
    expect(page.locator("#verdict")).to_contain_text("sửa đổi")
    expect(page.locator("#finding-position")).to_have_text("7")


def test_replay_of_the_whole_ledger_matches_the_live_state(page: Page, scored: Scored) -> None:
    signed_in_as_auditor(page, scored)
    page.goto(f"{scored.stack.web_url}/audit/replay")
    page.get_by_role("button", name="Bắt đầu dựng lại").click()
    expect(page.locator("#verdict")).to_contain_text("Khớp với trạng thái đang phục vụ", timeout=60_000)
