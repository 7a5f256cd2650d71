"""The auditor's desk (thanh tra): an entity's history with both clocks, what changed between
two moments, verify and replay with progress, signed digests to download and check.

Every page calls the ledger as the signed-in person; the ledger decides who may audit."""

import json
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup, escape

from thidua_web.clients import LedgerClient
from thidua_web.deps import LedgerDep
from thidua_web.templating import render, templates

router = APIRouter()


def log_head(request: Request) -> int | None:
    """The ledger's newest log position, for the clock bar's slider (None if it does not answer)."""
    try:
        response = request.app.state.ledger_http.get("/health", timeout=2)
        return int(response.json()["position"])
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        return None


templates.env.globals["log_head"] = log_head

# What each kind of finding of the chain's verification means, said to an inspector; the
# ledger's own (English) detail is shown beneath.
FINDINGS = {
    "altered": "Sự kiện tại vị trí {position} đã bị sửa sau khi ghi: nội dung lưu trong sổ cái không còn khớp "
               "với chuỗi băm.",
    "deleted": "Sự kiện tại vị trí {position} đã bị xoá khỏi sổ cái: chuỗi băm vẫn ghi nhận nó nhưng sổ cái "
               "không còn.",
    "inserted": "Có một sự kiện bị chèn vào sổ cái tại vị trí {position}: nó chưa từng được đưa vào chuỗi băm.",
    "reordered": "Thứ tự các sự kiện đã bị đảo tại vị trí {position}: sự kiện ở đây vốn được ghi ở vị trí khác.",
    "chain-altered": "Chính chuỗi băm đã bị viết lại tại vị trí {position}.",
}


def finding_sentence(finding: dict[str, Any], position_id: str | None = None) -> Markup:
    """The Vietnamese sentence for a finding, its position in bold (with `position_id` as its id)."""
    template = FINDINGS.get(str(finding.get("kind")), "Phát hiện bất thường ({kind}) tại vị trí {position}.")
    id_attribute = Markup(' id="{}"').format(position_id) if position_id else Markup("")
    position = Markup("<strong{}>{}</strong>").format(id_attribute, finding.get("position"))
    return Markup(escape(template).replace("{position}", position).replace("{kind}", escape(finding.get("kind"))))


templates.env.globals["finding_sentence"] = finding_sentence


@router.get("/audit", response_class=HTMLResponse)
def desk(request: Request, ledger: LedgerDep) -> HTMLResponse:
    clusters = ledger.search("clusters", limit=500)
    return render(request, "audit/desk.html", {"clusters": clusters})


@router.get("/audit/history/{entity_id}", response_class=HTMLResponse)
def history(request: Request, entity_id: str, ledger: LedgerDep) -> HTMLResponse:
    """Each fact of one entity with both clocks, who, role, why, source; corrections linked both ways."""
    # Only the "known at" clock (a position or a moment): the history lists every fact with its
    # own effective date, so the "true on" date filters nothing here.
    params = {k: v for k, v in ledger.clocks.params().items() if k in ("known_at", "known_at_time")}
    events = ledger._json(ledger.request("GET", f"/entities/{entity_id}/events", params=params))
    link_corrections(events)
    return render(request, "audit/history.html", {"entity_id": entity_id, "events": events})


def link_corrections(events: list[dict[str, Any]]) -> None:
    """Give each fact the id of the one it corrects (`corrects`) and of the one that replaced it
    (`replaced_by`): a correction of any fact (FactCorrected, FactRetracted) names its original;
    a score's correction (ScoreCorrected) names the score it corrects by its score id."""
    by_score = {e["data"]["score_id"]: e for e in events if "score_id" in e.get("data", {})}
    by_id = {e["id"]: e for e in events}
    for e in events:
        data = e.get("data", {})
        original = data.get("original") or (by_score.get(data["corrects_score_id"], {}).get("id")
                                            if "corrects_score_id" in data else None)
        if original:
            e["corrects"] = original
            if original in by_id:
                by_id[original]["replaced_by"] = e["id"]  # the latest correction is in force
        if e.get("corrected_by"):
            e["replaced_by"] = e["corrected_by"]


