"""Issuing many documents at once shows its progress, issues what is complete and lists what
the others lack, numbering nothing that is not issued."""

import re

from playwright.sync_api import Page, expect
from thidua_ledger import scenario

from tests.web.conftest import sign_in
from tests.web.docs_world import World

CUM_4 = str(scenario.cluster_id("cum-4"))


def test_a_clerk_issues_a_cluster_s_year_documents_in_one_go(page: Page, world: World) -> None:
    with world.documents() as docs:
        docs.post("/documents/issuing-bodies", json={"kind": "cluster", "id": CUM_4, "symbol": "CTĐ4",
                                                     "series": "per_type"})
        before = len(docs.get("/documents").json())
    sign_in(page, world.stack, "clerk")
    page.goto(f"{world.stack.web_url}/clusters/{CUM_4}/years/2016")
    page.get_by_role("link", name="Ban hành nhiều văn bản của cụm").click()
    page.get_by_label("Năm 2016").check()
    # What one handover conference gives every document that asks for it (test data: the article
    # names no representative).
    page.get_by_label("Đại diện đơn vị bàn giao cờ").fill("Đại tá Trần Văn Giao")
    page.get_by_label("Đại diện đơn vị nhận cờ").fill("Đại tá Phạm Văn Nhận")
    page.get_by_label("Giờ kết thúc").fill("11 giờ 45")
    page.get_by_label("Địa điểm", exact=True).fill("Hội trường")
    page.get_by_label("Người chứng kiến").fill("Thiếu tướng A")
    page.get_by_role("button", name="Ban hành").click()
    page.wait_for_url(re.compile(r".*/documents/batch/[\w-]+$"))
    expect(page.locator("#batch-summary")).to_be_visible(timeout=120_000)
    rows = page.locator("#batch tbody tr")
    expect(rows).to_have_count(5)
    texts = rows.all_inner_texts()
    issued = [t for t in texts if "Đã ban hành, số" in t]
    missing = [t for t in texts if "còn thiếu" in t]
    assert len(issued) + len(missing) == 5, texts
    assert [t.split("\t")[1] for t in issued] == ["Biên bản bàn giao Cờ luân lưu"]
    assert "/BB-CTĐ4" in issued[0]
    expect(page.locator("#batch-summary")).to_have_text(f"Đã ban hành {len(issued)}/5 văn bản.")
    with world.documents() as docs:
        assert len(docs.get("/documents").json()) == before + len(issued)  # the incomplete were not numbered
