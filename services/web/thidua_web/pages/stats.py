"""Statistics and charts: awards per year across years, a year's standings with each unit's
criteria stacked, a year's timeline, a unit's history; each chart beside its table, and the
statistics as a workbook (.xlsx). Every number comes from the ledger, read as the person,
under the page's clocks."""

import io
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from thidua_web import charts
from thidua_web.clients import LedgerClient, NotFound
from thidua_web.deps import LedgerDep
from thidua_web.templating import render

router = APIRouter()
LEVELS = {"government_flag": "Cờ thi đua của Chính phủ", "ministry_flag": "Cờ thi đua của Bộ Công an",
          "authority_flag": "Cờ thi đua của cơ quan", "certificate_of_merit": "Bằng khen",
          "commendation": "Giấy khen", "emulation_title": "Danh hiệu thi đua"}


def _filters(authority_id: str | None, cluster_id: str | None, from_year: str | None,
             to_year: str | None) -> dict[str, Any]:
    found: dict[str, Any] = {"authority_id": authority_id or None, "cluster_id": cluster_id or None}
    for name, value in (("from_year", from_year), ("to_year", to_year)):
        found[name] = int(value) if value and value.strip().isdigit() else None
    return found


def awards_table(stats: dict[str, Any]) -> tuple[list[int], list[str], dict[str, list[int]]]:
    """Years, award kinds, and per kind the named recipients each year: the chart's and the table's rows."""
    years = [y["year"] for y in stats["years"]]
    kinds = sorted({a["award_kind"] for y in stats["years"] for a in y["awards"]})
    rows = {kind: [sum(a["collectives"] + a["individuals"] for a in y["awards"] if a["award_kind"] == kind)
                   for y in stats["years"]] for kind in kinds}
    return years, kinds, rows


def _statistics(ledger: LedgerClient, filters: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = ledger.read("/statistics", **filters)
    return found


@router.get("/stats", response_class=HTMLResponse)
def statistics(request: Request, ledger: LedgerDep, authority_id: str | None = None, cluster_id: str | None = None,
               from_year: str | None = None, to_year: str | None = None) -> HTMLResponse:
    filters = _filters(authority_id, cluster_id, from_year, to_year)
    stats = _statistics(ledger, filters)
    years, kinds, rows = awards_table(stats)
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v is not None)
    return render(request, "stats/index.html", {
        "stats": stats, "years": years, "kinds": kinds, "rows": rows, "filters": filters, "query": query,
        "levels": LEVELS, "clusters": ledger.search("clusters", limit=500),
        "authorities": ledger.search("authorities", limit=500)})


def _svg(body: bytes) -> Response:
    return Response(body, media_type="image/svg+xml", headers={"Content-Security-Policy": charts.IMAGE_POLICY})


@router.get("/stats/awards.svg")
def awards_chart(ledger: LedgerDep, authority_id: str | None = None, cluster_id: str | None = None,
                 from_year: str | None = None, to_year: str | None = None) -> Response:
    years, _, rows = awards_table(_statistics(ledger, _filters(authority_id, cluster_id, from_year, to_year)))
    return _svg(charts.stacked_bars("Khen thưởng theo năm (người và tập thể được nêu tên)",
                                    [str(y) for y in years], rows, counts=True))


def standings_table(ledger: LedgerClient, cluster_id: str, year: int) -> tuple[list[dict[str, Any]], list[str],
                                                                                dict[str, dict[str, str]]]:
    """Standings rows, criterion codes, and unit name -> criterion -> counted points."""
    ranked = ledger.standings(cluster_id, year)["standings"]
    points: dict[str, dict[str, str]] = {}
    for row in ledger.read(f"/statistics/clusters/{cluster_id}/years/{year}/criteria"):
        points.setdefault(row["unit"], {})[row["criterion_code"]] = row["points"]
    codes = sorted({code for by_code in points.values() for code in by_code})
    return ranked, codes, points


@router.get("/stats/clusters/{cluster_id}/years/{year}", response_class=HTMLResponse)
def cluster_year(request: Request, cluster_id: str, year: int, ledger: LedgerDep) -> HTMLResponse:
    view = ledger.cluster_year(cluster_id, year)
    try:
        ranked, codes, points = standings_table(ledger, cluster_id, year)
        record = ledger.year_record(cluster_id, year)
    except NotFound:
        ranked, codes, points, record = [], [], {}, None
    return render(request, "stats/year.html", {
        "view": view, "ranked": ranked, "codes": codes, "points": points, "record": record,
        "timeline": year_timeline(ledger, record, cluster_id, year) if record else []})


@router.get("/stats/clusters/{cluster_id}/years/{year}/standings.svg")
def standings_chart(cluster_id: str, year: int, ledger: LedgerDep) -> Response:
    ranked, codes, points = standings_table(ledger, cluster_id, year)
    names = [r["unit"]["name"] for r in ranked]
    series = {f"Tiêu chí {code}": [float(points.get(name, {}).get(code, 0)) for name in names] for code in codes}
    return _svg(charts.stacked_bars(f"Xếp hạng năm {year}: điểm từng tiêu chí", names, series, horizontal=True))


