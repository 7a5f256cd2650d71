"""Documents (văn bản): draft one from a cluster's year or a proposal, look at its PDF preview,
fill in what the documents service says is missing, issue it, download the .docx and the
signed PDF; and the register of each issuing body (sổ đăng ký văn bản), searchable.

The preview and the files come through this application (the browser only ever talks to
it: the page's CSP allows frames from 'self' only), fetched as the signed-in person."""

import json
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from thidua_web import docforms, exports, register_view
from thidua_web.clients import BackendRefused, DocumentsClient, Invalid, RuleRefused
from thidua_web.deps import DocumentsDep
from thidua_web.templating import render

router = APIRouter()
PDF_SECONDS = 180.0  # LibreOffice renders a PDF in seconds, longer on a busy server
Kind = Annotated[str, Path(pattern="^(" + "|".join(docforms.KIND_TITLES) + ")$")]


def _subject(kind: str, source: Any) -> dict[str, str]:
    keys = ("proposal_id",) if kind in docforms.FROM_PROPOSAL else ("cluster_id", "year")
    subject = {key: str(source.get(key) or "").strip() for key in keys}
    if not all(subject.values()):
        raise HTTPException(404, "no subject")
    return subject


def _body(kind: str, subject: dict[str, str], filled: docforms.Filled) -> dict[str, Any]:
    return {**filled.body, **({"proposal_id": subject["proposal_id"]} if kind == "decree" else {})}


def _missing(documents: DocumentsClient, kind: str, subject: dict[str, str], body: dict[str, Any]
             ) -> tuple[list[str], dict[str, list[str]]]:
    """What the service says the draft lacks, and any field it refuses (a draft stores nothing)."""
    try:
        answer = documents.request("POST", docforms.service_paths(kind, subject)[0], json=body)
    except Invalid as refused:
        extra = refused.body.get("missing") if isinstance(refused.body, dict) else None
        return list(extra or []), refused.fields if extra is None else {}
    return list(json.loads(answer.headers.get("X-Missing-Parts", "[]"))), {}


