"""The public shape of a register entry, and .docx responses."""

from datetime import date, datetime
from typing import Any

from fastapi import Response
from pydantic import BaseModel

from thidua_documents.register import Entry

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
    year: int
    dated: date
    title: str
    position: int
    template_name: str
    template_version: str
    sha256: str
    size: int
    issued_at: datetime

    @classmethod
    def of(cls, entry: Entry) -> "DocumentPublic":
        return cls(number=entry.number_text, **{k: v for k, v in vars(entry).items()
                                                 if k not in ("number", "number_text")})


def docx_response(content: bytes, filename: str, headers: dict[str, str] | None = None) -> Response:
    return Response(content, media_type=DOCX,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', **(headers or {})})
