"""An issued document's page, as an auditor checks it: its register entry and hashes, the
ledger position it was rendered from, its signature (none here: the stack has no body keys),
and "regenerate and compare"."""

import os
import re
import subprocess

import httpx
from playwright.sync_api import Page, expect

from tests.web.audit_stack import Scored, scored_stack, signed_in_as_auditor, token  # noqa: F401 (a fixture)
from tests.web.conftest import BIN


def test_an_issued_document_regenerates_identically_from_its_position(page: Page, scored: Scored) -> None:
    stack = scored.stack
    clerk = token(stack, "clerk")["Authorization"].removeprefix("Bearer ")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEDGER_", "DOCUMENTS_", "WEB_", "THIDUA_"))}
    issued = subprocess.run([str(BIN / "ledger"), "demo-documents", "--documents-url", stack.documents_url,
                             "--ledger-url", stack.ledger_url], env={**env, "THIDUA_DEMO_TOKEN": clerk},
                            capture_output=True, text=True, timeout=600)
    assert issued.returncode == 0, issued.stderr[-2000:]  # registers the demo's issuing bodies
    # Cụm 4's 2016 flag handover minutes, with the parts no article states given by the clerk.
    minutes = httpx.post(f"{stack.documents_url}/documents/clusters/{scored.cluster_id}/years/2016/"
                         "flag-handover-minutes", headers={"Authorization": f"Bearer {clerk}"}, timeout=120, json={
                             "giver_representative": "Đại tá Trần Văn Giao",
                             "receiver_representative": "Đại tá Phạm Văn Nhận", "ended_at": "11 giờ 45",
                             "venue": "Hội trường Công an tỉnh", "witness": "Đại tá Lê Văn Chứng"})
    assert minutes.status_code == 201, minutes.text
    signed_in_as_auditor(page, scored)
    page.goto(f"{stack.web_url}/audit/documents")
    page.get_by_role("link", name=minutes.json()["number"]).click()
    expect(page.locator("#sha256")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(page.locator("#rendered-from")).to_have_text(re.compile(r"^\d+$"))
    expect(page.locator("#signature")).to_contain_text("chưa được ký")
    page.get_by_role("button", name="Tạo lại và so sánh").click()
    expect(page.locator("#regenerated")).to_contain_text("cho đúng văn bản đã ban hành", timeout=60_000)
