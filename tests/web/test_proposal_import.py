"""An import with one bad row records nothing until it is fixed: then the proposal is
recorded once, through the ledger's API, and can be drafted from."""

import re
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.web.conftest import sign_in
from tests.web.docs_world import PERSON, World
from tests.web.sheet_factory import sheet

GOOD = [("Tập thể", "Phòng Tài chính", "Hoàn thành xuất sắc nhiệm vụ"), ("Cá nhân", PERSON, None)]


def head(world: World) -> int:
    with world.ledger() as ledger:
        return int(ledger.get("/log", params={"limit": 1}).json()["head"])


def events_after(world: World, position: int) -> list[dict[str, object]]:
    with world.ledger() as ledger:
        return list(ledger.get("/log", params={"after": position}).json()["events"])


def upload(page: Page, path: Path) -> None:
    page.get_by_label("Tệp danh sách").set_input_files(str(path))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_url(re.compile(r".*/proposals/import/[\w-]+$"))
    expect(page.locator("#verdict, #recorded")).to_be_visible(timeout=30_000)


def test_an_import_with_one_bad_row_records_nothing_until_it_is_fixed(page: Page, world: World,
                                                                      tmp_path: Path) -> None:
    bad, fixed = tmp_path / "danh-sach.xlsx", tmp_path / "danh-sach-da-sua.xlsx"
    bad.write_bytes(sheet([*GOOD, ("Tập thể", "Phòng Không Có Thật", None)]))
    fixed.write_bytes(sheet(GOOD))
    before = head(world)

    sign_in(page, world.stack, "clerk")
    page.goto(world.stack.web_url + "/proposals/import")
    page.get_by_label("Cơ quan nhận tờ trình").select_option(label="Công an thành phố Hà Nội")
    page.get_by_label(re.compile("^Cụm thi đua")).select_option(label="Cụm thi đua số 4")
    upload(page, bad)
    expect(page.locator("#verdict")).to_contain_text("Danh sách có 1 lỗi. Chưa ghi nhận gì")
    expect(page.locator("#rows tr.row-error")).to_have_count(1)
    expect(page.locator("#rows tr.row-error")).to_contain_text(
        "Dòng 9: không có đơn vị “Phòng Không Có Thật” trong sổ cái.")
    expect(page.get_by_role("button", name="Ghi nhận đề nghị")).to_have_count(0)
    assert head(world) == before  # nothing recorded

    upload(page, fixed)  # the re-upload form keeps the authority and the cluster
    expect(page.locator("#verdict")).to_contain_text("Danh sách không có lỗi: 2 đối tượng")
    assert head(world) == before
    page.get_by_role("button", name="Ghi nhận đề nghị").click()
    expect(page.locator("#recorded")).to_contain_text("Đã ghi nhận đề nghị khen thưởng")

    recorded = [e for e in events_after(world, before) if e["type"] == "AwardProposed"]
    assert len(recorded) == 1
    proposal_id = str(recorded[0]["entity_id"])
    with world.ledger() as ledger:
        fact = ledger.get(f"/entities/{proposal_id}/events").json()[0]["data"]
    assert fact["effective_date"] == "2019-11-20" and fact["year"] == 2019
    assert [r["kind"] for r in fact["recipients"]] == ["collective", "individual"]
    assert fact["recipients"][1]["person_id"] == world.person_id

    # Pressing again (a double click, a resent form) records nothing more: the Idempotency-Key.
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value")
    again = page.request.post(page.url + "/record", form={"csrf_token": str(csrf)})
    assert again.ok
    assert len([e for e in events_after(world, before) if e["type"] == "AwardProposed"]) == 1

    page.get_by_role("link", name="Soạn quyết định khen thưởng").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Soạn quyết định khen thưởng")


def test_a_file_that_is_not_a_sheet_is_named_as_such(page: Page, world: World, tmp_path: Path) -> None:
    text = tmp_path / "ghi-chu.xlsx"
    text.write_text("không phải bảng tính")
    sign_in(page, world.stack, "clerk")
    page.goto(world.stack.web_url + "/proposals/import")
    page.get_by_label("Cơ quan nhận tờ trình").select_option(label="Công an thành phố Hà Nội")
    upload(page, text)
    expect(page.locator("#header-errors")).to_contain_text("Tệp không phải bảng tính .xlsx")


def test_an_import_asks_a_signed_out_browser_to_sign_in(world: World) -> None:
    with httpx.Client(base_url=world.stack.web_url) as anonymous:
        assert anonymous.get("/proposals/import/anything", follow_redirects=False).status_code == 303
