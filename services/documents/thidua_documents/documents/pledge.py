"""Giao ước thi đua: the pledge itself, with a signature for every member unit. A pledge
has no type symbol in Phụ lục III, so it goes into the register without a number."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field
from thidua_events.text import Name, Note

from thidua_documents import templates
from thidua_documents.documents.base import (
    DocumentRequest,
    Needs,
    Prepared,
    cluster_issuer,
    cluster_year,
    need_issuer,
    or_placeholder,
    sorted_by_name,
    summary_rule,
)
from thidua_documents.documents.tables import criteria_rows, drive_rows
from thidua_documents.formatting import PLACEHOLDER, paragraphs, punctuate, upper
from thidua_documents.snapshot import Snapshot
from thidua_documents.yearview import fold


class Target(BaseModel):
    """A registered target (chỉ tiêu): content, unit of measure, plan."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    content: Name
    unit: Name | None = None
    plan: Name | None = None


class PledgeRequest(DocumentRequest):
    legal_bases: list[Name] = Field(default_factory=list)
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
    need_issuer(needs, issuer, numbered=False)
    needs.check()

    members = snap.unit_names(snap.members_on(cluster.cluster_id, dated), dated)
    cells = [{"unit": upper(name),
              "name": (record.signatures[unit].signatory if unit in record.signatures else None) or PLACEHOLDER}
             for unit, name in sorted_by_name(list(members.items()), lambda item: item[1])]
    empty = {"unit": "", "name": ""}
    rows = [{"left": cells[i], "right": cells[i + 1] if i + 1 < len(cells) else empty}
            for i in range(0, len(cells), 2)]
    summary = f"Phong trào thi đua “{record.movement}” năm {year}"
    targets = [{"no": str(n), "content": t.content, "unit": t.unit or PLACEHOLDER, "plan": t.plan or PLACEHOLDER}
               for n, t in enumerate(request.targets, start=1)]
    context = {
        "summary": summary, "summary_rule": summary_rule(summary), "placeholder": PLACEHOLDER,
        "legal_bases": punctuate(request.legal_bases),
        "intro": f"Thực hiện phong trào thi đua “{record.movement}” năm {year}, {len(members)} đơn vị thành viên "
                 f"{cluster.name} cùng ký kết “{pledge.title}” với các nội dung sau:",
        "content": paragraphs(pledge.content),
        "drives": drive_rows(record),
        "targets": targets or [{"no": "1", "content": PLACEHOLDER, "unit": PLACEHOLDER, "plan": PLACEHOLDER}],
        "criteria": criteria_rows(record.criteria),
        "titles": or_placeholder([p for note in request.titles for p in paragraphs(note)]),
        "signature_rows": rows,
    }
    return Prepared(kind="pledge", template=templates.PLEDGE, type_symbol=None, issuer=issuer, dated=dated,
                    title=f"Giao ước thi đua năm {year}", context=context)
