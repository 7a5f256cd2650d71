"""Lists as .xlsx: the search results and a year's standings, with the same columns and
values as their pages (the register's export lives with the register, pages/documents.py)."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from thidua_web import exports
from thidua_web.clients import LedgerClient
from thidua_web.deps import LedgerDep
from thidua_web.pages.catalogue import KINDS, PER_KIND
from thidua_web.templating import vn_number

router = APIRouter()
SEARCH_HEADERS = ["Loại", "Tên", "Tên khác"]
STANDINGS_HEADERS = ["Hạng", "Đơn vị", "Tổng điểm"]


def search_rows(ledger: LedgerClient, q: str) -> list[list[str]]:
    rows = []
    for kind, title, _ in KINDS:
        for entry in ledger.search(kind, q, limit=PER_KIND):
            former = [name for _, name in entry["names"] if name != entry["name"]]
            rows.append([title, entry["name"], ", ".join(dict.fromkeys(former))])
    return rows


def standings_rows(standings: dict[str, Any]) -> list[list[str]]:
    return [[f"{s['rank']}{' (đồng hạng)' if s.get('tied') else ''}", (s.get("unit") or {}).get("name") or "",
             vn_number(s["total"])] for s in standings.get("standings", [])]


@router.get("/search.xlsx", response_class=Response)
def search_export(ledger: LedgerDep, q: Annotated[str, Query(min_length=1, max_length=200)]) -> Response:
    return exports.xlsx_response("Kết quả tìm kiếm", SEARCH_HEADERS, search_rows(ledger, q.strip()), "tim-kiem")


@router.get("/clusters/{cluster_id}/years/{year}/standings.xlsx", response_class=Response)
def standings_export(cluster_id: str, year: Annotated[int, Path(ge=1945, le=2100)], ledger: LedgerDep) -> Response:
    rows = standings_rows(ledger.standings(cluster_id, year))
    return exports.xlsx_response(f"Xếp hạng năm {year}", STANDINGS_HEADERS, rows, f"xep-hang-{year}")
