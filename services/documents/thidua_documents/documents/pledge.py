"""Giao ước thi đua: the pledge itself, with a signature for every member unit. A pledge
has no type symbol in Phụ lục III, so it goes into the register without a number."""

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field
from thidua_events.text import Name, Note

from thidua_documents import templates
from thidua_documents.documents.base import (
    DocumentRequest,
    Needs,
    Prepared,
    cluster_issuer,
    cluster_year,
    movement_phrase,
    need_issuer,
    quoted_movement,
    sorted_by_name,
    summary_rule,
)
from thidua_documents.documents.tables import criteria_rows, drive_rows
from thidua_documents.formatting import PLACEHOLDER, paragraphs, punctuate, upper
from thidua_documents.legal import citations
from thidua_documents.snapshot import Snapshot
from thidua_documents.yearview import fold


class Target(BaseModel):
    """A registered target (chỉ tiêu): content, unit of measure, plan."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    content: Name
    unit: Name | None = None
    plan: Name | None = None


class PledgeRequest(DocumentRequest):
    legal_basis_ids: list[UUID] = Field(default_factory=list, description="Instruments of the catalogue")
    dated: date | None = Field(None, description="When no PledgeAdopted is recorded")
    targets: list[Target] = Field(default_factory=list)
    titles: list[Note] = Field(default_factory=list, description="Emulation titles registered")


def prepare(snap: Snapshot, subject: dict[str, str], request: PledgeRequest) -> Prepared:
    cluster, year = cluster_year(snap, subject)
    needs = Needs()
    record = fold(snap.year_facts(cluster.cluster_id, year))
    pledge = needs.need(record.pledge, f"the draft pledge of {year} (no PledgeDrafted recorded)")
    dated = needs.need(request.dated or record.pledge_adopted_on,
                       f"the pledge's date (no PledgeAdopted recorded for {year}; send `dated`)")
    issuer = cluster_issuer(cluster, snap.authority(cluster.authority_id), request)
    needs.check()
    need_issuer(needs, issuer)

    members = snap.unit_names(snap.members_on(cluster.cluster_id, dated), dated)
    cells = [{"unit": upper(name),
              # A representative the ledger does not name is left blank, to sign and write by hand.
              "name": (record.signatures[unit].signatory if unit in record.signatures else None) or ""}
             for unit, name in sorted_by_name(list(members.items()), lambda item: item[1])]
    empty = {"unit": "", "name": ""}
    rows = [{"left": cells[i], "right": cells[i + 1] if i + 1 < len(cells) else empty}
            for i in range(0, len(cells), 2)]
    summary = f"Phong trào thi đua{quoted_movement(record.movement)} năm {year}"
    targets = [{"no": str(n), "content": t.content, "unit": needs.part(t.unit, f"targets[{n - 1}].unit"),
                "plan": needs.part(t.plan, f"targets[{n - 1}].plan")}
               for n, t in enumerate(request.targets, start=1)]
    if not record.drives:
        needs.part(None, f"drives (no DriveLaunched for {year} in the ledger)")
    if not record.criteria:
        needs.part(None, f"criteria (no CriteriaAdopted for {year} in the ledger)")
    context = {
        "summary": summary, "summary_rule": summary_rule(summary), "placeholder": PLACEHOLDER,
        "legal_bases": punctuate(citations(snap.tx, request.legal_basis_ids, dated)),
        # No count of the members: the ledger's named members are not the whole cluster
        # unless a count is stated.
        "intro": f"Thực hiện {movement_phrase(record.movement)} năm {year}, các đơn vị thành viên "
                 f"{cluster.name} cùng ký kết “{pledge.title}” với các nội dung sau:",
        "content": needs.lines(paragraphs(pledge.content) if pledge.content else [],
                               "the pledge's content (PledgeDrafted records none)"),
        "drives": drive_rows(record),
        "targets": targets or [{"no": "1", "content": needs.part(None, "targets (chỉ tiêu đăng ký)"),
                                "unit": PLACEHOLDER, "plan": PLACEHOLDER}],
        "criteria": criteria_rows(record.criteria),
        "titles": needs.lines([p for note in request.titles for p in paragraphs(note)],
                              "titles (danh hiệu đăng ký)"),
        "signature_rows": rows,
    }
    # "Early 2018" prints as "năm 2018", never as the first of January.
    stated = request.dated or (record.pledge_conference.stated_date() if record.pledge_conference else dated)
    return Prepared(kind="pledge", template=templates.PLEDGE, type_symbol=None, issuer=issuer, dated=dated,
                    title=f"Giao ước thi đua năm {year}", context=context, missing=needs.parts, stated=stated)