@router.get("/audit/changes", response_class=HTMLResponse)
def changes(request: Request, ledger: LedgerDep, cluster_id: str | None = None, year: int | None = None,
            from_known_at: str = "", to_known_at: str = "", from_time: str = "", to_time: str = "") -> HTMLResponse:
    """What changed in a cluster-year (or, without a cluster, the award register) between two moments."""
    query: dict[str, Any] = {}
    for name, value in (("from_known_at", from_known_at), ("to_known_at", to_known_at),
                        ("from_known_at_time", from_time), ("to_known_at_time", to_time)):
        if value.strip():
            query[name] = value.strip()
    found = None
    if cluster_id and year:
        found = ledger._json(ledger.request("GET", f"/clusters/{cluster_id}/years/{year}/changes", params=query))
    elif query:
        found = ledger._json(ledger.request("GET", "/awards/changes", params=query))
    return render(request, "audit/changes.html", {
        "clusters": ledger.search("clusters", limit=500), "cluster_id": cluster_id, "year": year,
        "from_known_at": from_known_at, "to_known_at": to_known_at, "from_time": from_time, "to_time": to_time,
        "found": found})


@router.get("/audit/verify", response_class=HTMLResponse)
def verify_page(request: Request, ledger: LedgerDep) -> HTMLResponse:
    return render(request, "audit/start.html", {"kind": "verify", "clusters": []})


@router.get("/audit/replay", response_class=HTMLResponse)
def replay_page(request: Request, ledger: LedgerDep) -> HTMLResponse:
    return render(request, "audit/start.html", {"kind": "replay", "clusters": ledger.search("clusters", limit=500)})


@router.post("/audit/verify")
def start_verify(ledger: LedgerDep) -> Response:
    job = ledger.post("/audit/verify")
    return RedirectResponse(ledger.clocks.link(f"/audit/jobs/{job['job_id']}"), status_code=303)


@router.post("/audit/replay")
def start_replay(ledger: LedgerDep, scope: Annotated[str, Form()] = "") -> Response:
    """`scope`: "<cluster_id>/<year>" for one year, empty for the whole ledger."""
    params: dict[str, Any] = {}
    if "/" in scope:
        params["cluster_id"], params["year"] = scope.split("/", 1)
    job = ledger._json(ledger.request("POST", "/audit/replay", params=params))
    return RedirectResponse(ledger.clocks.link(f"/audit/jobs/{job['job_id']}"), status_code=303)


def _job(ledger: LedgerClient, job_id: str) -> dict[str, Any]:
    found: dict[str, Any] = ledger._json(ledger.request("GET", f"/audit/jobs/{job_id}"))
    return found


@router.get("/audit/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str, ledger: LedgerDep) -> HTMLResponse:
    """The job's progress: htmx polls the fragment; without JavaScript the page refreshes itself."""
    return render(request, "audit/job.html", {"job": _job(ledger, job_id)})


@router.get("/audit/jobs/{job_id}/progress", response_class=HTMLResponse)
def job_progress(request: Request, job_id: str, ledger: LedgerDep) -> HTMLResponse:
    return render(request, "audit/job_progress.html", {"job": _job(ledger, job_id)})


@router.get("/audit/digest", response_class=HTMLResponse)
def digest_page(request: Request, ledger: LedgerDep) -> HTMLResponse:
    return render(request, "audit/digest.html", {"checked": None, "refusal": None})


@router.get("/audit/digest.json")
def digest_download(ledger: LedgerDep) -> Response:
    signed = ledger._json(ledger.request("GET", "/audit/digest"))
    return Response(json.dumps(signed, indent=2, ensure_ascii=False) + "\n", media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="ledger-digest-{signed["position"]}.json"'})


@router.post("/audit/digest/check", response_class=HTMLResponse)
def digest_check(request: Request, ledger: LedgerDep, digest: Annotated[UploadFile, File()]) -> HTMLResponse:
    from thidua_web.clients import RuleRefused

    try:
        body = json.loads(digest.file.read(100_000).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return render(request, "audit/digest.html", {"checked": None,
                                                     "refusal": "Tệp không phải một bản tóm lược JSON của sổ cái."},
                      status_code=422)
    try:
        checked = ledger.post("/audit/digest/check", body)
    except RuleRefused as refused:
        return render(request, "audit/digest.html", {"checked": None, "refusal": refused.detail}, status_code=409)
    return render(request, "audit/digest.html", {"checked": checked, "refusal": None})
