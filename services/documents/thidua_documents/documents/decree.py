"""Quyết định khen thưởng: the award decree, with the attached list (DANH SÁCH) of the
collectives and individuals it honours, named as they were on the decree's date."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from pydantic import Field
from thidua_events.facts import awards as af
from thidua_events.text import Name, Note

from thidua_documents import templates
from thidua_documents.documents.base import (
    DocumentRequest,
    MissingData,
    Needs,
    Prepared,
    authority_issuer,
    copies,
    need_issuer,
    person_sort_key,
    signature,
    sorted_by_name,
    summary_rule,
)
from thidua_documents.formatting import PLACEHOLDER, centred_rule_indent, punctuate, short_date, upper
from thidua_documents.legal import citations
from thidua_documents.snapshot import Snapshot
from thidua_documents.templates.parts import TEXT_WIDTH
from thidua_documents.yearview import fold

SIGNING_PREFIXES = ("KT.", "Q.", "TL.", "TUQ.", "TM.")


class DecreeRequest(DocumentRequest):
    legal_basis_ids: list[UUID] = Field(default_factory=list, description='"Căn cứ …" lines: instruments of '
                                        "the catalogue (/documents/legal-instruments), in order")
    proposer: Name | None = Field(None, description='Whose proposal: "Xét đề nghị của …"')
    head_title: Name | None = Field(None, description='The head of the authority, e.g. "Giám đốc"; '
                                                      'read from a "KT. GIÁM ĐỐC / …" signer title if absent')
    signer_title: Name | None = Field(None, description="When the decree fact records none")
    summary: Name | None = Field(None, description='Default: "Về việc tặng <award>"')
    achievement: Note | None = Field(None, description="What Điều 1 says they achieved")
    award_money: Note | None = Field(None, description="Điều 2: the award money and its source")
    executors: Note | None = Field(None, description="Điều 3: who executes the decree")
    effect: Name = "Quyết định này có hiệu lực kể từ ngày ký"
    copies: list[Name] = Field(default_factory=lambda: ["Như Điều 3", "Lưu: VT"])


class NewDecreeRequest(DecreeRequest):
    """A decree drafted from a proposal (tờ trình): numbered when issued, and the conferral it
    decides then recorded in the ledger with that number."""

    proposal_id: UUID = Field(description="The proposal (AwardProposed) the decree decides")
    decree_date: date | None = Field(None, description="Default, when issued: today (Vietnam's time)")
    signer: Name | None = Field(None, description="Who signs, e.g. \"Thiếu tướng Đoàn Ngọc Hùng\"")
    decree_id: UUID | None = Field(None, description="Set by the service when issued")


@dataclass(frozen=True)
class Decision:
    """What a decree decides: read from a recorded conferral, or from a proposal and the request."""

    decree_date: date
    authority_id: UUID
    signer: str | None
    signer_title: str | None
    award_kind: str
    year: int
    cluster_id: UUID | None
    recipients: tuple[af.Recipient, ...]
    number: str | None  # as the ledger records it


def head_title_of(signer_title: str | None) -> str | None:
    """"KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC" is signed for the Giám đốc; "GIÁM ĐỐC" by the head
    himself. Other forms (TM., TL. ...) do not name the head: the clerk must."""
    if not signer_title:
        return None
    first = signer_title.split("/")[0].strip()
    if first.upper().startswith("KT."):
        return first[3:].strip() or None
    if "/" not in signer_title and not first.upper().startswith(SIGNING_PREFIXES):
        return first
    return None


def _counts(collectives: int, individuals: int) -> str:
    parts = [f"{collectives} tập thể"] * bool(collectives) + [f"{individuals} cá nhân"] * bool(individuals)
    return " và ".join(parts)


def _decision(snap: Snapshot, decree_id: UUID, request: DecreeRequest) -> Decision:
    fact = snap.award(decree_id)
    if isinstance(request, NewDecreeRequest):
        if fact is not None:
            raise MissingData([f"decree_id {decree_id} (already a decree in the ledger: issue it by its id)"])
        proposal = snap.award(request.proposal_id)
        if not isinstance(proposal, af.AwardProposed):
            raise MissingData([f"proposal_id {request.proposal_id} (no proposal in the ledger as of position "
                               f"{snap.as_of})"])
        if request.decree_date is None:
            raise MissingData(["decree_date"])
        return Decision(request.decree_date, proposal.authority_id, request.signer, request.signer_title,
                        proposal.award_kind, proposal.year, proposal.cluster_id, proposal.recipients, None)
    if not isinstance(fact, af.AwardConferred):
        raise MissingData([f"decree {decree_id} (no award conferred by it in the ledger as of position "
                           f"{snap.as_of})"])
    return Decision(fact.decree_date, fact.authority_id, fact.signer, fact.signer_title or request.signer_title,
                    fact.award_kind, fact.year, fact.cluster_id, fact.recipients, fact.decree_no)


def _proposer(snap: Snapshot, request: DecreeRequest, on: date) -> str | None:
    """Whose proposal: the clerk's words, else the unit the proposal names as its proposer."""
    if request.proposer or not isinstance(request, NewDecreeRequest):
        return request.proposer
    proposal = snap.award(request.proposal_id)
    if isinstance(proposal, af.AwardProposed) and proposal.proposed_by_unit_id:
        return snap.unit_name(proposal.proposed_by_unit_id, on)
    return None


