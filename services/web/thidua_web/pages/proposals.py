"""Proposals from a list: a clerk uploads the .xlsx sheet a lower unit sends, sees it row by
row with each row's errors, and records the proposal (AwardProposed) only once no row has
one; a big sheet is read as a job whose progress the page shows."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from thidua_events.text import comparison_key

from thidua_web import exports, jobs, sheets
from thidua_web.clients import Invalid, LedgerClient, RuleRefused
from thidua_web.deps import LedgerDep
from thidua_web.session import SignedIn
from thidua_web.templating import render

router = APIRouter()
MAX_BYTES = 5 * 1024 * 1024
ROW_HEADERS = ["Dòng", "Đối tượng", "Tên tập thể / Họ và tên", "Thành tích", "Lỗi"]


def _choices(ledger: LedgerClient) -> dict[str, Any]:
    return {"authorities": ledger.search("authorities", limit=500), "clusters": ledger.search("clusters", limit=500)}


def _lookup(ledger: LedgerClient, authority_id: str) -> sheets.Lookup:
    cache: dict[tuple[str, str], list[str]] = {}

    def find(kind: str, name: str) -> list[str]:
        key = (kind, comparison_key(name))
        if key not in cache:
            wanted = comparison_key(name)
            params = {"authority_id": authority_id} if kind == "award-kinds" else {}
            entries = ledger.search(kind, name[:200], limit=50, **params)
            cache[key] = [e["id"] for e in entries
                          if wanted in {comparison_key(e["name"]), *(comparison_key(n) for _, n in e["names"])}]
        return cache[key]

    return find


def _read(ledger: LedgerClient, content: bytes, authority_id: str) -> Any:
    def work(job: jobs.Job) -> sheets.Sheet:
        try:
            sheet = sheets.read(content)
        except sheets.NotASheet:
            return sheets.Sheet(header_errors=["Tệp không phải bảng tính .xlsx (Excel 2007 trở lên) đọc được."])
        job.advance(0, len(sheet.rows))
        find = _lookup(ledger, authority_id)
        sheets.resolve(sheet, find, job.advance)
        kind = sheet.header.get("award_kind")
        if kind and not find("award-kinds", kind):
            sheet.header_errors.append(f"Dòng {sheet.header['lines']['award_kind']}: hình thức khen thưởng "
                                       f"“{kind}” không có trong danh mục của cơ quan nhận tờ trình.")
        return sheet

    return work


@router.get("/proposals/import", response_class=HTMLResponse)
def import_form(request: Request, ledger: LedgerDep, authority_id: str = "", cluster_id: str = "") -> HTMLResponse:
    return render(request, "proposals/import.html", {
        **_choices(ledger), "authority_id": authority_id, "cluster_id": cluster_id, "problem": None})


@router.get("/proposals/import/template.xlsx", response_class=Response)
def import_template() -> Response:
    return Response(sheets.template(), media_type=exports.XLSX,
                    headers={"Content-Disposition": 'attachment; filename="danh-sach-de-nghi.xlsx"'})


@router.post("/proposals/import", response_class=HTMLResponse)
async def import_upload(request: Request, ledger: LedgerDep, session: SignedIn,
                        sheet: Annotated[UploadFile, File()], authority_id: Annotated[str, Form()] = "",
                        cluster_id: Annotated[str, Form()] = "") -> Response:
    content = await sheet.read(MAX_BYTES + 1)
    problem = None
    if not authority_id:
        problem = "Hãy chọn cơ quan nhận tờ trình."
    elif len(content) > MAX_BYTES:
        problem = "Tệp lớn hơn 5 MB."
    elif not content:
        problem = "Hãy chọn tệp .xlsx danh sách đề nghị."
    if problem:
        return render(request, "proposals/import.html", {
            **_choices(ledger), "authority_id": authority_id, "cluster_id": cluster_id, "problem": problem},
            status_code=422)
    job = jobs.start(str(session.name), "Đọc danh sách đề nghị", _read(ledger, content, authority_id),
                     authority_id=authority_id, cluster_id=cluster_id, filename=sheet.filename or "")
    return RedirectResponse(f"/proposals/import/{job.id}", status_code=303)


def _job(job_id: str, session: Any) -> jobs.Job:
    job = jobs.get(job_id, str(session.name))
    if job is None:
        raise HTTPException(404, "no such import")
    return job


@router.get("/proposals/import/{job_id}", response_class=HTMLResponse)
def import_result(request: Request, job_id: str, session: SignedIn) -> HTMLResponse:
    job = _job(job_id, session)
    page = {"job": job, "sheet": job.result, "headers": ROW_HEADERS, "problem": None,
            "poll_url": f"/proposals/import/{job.id}"}
    if request.headers.get("HX-Request") and not job.finished:
        return render(request, "proposals/progress.html", page)
    if request.headers.get("HX-Request"):  # finished: the whole page, in place of the polling one
        response = render(request, "proposals/progress.html", page)
        response.headers["HX-Refresh"] = "true"
        return response
    return render(request, "proposals/result.html", page)


@router.post("/proposals/import/{job_id}/record", response_class=HTMLResponse)
def import_record(request: Request, job_id: str, ledger: LedgerDep, session: SignedIn) -> Response:
    """Record the proposal, once; the job's id is the Idempotency-Key, so a second press records nothing more."""
    job = _job(job_id, session)
    sheet = job.result
    if not job.finished or not isinstance(sheet, sheets.Sheet) or not sheet.clean:
        return render(request, "proposals/result.html", {
            "job": job, "sheet": sheet, "headers": ROW_HEADERS,
            "problem": "Danh sách còn lỗi: chưa ghi nhận gì."}, status_code=409)
    body = {"effective_date": sheet.header["date"].isoformat(), "authority_id": job.data["authority_id"],
            "award_kind": sheet.header["award_kind"], "year": sheet.header["year"],
            "cluster_id": job.data["cluster_id"] or None, "proposed_by_unit_id": sheet.header.get("unit_id"),
            "recipients": sheets.recipients(sheet)}
    try:
        receipt = ledger.record("AwardProposed", body, idempotency_key=str(uuid.uuid5(uuid.NAMESPACE_URL, job.id)))
    except (RuleRefused, Invalid) as refused:
        return render(request, "proposals/result.html", {
            "job": job, "sheet": sheet, "headers": ROW_HEADERS, "rule": getattr(refused, "rule", None),
            "problem": f"Sổ cái không ghi nhận: {refused.detail}"}, status_code=refused.status)
    job.data["proposal_id"] = receipt["ids"]["proposal_id"]
    return RedirectResponse(f"/proposals/import/{job.id}", status_code=303)
