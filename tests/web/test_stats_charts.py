"""Statistics in the browser: a chart's numbers equal its table's, and the table's equal the
ledger API's; the workbook export holds the same numbers."""

import io
import re

import httpx
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.web.audit_stack import Scored, scored_stack, signed_in_as_auditor  # noqa: F401 (a fixture)


def _chart_values(page: Page, selector: str) -> list[float]:
    src = page.locator(selector).get_attribute("src")
    assert src is not None
    answer = page.request.get(page.url.split("/stats")[0] + src)
    assert answer.ok and answer.headers["content-type"].startswith("image/svg+xml")
    return sorted(float(v) for v in re.findall(r'<desc class="value">([^<]+)</desc>', answer.text()) if float(v))


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def test_the_standings_chart_table_and_api_agree(page: Page, scored: Scored) -> None:
    signed_in_as_auditor(page, scored)
    page.goto(f"{scored.stack.web_url}/stats/clusters/{scored.cluster_id}/years/2019")
    expect(page.locator("#standings-table")).to_be_visible()
    cells = [_number(t) for t in page.locator("#standings-table td.points").all_inner_texts() if t.strip()]
    assert _chart_values(page, "#standings-chart") == sorted(cells)
    api = httpx.get(f"{scored.stack.ledger_url}/statistics/clusters/{scored.cluster_id}/years/2019/criteria",
                    headers=scored.auditor).json()
    assert sorted(float(row["points"]) for row in api) == sorted(cells) == [30, 33, 52, 58]
    totals = [_number(t) for t in page.locator("#standings-table td.total").all_inner_texts()]
    standings = httpx.get(f"{scored.stack.ledger_url}/clusters/{scored.cluster_id}/years/2019/standings",
                          headers=scored.auditor).json()["standings"]
    assert totals == [float(row["total"]) for row in standings] == [88, 85]


def test_the_awards_per_year_chart_table_api_and_workbook_agree(page: Page, scored: Scored) -> None:
    signed_in_as_auditor(page, scored)
    page.goto(f"{scored.stack.web_url}/stats")
    page.get_by_label("Cụm thi đua").select_option(label="Cụm thi đua số 4")
    page.get_by_role("button", name="Xem", exact=True).last.click()
    table = page.locator("#awards-table")
    expect(table).to_be_visible()
    years = [int(t) for t in table.locator("thead th").all_inner_texts()[1:]]
    row = table.locator("tbody tr", has=page.get_by_role("rowheader", name="Bằng khen (thử nghiệm)"))
    counts = [int(t) for t in row.locator("td").all_inner_texts()]
    assert dict(zip(years, counts, strict=True))[2019] == 1 and dict(zip(years, counts, strict=True))[2020] == 2
    every_cell = [float(t) for t in table.locator("tbody td").all_inner_texts() if float(t)]
    assert _chart_values(page, "#awards-chart") == sorted(every_cell)
    api = httpx.get(f"{scored.stack.ledger_url}/statistics", params={"cluster_id": scored.cluster_id},
                    headers=scored.auditor).json()
    from_api = {y["year"]: sum(a["collectives"] + a["individuals"] for a in y["awards"]
                               if a["award_kind"] == "Bằng khen (thử nghiệm)") for y in api["years"]}
    assert {y: c for y, c in zip(years, counts, strict=True) if c} == {y: c for y, c in from_api.items() if c}
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Tải về bảng tính")).click()
    path = download.value.path()
    book = load_workbook(io.BytesIO(path.read_bytes()))
    rows = [r for r in book["Khen thưởng"].iter_rows(min_row=2, values_only=True) if r[1] == "Bằng khen (thử nghiệm)"]
    assert {r[0]: r[3] + r[4] for r in rows} == {y: c for y, c in from_api.items() if c}


def test_a_units_history_shows_its_awards_beside_their_chart(page: Page, scored: Scored) -> None:
    signed_in_as_auditor(page, scored)
    page.goto(f"{scored.stack.web_url}/stats/units/{scored.second}")
    expect(page.locator("#unit-awards-table tbody tr")).to_have_count(2)
    assert _chart_values(page, "#unit-awards-section img") == [1, 1]
