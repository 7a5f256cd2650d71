"""Finding things: one search box over the ledger's catalogue, the authorities and their clusters."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from thidua_web.clients import together
from thidua_web.deps import LedgerDep
from thidua_web.templating import render

router = APIRouter()

# What the search box looks in, in this order, with the page each found entry leads to.
KINDS = [
    ("clusters", "Cụm thi đua", "/clusters/{id}"),
    ("units", "Đơn vị", "/units/{id}"),
    ("authorities", "Cơ quan", "/authorities/{id}"),
    ("people", "Cá nhân", None),
    ("decrees", "Quyết định", None),
    ("award-kinds", "Hình thức khen thưởng", None),
]
PER_KIND = 20


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, ledger: LedgerDep,
           q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    q = q.strip()
    groups: list[dict[str, Any]] = []
    if q:
        found = together(*[lambda kind=kind: ledger.search(kind, q, limit=PER_KIND) for kind, _, _ in KINDS])
        for (kind, title, target), entries in zip(KINDS, found, strict=True):
            if entries:
                groups.append({"kind": kind, "title": title, "target": target, "entries": entries})
    return render(request, "catalogue/search.html", {"q": q, "groups": groups})


@router.get("/authorities", response_class=HTMLResponse)
def authorities(request: Request, ledger: LedgerDep) -> HTMLResponse:
    return render(request, "catalogue/authorities.html", {"authorities": ledger.search("authorities", limit=500)})


@router.get("/authorities/{authority_id}", response_class=HTMLResponse)
def authority(request: Request, authority_id: str, ledger: LedgerDep) -> HTMLResponse:
    found = [a for a in ledger.search("authorities", limit=500) if a["id"] == authority_id]
    clusters = ledger.search("clusters", authority_id=authority_id, limit=500)
    units = ledger.search("units", authority_id=authority_id, limit=500)
    return render(request, "catalogue/authority.html", {
        "authority": found[0] if found else {"id": authority_id, "name": None},
        "clusters": clusters, "units": units})


@router.get("/units/{unit_id}", response_class=HTMLResponse)
def unit(request: Request, unit_id: str, ledger: LedgerDep) -> HTMLResponse:
    as_of = ledger.clocks.as_of
    found = ledger.read(f"/units/{unit_id}", on=as_of.isoformat() if as_of else None)
    return render(request, "catalogue/unit.html", {"unit": found})
