"""The public shape of a register entry, and .docx responses."""

from datetime import date, datetime
from typing import Any

from fastapi import Response
from pydantic import BaseModel, Field

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
