"""An issued document as an auditor checks it: its register entry, its hashes, the ledger
position it was rendered from, its signature's verification, and "regenerate and compare"."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from thidua_web.clients import BackendRefused, DocumentsClient, NotFound, ServiceBusy
from thidua_web.deps import DocumentsDep
from thidua_web.templating import render

router = APIRouter()


@router.get("/audit/documents", response_class=HTMLResponse)
def register(request: Request, documents: DocumentsDep) -> HTMLResponse:
    entries = documents.read("/documents")
    return render(request, "audit/documents.html", {"entries": entries})


def _signature(documents: DocumentsClient, document_id: str) -> dict[str, Any]:
    """The signature's verification, or why there is none to show."""
    try:
        found: dict[str, Any] = documents.read(f"/documents/{document_id}/signed.pdf/verification")
        return found
    except NotFound:
        return {"absent": "Văn bản chưa được ký số."}
    except ServiceBusy:
        return {"absent": "Dịch vụ văn bản không có gốc tin cậy để kiểm tra chữ ký (DOCUMENTS_TRUST_ROOT)."}
    except BackendRefused as refused:
        return {"absent": refused.detail}


def _page(request: Request, documents: DocumentsClient, document_id: str,
          regenerated: dict[str, Any] | None = None) -> HTMLResponse:
    entry = documents.read(f"/documents/{document_id}")
    return render(request, "audit/document.html", {"entry": entry, "signature": _signature(documents, document_id),
                                                   "regenerated": regenerated})


@router.get("/audit/documents/{document_id}", response_class=HTMLResponse)
def document(request: Request, document_id: str, documents: DocumentsDep) -> HTMLResponse:
    return _page(request, documents, document_id)


@router.post("/audit/documents/{document_id}/regenerate", response_class=HTMLResponse)
def regenerate(request: Request, document_id: str, documents: DocumentsDep) -> HTMLResponse:
    """Render again from the recorded position and template version and compare (stores nothing)."""
    return _page(request, documents, document_id, documents.post(f"/documents/{document_id}/regenerate"))
