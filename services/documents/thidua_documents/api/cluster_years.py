"""A cluster's year: minutes of the review, of the pledge signing and of the flag handover,
the pledge itself, and the year-end report. One issue route and one draft route per kind,
generated from the kinds so that each has its own request schema in the API docs."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query, Response, status
from thidua_events.bounds import FIRST_YEAR, LAST_YEAR, MAX_POSITION

from thidua_documents.api.deps import Reader, RegisterDep, ScopedWriter, Writer
from thidua_documents.api.errors import REFUSALS
from thidua_documents.api.files import DRAFT_RESPONSES, DocumentPublic, DraftFormat, draft_response
from thidua_documents.documents import KINDS

router = APIRouter(prefix="/documents/clusters/{cluster_id}/years/{year}", tags=["cluster years"])
YearParam = Annotated[int, Path(ge=FIRST_YEAR, le=LAST_YEAR,
                                description=f"The emulation year, {FIRST_YEAR}..{LAST_YEAR}")]
CLUSTER_YEAR_KINDS = [name for name, kind in KINDS.items() if kind.subject_keys == ("cluster_id", "year")]


def _routes(kind_name: str) -> None:
    model = KINDS[kind_name].request_model
    summary = (model.__doc__ or kind_name).strip().splitlines()[0]

    def issue(cluster_id: UUID, year: YearParam, body: model, register: RegisterDep,  # type: ignore[valid-type]
              user: Writer, may_issue: ScopedWriter) -> DocumentPublic:
        subject = {"cluster_id": str(cluster_id), "year": str(year)}
        return DocumentPublic.of(register.issue(kind_name, subject, body, user.actor, may_issue=may_issue))

    def draft(cluster_id: UUID, year: YearParam, body: model, register: RegisterDep, _: Reader,  # type: ignore[valid-type]
              position: int | None = Query(None, ge=0, le=MAX_POSITION), format: DraftFormat = "docx"
              ) -> Response:
        subject = {"cluster_id": str(cluster_id), "year": str(year)}
        drafted = register.draft_with_missing(kind_name, subject, body, position)
        return draft_response(drafted, f"{kind_name}-{year}-draft-{drafted.position}", format)

    common: dict[str, Any] = {"methods": ["POST"], "description": summary}
    router.add_api_route(f"/{kind_name}", issue, status_code=status.HTTP_201_CREATED, responses=REFUSALS,
                         operation_id=f"issue_{kind_name.replace('-', '_')}", summary=f"Issue {kind_name}",
                         **common)
    router.add_api_route(f"/{kind_name}/draft", draft, response_class=Response,
                         responses={**REFUSALS, **DRAFT_RESPONSES},
                         operation_id=f"draft_{kind_name.replace('-', '_')}", summary=f"Draft {kind_name}",
                         **common)


for _name in CLUSTER_YEAR_KINDS:
    _routes(_name)