def _draft_page(request: Request, documents: DocumentsClient, kind: str, subject: dict[str, str],
                form: Any, problem: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    fields = docforms.form_fields(documents, kind, subject)
    filled = docforms.fill(fields, form)
    # A field refused here (a bad date) is left out of the body: the service still names the rest.
    parts, refused = _missing(documents, kind, subject, _body(kind, subject, filled))
    errors = {**{name: " ".join(msgs) for name, msgs in refused.items()}, **filled.errors}
    if not any(form.get(f.name) or (f.widget == "rows" and filled.values[f.name]) for f in fields):
        filled.values = {f.name: f.default for f in fields} | {
            f.name: [] for f in fields if f.widget in ("instruments", "rows")}
    query = [(k, v) for k, v in subject.items()] + docforms.query_items(fields, filled.values)
    instruments = documents.read("/documents/legal-instruments") if any(
        f.widget == "instruments" for f in fields) else []
    return render(request, "documents/draft.html", {
        "kind": kind, "kind_title": docforms.KIND_TITLES[kind], "subject": subject, "fields": fields,
        "values": filled.values, "errors": errors, "missing": docforms.missing_parts(parts, fields),
        "preview_url": f"/documents/new/{kind}/preview.pdf?{urlencode(query)}", "instruments": instruments,
        "problem": problem or {}}, status_code=status_code)


@router.get("/documents/new/{kind}", response_class=HTMLResponse)
def draft_form(request: Request, kind: Kind, documents: DocumentsDep) -> HTMLResponse:
    subject = _subject(kind, request.query_params)
    return _draft_page(request, documents, kind, subject, request.query_params)


@router.get("/documents/new/{kind}/preview.pdf", response_class=Response)
def draft_preview(request: Request, kind: Kind, documents: DocumentsDep) -> Response:
    """The draft as the form stands, as PDF, for the page's inline frame."""
    subject = _subject(kind, request.query_params)
    filled = docforms.fill(docforms.form_fields(documents, kind, subject), request.query_params)
    try:
        answer = documents.request("POST", docforms.service_paths(kind, subject)[0],
                                   params={"format": "pdf"}, json=_body(kind, subject, filled),
                                   timeout=PDF_SECONDS)
    except BackendRefused as refused:
        return render(request, "documents/no_preview.html", {"detail": refused.detail}, status_code=200)
    return Response(answer.content, media_type="application/pdf",
                    headers={"Content-Disposition": 'inline; filename="du-thao.pdf"'})


@router.post("/documents/new/{kind}", response_class=HTMLResponse)
async def draft_or_issue(request: Request, kind: Kind, documents: DocumentsDep) -> Response:
    form = await request.form()
    subject = _subject(kind, form)
    if form.get("action") != "issue":
        return _draft_page(request, documents, kind, subject, form)
    fields = docforms.form_fields(documents, kind, subject)
    filled = docforms.fill(fields, form)
    if filled.errors:
        return _draft_page(request, documents, kind, subject, form, status_code=422)
    try:
        entry = documents.post(docforms.service_paths(kind, subject)[1], _body(kind, subject, filled))
    except RuleRefused as refused:
        existing = refused.body.get("document_id") if isinstance(refused.body, dict) else None
        return _draft_page(request, documents, kind, subject, form, status_code=409, problem={
            "rule": refused.rule, "detail": refused.detail, "document_id": existing})
    except Invalid:
        return _draft_page(request, documents, kind, subject, form, status_code=422, problem={
            "detail": "Chưa thể ban hành: văn bản còn thiếu nội dung hoặc có trường không hợp lệ."})
    return RedirectResponse(f"/documents/{entry['document_id']}", status_code=303)


@router.get("/documents", response_class=HTMLResponse)
def register_page(request: Request, documents: DocumentsDep,
                  issuer: Annotated[str, Query(max_length=200)] = "",
                  q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    bodies = documents.read("/documents/issuing-bodies")
    entries = register_view.select(documents.read("/documents"), issuer, q)
    return render(request, "documents/register.html", {
        "bodies": bodies, "issuer": issuer, "q": q, "headers": register_view.HEADERS,
        "rows": register_view.rows(entries), "lines": list(zip(entries, register_view.rows(entries), strict=True)),
        "export_url": "/documents/register.xlsx?" + urlencode({"issuer": issuer, "q": q})})


@router.get("/documents/register.xlsx", response_class=Response)
def register_export(documents: DocumentsDep, issuer: Annotated[str, Query(max_length=200)] = "",
                    q: Annotated[str, Query(max_length=200)] = "") -> Response:
    entries = register_view.select(documents.read("/documents"), issuer, q)
    return exports.xlsx_response("Sổ đăng ký văn bản", register_view.HEADERS, register_view.rows(entries),
                                 "so-dang-ky-van-ban")


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def document_page(request: Request, document_id: str, documents: DocumentsDep) -> HTMLResponse:
    entry = documents.read(f"/documents/{document_id}")
    try:
        documents.request("GET", f"/documents/{document_id}/signed.pdf")  # the register has no flag for it
        signed = True
    except BackendRefused:
        signed = False
    return render(request, "documents/document.html", {
        "entry": entry, "signed": signed, "kind_title": docforms.KIND_TITLES.get(entry["kind"], entry["kind"])})


def _file(documents: DocumentsClient, path: str) -> Response:
    answer = documents.request("GET", path, timeout=PDF_SECONDS)
    headers = {k: v for k, v in answer.headers.items() if k.lower() in ("content-disposition", "x-sha256")}
    return Response(answer.content, media_type=answer.headers.get("content-type"), headers=headers)


@router.get("/documents/{document_id}/file", response_class=Response)
def document_file(document_id: str, documents: DocumentsDep) -> Response:
    return _file(documents, f"/documents/{document_id}/file")


@router.get("/documents/{document_id}/preview.pdf", response_class=Response)
def document_preview(request: Request, document_id: str, documents: DocumentsDep) -> Response:
    try:
        answer = _file(documents, f"/documents/{document_id}/preview.pdf")
    except BackendRefused as refused:
        return render(request, "documents/no_preview.html", {"detail": refused.detail})
    answer.headers["Content-Disposition"] = 'inline; filename="van-ban.pdf"'
    return answer


@router.get("/documents/{document_id}/signed.pdf", response_class=Response)
def document_signed(document_id: str, documents: DocumentsDep) -> Response:
    return _file(documents, f"/documents/{document_id}/signed.pdf")


@router.post("/documents/{document_id}/sign", response_class=Response)
def document_sign(request: Request, document_id: str, documents: DocumentsDep) -> Response:
    """Make the signed PDF (once; the service returns the same file after)."""
    documents.request("POST", f"/documents/{document_id}/signed.pdf", timeout=PDF_SECONDS)
    return RedirectResponse(f"/documents/{document_id}", status_code=303)