def prepare(snap: Snapshot, subject: dict[str, str], request: DecreeRequest) -> Prepared:
    decision = _decision(snap, UUID(subject["decree_id"]), request)
    needs = Needs()
    authority = snap.authority(decision.authority_id)
    if authority is None:
        raise MissingData([f"authority {decision.authority_id} of the decree"])
    dated = decision.decree_date
    issuer = authority_issuer(snap, authority, request.place)
    need_issuer(needs, issuer)
    signer_title = needs.part(decision.signer_title, "signer_title (e.g. \"KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC\")")
    head = needs.part(request.head_title or head_title_of(decision.signer_title),
                      'head_title (the authority line, e.g. "Giám đốc")')
    signer = needs.part(decision.signer, "signer")
    bases = needs.lines(citations(snap.tx, request.legal_basis_ids, dated),
                        "legal_basis_ids (the \"Căn cứ …\" lines, from the catalogue)")
    proposer = needs.part(_proposer(snap, request, dated), 'proposer ("Xét đề nghị của …")')
    money = needs.part(request.award_money, "award_money (Điều 2: the award money and its source)")
    executors = needs.part(request.executors, "executors (Điều 3: who executes the decree)")
    needs.check()

    movement = fold(snap.year_facts(decision.cluster_id, decision.year)).movement if decision.cluster_id else None
    collectives, individuals = _recipients(snap, decision)
    achievement = (request.achievement or (
        f"đã có thành tích trong phong trào thi đua “{movement}” năm {decision.year}" if movement
        else f"đã có thành tích năm {decision.year}")).rstrip(" .")
    summary = request.summary or f"Về việc tặng {decision.award_kind}"
    head_of = f"{head.strip().capitalize()} {authority.name}" if head != PLACEHOLDER else PLACEHOLDER
    list_heading = "Tập thể, cá nhân" if collectives and individuals else ("Tập thể" if collectives else "Cá nhân")
    context = {
        "summary": summary,
        "summary_rule": summary_rule(summary),
        "authority_line": upper(f"{head} {authority.name}") if head != PLACEHOLDER else PLACEHOLDER,
        "legal_bases": punctuate([*bases, f"Xét đề nghị của {proposer}"]),
        "article_1": f"Tặng {decision.award_kind} cho {_counts(len(collectives), len(individuals))} "
                     f"(có danh sách kèm theo), {achievement}.",
        "article_2": money.rstrip(" .") + ".",
        "article_3": f"{request.effect.rstrip(' .')}. {executors.rstrip(' .')} "
                     f"chịu trách nhiệm thi hành Quyết định này./.",
        "copies": copies(request.copies),
        "sign": signature(signer_title, signer),
        "list": {
            "title": f"{list_heading} được tặng {decision.award_kind}",
            "dated": short_date(dated),
            "issuer": head_of,
            "rule": centred_rule_indent(TEXT_WIDTH, 1701),  # 3 cm under the caption
            "collectives_heading": f"I. TẬP THỂ ({len(collectives)})",
            "individuals_heading": f"{'II' if collectives else 'I'}. CÁ NHÂN ({len(individuals)})",
        },
        "collectives": collectives,
        "individuals": individuals,
        "decision": decision,  # not printed: what conferral() records in the ledger
    }
    return Prepared(kind="decree", template=templates.DECREE, type_symbol="QĐ", issuer=issuer, dated=dated,
                    title=f"Quyết định {summary[0].lower()}{summary[1:]}", context=context,
                    missing=needs.parts, signer=decision.signer, recipients=list(request.copies),
                    recorded_number=decision.number)


def conferral(prepared: Prepared, request: NewDecreeRequest, number_text: str) -> dict[str, object]:
    """The AwardConferred fact a new decree records in the ledger, with the number it was given."""
    decision: Decision = prepared.context["decision"]
    return {
        "effective_date": decision.decree_date.isoformat(), "decree_id": str(request.decree_id),
        "decree_no": number_text, "decree_date": decision.decree_date.isoformat(),
        "authority_id": str(decision.authority_id), "signer": decision.signer,
        "signer_title": decision.signer_title, "award_kind": decision.award_kind, "year": decision.year,
        "cluster_id": str(decision.cluster_id) if decision.cluster_id else None,
        "recipients": [r.model_dump(mode="json", exclude_none=True) for r in decision.recipients],
        "source_ref": f"Tờ trình (AwardProposed {request.proposal_id})",
    }


def _recipients(snap: Snapshot, fact: Decision) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The list's rows: collectives by name, individuals by given name then full name (the
    Vietnamese order of a list of people), both in Vietnamese alphabetical order."""
    day = fact.decree_date
    units = [r for r in fact.recipients if r.kind is af.RecipientKind.COLLECTIVE]
    persons = [r for r in fact.recipients if r.kind is af.RecipientKind.INDIVIDUAL]
    people = snap.people([r.person_id for r in persons if r.person_id], day)
    unit_ids = [r.unit_id for r in units if r.unit_id] + [p.unit_id for p in people.values()]
    names = snap.unit_names(unit_ids, day)
    missing = [f"unit {r.unit_id}" for r in units if r.unit_id not in names]
    missing += [f"person {r.person_id}" for r in persons if r.person_id not in people]
    if missing:
        raise MissingData([f"{what} named by the decree (not in the ledger as of position {snap.as_of})"
                           for what in missing])
    collectives = sorted_by_name(
        [{"name": names[r.unit_id], "achievement": r.achievement or ""} for r in units if r.unit_id],
        lambda row: row["name"])
    individuals = []
    for recipient in persons:
        person = people[recipient.subject_id]
        individuals.append({"name": person.full_name, "rank": person.rank or "", "title": person.title or "",
                            "unit": names.get(person.unit_id, ""), "achievement": recipient.achievement or ""})
    individuals = sorted(individuals, key=lambda row: person_sort_key(row["name"]))
    for rows in (collectives, individuals):
        for number, row in enumerate(rows, start=1):
            row["no"] = str(number)
    return collectives, individuals

