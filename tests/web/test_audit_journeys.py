"""The auditor's journeys in a real browser: what changed between two moments (exactly the
correction), its fact's history back to the original, verify with progress on an intact ledger
and on one with a row edited directly in SQLite, replay compared with the live state."""

import json
import os
import re
import secrets
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.web.audit_stack import Scored, scored_stack, signed_in_as_auditor  # noqa: F401 (a fixture)
from tests.web.conftest import BIN, CLERK, Stack, free_port, sign_in


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
def own_ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A ledger (with a digest signing key, as make run gives it) and the web workplace, of this
    module's own: its stored events are edited directly in SQLite by the tests below."""
    home = tmp_path_factory.mktemp("own-ledger")
    stack = Stack(home)
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LEDGER_", "DOCUMENTS_", "WEB_", "THIDUA_"))}
    for key in ("signing.key", "digest.key"):
        subprocess.run([str(BIN / "ledger"), "keys", "new", str(home / key)], check=True, capture_output=True,
                       env=base)
    env = {**base, "THIDUA_SIGNING_KEY_FILE": str(home / "signing.key"), "LEDGER_STORE": "sqlite",
           "LEDGER_SQLITE_PATH": str(home / "ledger.sqlite"), "LEDGER_TRUSTED_PROXIES": "127.0.0.1",
           "LEDGER_DIGEST_SIGNING_KEY_FILE": str(home / "digest.key")}
    loaded = subprocess.run([str(BIN / "ledger"), "load-demo", "--clerk", CLERK, "--accounts", str(home / "accounts")],
                            check=True, capture_output=True, text=True, env=env)
    for line in loaded.stdout.splitlines():
        if match := re.match(r"demo account\s+(\w+)\s+(.+?)\s+password: (\S+)$", line):
            stack.accounts[match[1]] = (match[2], match[3])
    ledger_port, web_port = free_port(), free_port()
    stack.ledger_url, stack.web_url = f"http://127.0.0.1:{ledger_port}", f"http://127.0.0.1:{web_port}"
    try:
        stack.start("ledger", ["ledger", "serve", "--port", str(ledger_port)], env, stack.ledger_url + "/health")
        stack.start("web", ["web", "serve", "--port", str(web_port)],
                    {**base, "WEB_LEDGER_URL": stack.ledger_url, "WEB_DOCUMENTS_URL": "http://127.0.0.1:9",
                     "WEB_SESSION_KEY": secrets.token_urlsafe(32)}, stack.web_url + "/sign-in")
        yield stack
    finally:
        stack.stop()


def _check_digest(page: Page, digest: Path) -> None:
    page.goto(page.url.split("/audit")[0] + "/audit/digest")
    page.get_by_label("Tệp bản tóm lược (.json)").set_input_files(str(digest))
    page.get_by_role("button", name="Kiểm tra").click()


def test_an_edited_row_is_named_by_verify_and_by_an_old_digest(page: Page, own_ledger: Stack,
                                                               tmp_path: Path) -> None:
    sign_in(page, own_ledger, "auditor")
    page.goto(f"{own_ledger.web_url}/audit/digest")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải bản tóm lược").click()
    digest = tmp_path / "digest.json"
    download.value.save_as(digest)
    assert json.loads(digest.read_text())["format"].startswith("thidua-ledger-digest/ed25519")
    _check_digest(page, digest)
    expect(page.locator("#verdict")).to_contain_text("không thay đổi")
    # A digest changed after signing is refused: the near miss of a real one.
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps({**json.loads(digest.read_text()), "position": 3}))
    _check_digest(page, forged)
    expect(page.get_by_role("alert")).to_contain_text("Bị từ chối")
    with sqlite3.connect(own_ledger.home / "ledger.sqlite") as db:  # one row, edited behind the ledger's back
        db.execute("UPDATE stored_events SET state = CAST(? AS BLOB) WHERE rowid = 7", ('{"forged":true}',))
    _check_digest(page, digest)
    expect(page.locator("#verdict")).to_contain_text("tại vị trí 7")
    _verify(page, own_ledger)
    expect(page.locator("#verdict")).to_contain_text("Sự kiện tại vị trí 7 đã bị sửa sau khi ghi")
    expect(page.locator("#verdict .detail")).to_contain_text("altered: the stored event differs")  # the ledger's own
    expect(page.locator("#finding-position")).to_have_text("7")
    expect(page.locator("#job-bar")).to_have_attribute("value", "6")  # checked up to the finding


def test_replay_of_the_whole_ledger_matches_the_live_state(page: Page, scored: Scored) -> None:
    signed_in_as_auditor(page, scored)
    page.goto(f"{scored.stack.web_url}/audit/replay")
    page.get_by_role("button", name="Bắt đầu dựng lại").click()
    expect(page.locator("#verdict")).to_contain_text("Khớp với trạng thái đang phục vụ", timeout=60_000)


def _recorded_at(scored: Scored, entity_id: str, position: int) -> str:
    events = httpx.get(f"{scored.stack.ledger_url}/entities/{entity_id}/events", headers=scored.auditor).json()
    return str(next(e["recorded_at"] for e in events if e["position"] == position))


def test_the_history_follows_a_known_at_moment_as_it_follows_a_position(page: Page, scored: Scored) -> None:
    signed_in_as_auditor(page, scored)
    entity_id = scored.correction_id.split(":")[0]
    corrected_at = datetime.fromisoformat(_recorded_at(scored, entity_id, scored.corrected))
    correction = page.locator(f"tr[id='{scored.correction_id}']")
    history = f"{scored.stack.web_url}/audit/history/{entity_id}"
    for clock in (f"known_at={scored.corrected}", "known_at_time=" + quote(corrected_at.isoformat())):
        page.goto(f"{history}?{clock}")
        expect(correction).to_have_count(1)
        expect(page.locator("tr.superseded", has_text="ScoreRecorded")).to_have_count(1)
    # The near miss: a microsecond before the correction was recorded, the ledger did not know it.
    just_before = corrected_at - timedelta(microseconds=1)
    page.goto(f"{history}?known_at_time=" + quote(just_before.isoformat()))
    expect(page.locator("table.history tbody tr").first).to_be_visible()
    expect(correction).to_have_count(0)
    expect(page.locator("tr.superseded")).to_have_count(0)  # the old score stands, as then
