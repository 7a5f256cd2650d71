"""A cluster (cụm thi đua), its years, and a cluster-year page: everything the ledger answers
about the year, read under the page's clocks."""

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from thidua_web.clients import LedgerClient, NotFound, together
from thidua_web.deps import LedgerDep
from thidua_web.templating import render

router = APIRouter()
Year = Annotated[int, Path(ge=1945, le=2100)]


def _years(ledger: LedgerClient, cluster_id: str) -> list[int]:
    """The years from the cluster's first recorded fact to its last (or this year), newest first."""
    try:
        history = ledger.read(f"/entities/{cluster_id}/events")
    except NotFound:
        return []
    found = [int(str(e.get("stated_date") or e.get("effective_date"))[:4]) for e in history]
    if not found:
        return []
    last = max(max(found), (ledger.clocks.as_of or date.today()).year)
    return list(range(last, min(found) - 1, -1))


@router.get("/clusters/{cluster_id}", response_class=HTMLResponse)
def cluster(request: Request, cluster_id: str, ledger: LedgerDep) -> HTMLResponse:
    found = [c for c in ledger.search("clusters", limit=500) if c["id"] == cluster_id]
    if not found:
        raise NotFound("cluster not in the catalogue")
    return render(request, "clusters/cluster.html", {"cluster": found[0], "years": _years(ledger, cluster_id)})


@router.get("/clusters/{cluster_id}/years/{year}", response_class=HTMLResponse)
def cluster_year(request: Request, cluster_id: str, year: Year, ledger: LedgerDep) -> HTMLResponse:
    def opened(read: Callable[[str, int], dict[str, Any]]) -> Callable[[], dict[str, Any] | None]:
        def call() -> dict[str, Any] | None:
            try:
                return read(cluster_id, year)
            except NotFound:  # the cluster exists, its emulation year was never opened (or not yet, under the clocks)
                return None
        return call

    found, awards, record, standings = together(
        lambda: ledger.cluster_year(cluster_id, year), lambda: ledger.awards(cluster_id=cluster_id, year=year),
        opened(ledger.year_record), opened(ledger.standings))
    if record is None or standings is None:
        record, standings = None, None
    page: dict[str, Any] = {"year": found, "awards": awards, "record": record, "standings": standings}
    return render(request, "clusters/year.html", page)
