"""Issuing many documents at once: every chosen kind for every chosen year of a cluster, as
a job whose progress the page shows. Each is issued if nothing it needs is missing; otherwise
the answer lists what is (as the draft page does), and nothing of it is numbered."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from thidua_web import docforms, jobs
from thidua_web.clients import BackendRefused, DocumentsClient, Invalid, NotFound, RuleRefused
from thidua_web.deps import DocumentsDep, LedgerDep
from thidua_web.pages.clusters import _years as cluster_years
from thidua_web.session import SignedIn
from thidua_web.templating import render

router = APIRouter()
ISSUE_SECONDS = 120.0


COMMON_WIDGETS = ("line", "date")


def _common_fields(documents: DocumentsClient, cluster_id: str) -> dict[str, list[docforms.Field]]:
    """Per kind, the one-line fields a clerk may give once for all (the venue, the secretary ...)."""
    subject = {"cluster_id": cluster_id, "year": "2000"}  # the schema does not depend on the year
    return {kind: [f for f in docforms.form_fields(documents, kind, subject) if f.widget in COMMON_WIDGETS]
            for kind in docforms.CLUSTER_YEAR}


def _issue_all(documents: DocumentsClient, cluster_id: str, items: list[tuple[int, str, dict[str, Any]]]) -> Any:
    subject = {"cluster_id": cluster_id, "year": "2000"}
    def work(job: jobs.Job) -> list[dict[str, Any]]:
        outcomes = []
        job.advance(0, len(items))
        for done, (year, kind, body) in enumerate(items, start=1):
            path = docforms.service_paths(kind, {"cluster_id": cluster_id, "year": str(year)})[1]
            outcome: dict[str, Any] = {"year": year, "kind": kind, "title": docforms.KIND_TITLES[kind]}
            try:
                entry = documents.request("POST", path, json=body, timeout=ISSUE_SECONDS).json()
                outcome |= {"state": "issued", "number": entry["number"], "document_id": entry["document_id"]}
            except RuleRefused as refused:
                body = refused.body if isinstance(refused.body, dict) else {}
                outcome |= ({"state": "already", "document_id": body["document_id"]} if body.get("document_id")
                            else {"state": "refused", "detail": refused.detail, "rule": refused.rule})
            except Invalid as refused:
                body = refused.body if isinstance(refused.body, dict) else {}
                parts = docforms.missing_parts(body.get("missing") or [refused.detail],
                                               docforms.form_fields(documents, kind, subject))
                outcome |= {"state": "missing", "missing": [p["text"] for p in parts]}
            except NotFound as refused:
                outcome |= {"state": "refused", "detail": refused.detail, "rule": None}
            outcomes.append(outcome)
            job.advance(done, len(items))
        return outcomes

    return work


@router.get("/clusters/{cluster_id}/documents/batch", response_class=HTMLResponse)
def batch_form(request: Request, cluster_id: str, ledger: LedgerDep, documents: DocumentsDep) -> HTMLResponse:
    found = [c for c in ledger.search("clusters", limit=500) if c["id"] == cluster_id]
    if not found:
        raise NotFound("cluster not in the catalogue")
    common = {f.name: f for fields in _common_fields(documents, cluster_id).values() for f in fields}
    return render(request, "documents/batch.html", {
        "cluster": found[0], "years": cluster_years(ledger, cluster_id), "kinds": docforms.CLUSTER_YEAR,
        "titles": docforms.KIND_TITLES, "common": list(common.values())})


@router.post("/clusters/{cluster_id}/documents/batch", response_class=HTMLResponse)
async def batch_start(request: Request, cluster_id: str, documents: DocumentsDep, session: SignedIn,
                      year: Annotated[list[str] | None, Form()] = None,
                      kind: Annotated[list[str] | None, Form()] = None) -> Response:
    kinds = [k for k in docforms.CLUSTER_YEAR if k in (kind or [])]
    years = sorted({int(y) for y in year or [] if y.isdigit() and 1945 <= int(y) <= 2100})
    if not kinds or not years:
        raise BackendRefused("Hãy chọn ít nhất một năm và một loại văn bản.")
    form = await request.form()
    bodies = {}
    for k, fields in (await run_in_threadpool(_common_fields, documents, cluster_id)).items():
        filled = docforms.fill(fields, form)
        if filled.errors:
            raise BackendRefused(" ".join(filled.errors.values()))
        bodies[k] = filled.body
    items = [(y, k, bodies[k]) for y in years for k in kinds]
    job = jobs.start(str(session.name), "Ban hành văn bản", _issue_all(documents, cluster_id, items),
                     cluster_id=cluster_id)
    return RedirectResponse(f"/documents/batch/{job.id}", status_code=303)


@router.get("/documents/batch/{job_id}", response_class=HTMLResponse)
def batch_progress(request: Request, job_id: str, session: SignedIn) -> HTMLResponse:
    job = jobs.get(job_id, str(session.name))
    if job is None:
        raise HTTPException(404, "no such batch")
    page = {"job": job, "poll_url": f"/documents/batch/{job.id}", "unit_name": "văn bản"}
    if request.headers.get("HX-Request"):
        response = render(request, "proposals/progress.html", page)
        if job.finished:
            response.headers["HX-Refresh"] = "true"
        return response
    return render(request, "documents/batch_result.html", page)
