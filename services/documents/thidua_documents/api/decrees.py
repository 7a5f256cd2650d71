"""Award decrees (quyết định khen thưởng): issue one, or draft it as of a position."""

from uuid import UUID

from fastapi import APIRouter, Query, Response, status
from thidua_events.bounds import MAX_POSITION

from thidua_documents.api.deps import Reader, RegisterDep, Writer
from thidua_documents.api.errors import REFUSALS
from thidua_documents.api.files import DocumentPublic, docx_response
from thidua_documents.documents.decree import DecreeRequest

router = APIRouter(prefix="/documents/decrees", tags=["decrees"])


@router.post("/{decree_id}", status_code=status.HTTP_201_CREATED, responses=REFUSALS)
def issue_decree(decree_id: UUID, body: DecreeRequest, register: RegisterDep, _: Writer) -> DocumentPublic:
    """Number, render and register the decree of an award recorded in the ledger."""
    return DocumentPublic.of(register.issue("decree", {"decree_id": str(decree_id)}, body))


@router.post("/{decree_id}/draft", responses=REFUSALS,
             response_class=Response)
def draft_decree(decree_id: UUID, body: DecreeRequest, register: RegisterDep, _: Reader,
                 position: int | None = Query(None, ge=0, le=MAX_POSITION,
                                              description="Default: the newest")) -> Response:
    """The decree as the ledger knew it at `position`, without a number; nothing is registered."""
    content, as_of = register.draft("decree", {"decree_id": str(decree_id)}, body, position)
    return docx_response(content, f"decree-draft-{as_of}.docx", {"X-Position": str(as_of)})
