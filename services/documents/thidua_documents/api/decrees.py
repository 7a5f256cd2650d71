"""Award decrees (quyết định khen thưởng): register one the ledger already records, with its
own number; or draft one from a proposal and issue it, which numbers it and records the
conferral it decides in the ledger under the clerk's identity."""

from datetime import UTC, date, datetime, timedelta, timezone
from uuid import UUID, uuid4

from fastapi import APIRouter, Query, Response, status
from thidua_events.bounds import MAX_POSITION

from thidua_documents.api.deps import BearerToken, LedgerDep, Reader, RegisterDep, ScopedWriter, Writer
from thidua_documents.api.errors import REFUSALS
from thidua_documents.api.files import DRAFT_RESPONSES, DocumentPublic, DraftFormat, draft_response
from thidua_documents.documents import Prepared
from thidua_documents.documents.decree import DecreeRequest, NewDecreeRequest, conferral

router = APIRouter(prefix="/documents/decrees", tags=["decrees"])
VIETNAM = timezone(timedelta(hours=7))


def _today() -> date:
    return datetime.now(UTC).astimezone(VIETNAM).date()


def _complete(body: NewDecreeRequest) -> NewDecreeRequest:
    """The decree's id and date fixed before it is numbered, so the register can regenerate it."""
    return body.model_copy(update={"decree_id": uuid4(), "decree_date": body.decree_date or _today()})


@router.post("", status_code=status.HTTP_201_CREATED, responses=REFUSALS)
def issue_new_decree(body: NewDecreeRequest, register: RegisterDep, ledger: LedgerDep, user: Writer,
                     token: BearerToken, may_issue: ScopedWriter) -> DocumentPublic:
    """Issue a decree drafted from a proposal: number it in the authority's book and record the
    conferral it decides in the ledger with that number, as the calling clerk. If the ledger
    refuses, its answer (409 with the rule) comes back and nothing is numbered."""
    request = _complete(body)

    def record(prepared: Prepared, number_text: str | None) -> None:
        ledger.record("AwardConferred", conferral(prepared, request, str(number_text)), token)

    return DocumentPublic.of(register.issue("decree", {"decree_id": str(request.decree_id)}, request,
                                            user.actor, record, may_issue))


@router.post("/draft", responses={**REFUSALS, **DRAFT_RESPONSES}, response_class=Response)
def draft_new_decree(body: NewDecreeRequest, register: RegisterDep, _: Reader, format: DraftFormat = "docx"
                     ) -> Response:
    """A decree from a proposal, unnumbered and marked DỰ THẢO; nothing is registered or recorded."""
    request = _complete(body)
    drafted = register.draft_with_missing("decree", {"decree_id": str(request.decree_id)}, request)
    return draft_response(drafted, f"decree-draft-{drafted.position}", format)


@router.post("/{decree_id}", status_code=status.HTTP_201_CREATED, responses=REFUSALS)
def issue_decree(decree_id: UUID, body: DecreeRequest, register: RegisterDep, user: Writer,
                 may_issue: ScopedWriter) -> DocumentPublic:
    """Register the decree of an award the ledger records: printed and registered with the
    ledger's number and date, never renumbered."""
    return DocumentPublic.of(register.issue("decree", {"decree_id": str(decree_id)}, body, user.actor,
                                            may_issue=may_issue))


@router.post("/{decree_id}/draft", responses={**REFUSALS, **DRAFT_RESPONSES},
             response_class=Response)
def draft_decree(decree_id: UUID, body: DecreeRequest, register: RegisterDep, _: Reader,
                 position: int | None = Query(None, ge=0, le=MAX_POSITION,
                                              description="Default: the newest"),
                 format: DraftFormat = "docx") -> Response:
    """The decree as the ledger knew it at `position`, marked DỰ THẢO; nothing is registered."""
    drafted = register.draft_with_missing("decree", {"decree_id": str(decree_id)}, body, position)
    return draft_response(drafted, f"decree-draft-{drafted.position}", format)
