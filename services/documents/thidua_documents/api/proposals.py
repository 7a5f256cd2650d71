"""Proposals for an award (tờ trình đề nghị khen thưởng)."""

from uuid import UUID

from fastapi import APIRouter, Query, Response, status
from thidua_events.bounds import MAX_POSITION

from thidua_documents.api.deps import Reader, RegisterDep, ScopedWriter, Writer
from thidua_documents.api.errors import REFUSALS
from thidua_documents.api.files import DRAFT_RESPONSES, DocumentPublic, DraftFormat, draft_response
from thidua_documents.documents.report import ProposalRequest

router = APIRouter(prefix="/documents/proposals", tags=["proposals"])


@router.post("/{proposal_id}", status_code=status.HTTP_201_CREATED, responses=REFUSALS)
def issue_proposal(proposal_id: UUID, body: ProposalRequest, register: RegisterDep, user: Writer,
                   may_issue: ScopedWriter) -> DocumentPublic:
    return DocumentPublic.of(register.issue("proposal", {"proposal_id": str(proposal_id)}, body, user.actor,
                                            may_issue=may_issue))


@router.post("/{proposal_id}/draft", responses={**REFUSALS, **DRAFT_RESPONSES},
             response_class=Response)
def draft_proposal(proposal_id: UUID, body: ProposalRequest, register: RegisterDep, _: Reader,
                   position: int | None = Query(None, ge=0, le=MAX_POSITION), format: DraftFormat = "docx"
                   ) -> Response:
    drafted = register.draft_with_missing("proposal", {"proposal_id": str(proposal_id)}, body, position)
    return draft_response(drafted, f"proposal-draft-{drafted.position}", format)
