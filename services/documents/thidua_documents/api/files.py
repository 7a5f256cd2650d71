"""The public shape of a register entry, and .docx (or draft PDF) responses."""

import json
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import HTTPException, Query, Response, status
from pydantic import BaseModel, Field

from thidua_documents.api.errors import ProblemPublic
from thidua_documents.preview import PreviewUnavailable, pdf_preview
from thidua_documents.register import Draft, Entry

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class DocumentPublic(BaseModel):
    document_id: str
    kind: str
    subject: dict[str, str]
    request: dict[str, Any]
    number: str | None
    issuer_key: str
    issuer_symbol: str | None
    type_symbol: str | None
    book: str | None = Field(description='The series it is numbered in: "*" (the body\'s common series) '
                                         "or its type symbol")
    year: int
    dated: date
    title: str
    issued_by: str = Field(description="The clerk who issued it (from the token)")
    signer: str | None
    recipients: list[str] = Field(description="Nơi nhận, as printed")
    position: int = Field(description="The ledger position it was rendered from")
    template_name: str
    template_version: str
    rendering_version: str
    sha256: str
    canonical_sha256: str = Field(description="SHA-256 of its parts uncompressed: what regeneration compares "
                                              "(then their canonical XML), not the zip bytes")
    size: int
    issued_at: datetime

    @classmethod
    def of(cls, entry: Entry) -> "DocumentPublic":
        return cls(number=entry.number_text, **{k: v for k, v in vars(entry).items()
                                                 if k not in ("number", "number_text")})


def docx_response(content: bytes, filename: str, headers: dict[str, str] | None = None) -> Response:
    return Response(content, media_type=DOCX,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', **(headers or {})})


DraftFormat = Annotated[Literal["docx", "pdf"], Query(
    description="docx (default), or pdf: the draft rendered through LibreOffice, for a preview")]
MISSING_HEADER = "X-Missing-Parts"
DRAFT_HEADERS = {
    "X-Position": {"description": "The ledger position the draft was rendered from",
                   "schema": {"type": "integer"}},
    MISSING_HEADER: {"description": "A JSON array (ASCII, \\u-escaped) of the parts the draft prints as "
                                    "placeholders: what must still be given or recorded before it can be issued",
                     "schema": {"type": "string"}},
}
PREVIEW_BUSY: dict[str, Any] = {
    "model": ProblemPublic, "description": "As many conversions to PDF as may run at once are running; ask again",
    "headers": {"Retry-After": {"schema": {"type": "integer"}}}}
DRAFT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The draft, .docx or PDF", "headers": DRAFT_HEADERS},
    429: PREVIEW_BUSY,
    503: {"model": ProblemPublic, "description": "format=pdf and LibreOffice is not installed on this server"},
}


def draft_response(drafted: Draft, stem: str, format: str = "docx") -> Response:
    """A draft as .docx or PDF, with its position and its missing parts in the headers."""
    headers = {"X-Position": str(drafted.position), MISSING_HEADER: json.dumps(drafted.missing)}
    if format == "pdf":
        try:
            pdf = pdf_preview(drafted.content)
        except PreviewUnavailable as error:
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(error)) from None
        return Response(pdf, media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{stem}.pdf"', **headers})
    return docx_response(drafted.content, f"{stem}.docx", headers)