def year_timeline(ledger: LedgerClient, record: dict[str, Any] | None, cluster_id: str,
                  year: int) -> list[tuple[str, str]]:
    """(what, date as the source states it) for the year's milestones, in date order."""
    if record is None:
        return []
    found: list[tuple[str, str]] = []
    for label, key in (("Dự thảo giao ước", "pledge_drafted_on"), ("Ký kết giao ước", "pledge_adopted_on"),
                       ("Sơ kết 6 tháng", "mid_year_review_on"), ("Tổng kết năm", "year_end_review_on"),
                       ("Khoá sổ năm", "closed_on")):
        if record.get(key):
            found.append((label, str(record[key])))
    for drive in record.get("drives", []):
        if drive.get("launched_on"):
            found.append((f"Đợt thi đua {drive['drive_no']}", str(drive["launched_on"])))
    for award in ledger.awards(cluster_id=cluster_id, year=year)["awards"]:
        found.append((f"Quyết định {award['decree_no']}", str(award["decree_date"])))
    unique = sorted(set(found), key=lambda item: (item[1], item[0]))
    return unique


def _day_of_year(text: str, year: int) -> int | None:
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        return None  # a month or a year only: no day to place it on
    return (day - date(year, 1, 1)).days + 1


@router.get("/stats/clusters/{cluster_id}/years/{year}/timeline.svg")
def timeline_chart(cluster_id: str, year: int, ledger: LedgerDep) -> Response:
    events = year_timeline(ledger, ledger.year_record(cluster_id, year), cluster_id, year)
    placed = [(label, day) for label, text in events if (day := _day_of_year(text, year)) is not None]
    return _svg(charts.timeline(f"Năm thi đua {year}", placed))


@router.get("/stats/units/{unit_id}", response_class=HTMLResponse)
def unit_history(request: Request, unit_id: str, ledger: LedgerDep) -> HTMLResponse:
    history = ledger.read(f"/units/{unit_id}/history")
    per_year: dict[int, int] = {}
    for award in history["awards"]:
        per_year[award["year"]] = per_year.get(award["year"], 0) + 1
    return render(request, "stats/unit.html", {"history": history, "per_year": sorted(per_year.items())})


@router.get("/stats/units/{unit_id}/awards.svg")
def unit_chart(unit_id: str, ledger: LedgerDep) -> Response:
    history = ledger.read(f"/units/{unit_id}/history")
    years = sorted({a["year"] for a in history["awards"]})
    kinds = sorted({a["award_kind"] for a in history["awards"]})
    rows = {k: [sum(1 for a in history["awards"] if a["year"] == y and a["award_kind"] == k) for y in years]
            for k in kinds}
    return _svg(charts.stacked_bars(f"{history['name']}: khen thưởng theo năm", [str(y) for y in years], rows,
                                    counts=True))


@router.get("/stats.xlsx")
def workbook(ledger: LedgerDep, authority_id: str | None = None, cluster_id: str | None = None,
             from_year: str | None = None, to_year: str | None = None) -> Response:
    from openpyxl import Workbook

    stats = _statistics(ledger, _filters(authority_id, cluster_id, from_year, to_year))
    book = Workbook()
    sheet = book.active
    sheet.title = "Khen thưởng"
    sheet.append(["Năm", "Hình thức", "Mức", "Tập thể (nêu tên)", "Cá nhân (nêu tên)"])
    for y in stats["years"]:
        for a in y["awards"]:
            sheet.append([y["year"], a["award_kind"], LEVELS.get(a["level"] or "", a["level"]), a["collectives"],
                          a["individuals"]])
    stated = book.create_sheet("Số lượng nêu")
    stated.append(["Năm", "Hình thức", "Tập thể", "Cá nhân", "Nguồn"])
    for y in stats["years"]:
        for c in y["stated_counts"]:
            stated.append([y["year"], c["award_kind"], c["collectives"], c["individuals"], c["source_ref"]])
    named = book.create_sheet("Người và đơn vị được khen")
    named.append(["Năm", "Hình thức", "Loại", "Tên", "Quyết định"])
    for y in stats["years"]:
        for r in y["recipients"]:
            named.append([y["year"], r["award_kind"], "Tập thể" if r["recipient_kind"] == "collective" else "Cá nhân",
                          r["name"], r["decree_no"]])
    titles = book.create_sheet("Danh hiệu")
    titles.append(["Năm", "Danh hiệu", "Đơn vị"])
    for y in stats["years"]:
        for t in y["titles"]:
            titles.append([y["year"], t["title"], ", ".join(t["units"])])
    out = io.BytesIO()
    book.save(out)
    return Response(out.getvalue(), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="thong-ke-thi-dua.xlsx"'})
