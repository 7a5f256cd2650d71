"""Quyết định khen thưởng: the award decree, with the attached list (DANH SÁCH) of the
collectives and individuals it honours, named as they were on the decree's date."""

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
from thidua_documents.snapshot import Snapshot
from thidua_documents.templates.parts import TEXT_WIDTH
from thidua_documents.yearview import fold

SIGNING_PREFIXES = ("KT.", "Q.", "TL.", "TUQ.", "TM.")


class DecreeRequest(DocumentRequest):
    legal_bases: list[Name] = Field(default_factory=list, description='"Căn cứ …" lines, in order')
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


def prepare(snap: Snapshot, subject: dict[str, str], request: DecreeRequest) -> Prepared:
    decree_id = UUID(subject["decree_id"])
    fact = snap.award(decree_id)
    if not isinstance(fact, af.AwardConferred):
        raise MissingData([f"decree {decree_id} (no award conferred by it in the ledger as of position "
                           f"{snap.as_of})"])
    needs = Needs()
    authority = snap.authority(fact.authority_id)
    if authority is None:
        raise MissingData([f"authority {fact.authority_id} of the decree"])
    issuer = authority_issuer(snap, authority, request.place)
    need_issuer(needs, issuer)
    signer_title = needs.need(fact.signer_title or request.signer_title,
                              "signer_title (e.g. \"KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC\")")
    head = needs.need(request.head_title or head_title_of(signer_title),
                      'head_title (the authority line, e.g. "Giám đốc")')
    needs.need(fact.signer, "signer")
    needs.need(request.legal_bases, "legal_bases (the \"Căn cứ …\" lines)")
    needs.check()

    dated = fact.decree_date
    movement = fold(snap.year_facts(fact.cluster_id, fact.year)).movement if fact.cluster_id else None
    collectives, individuals = _recipients(snap, fact)
    achievement = (request.achievement or (
        f"đã có thành tích trong phong trào thi đua “{movement}” năm {fact.year}" if movement
        else f"đã có thành tích năm {fact.year}")).rstrip(" .")
    summary = request.summary or f"Về việc tặng {fact.award_kind}"
    head_of = f"{head.strip().capitalize()} {authority.name}"
    list_heading = "Tập thể, cá nhân" if collectives and individuals else ("Tập thể" if collectives else "Cá nhân")
    context = {
        "summary": summary,
        "summary_rule": summary_rule(summary),
        "authority_line": upper(f"{head} {authority.name}"),
        "legal_bases": punctuate([*request.legal_bases, f"Xét đề nghị của {request.proposer or PLACEHOLDER}"]),
        "article_1": f"Tặng {fact.award_kind} cho {_counts(len(collectives), len(individuals))} "
                     f"(có danh sách kèm theo), {achievement}.",
        "article_2": (request.award_money or f"Tiền thưởng: {PLACEHOLDER}; nguồn kinh phí: {PLACEHOLDER}")
        .rstrip(" .") + ".",
        "article_3": f"{request.effect.rstrip(' .')}. {(request.executors or PLACEHOLDER).rstrip(' .')} "
                     f"chịu trách nhiệm thi hành Quyết định này./.",
        "copies": copies(request.copies),
        "sign": signature(signer_title, fact.signer),
        "list": {
            "title": f"{list_heading} được tặng {fact.award_kind}",
            "dated": short_date(dated),
            "issuer": head_of,
            "rule": centred_rule_indent(TEXT_WIDTH, 1701),  # 3 cm under the caption
            "collectives_heading": f"I. TẬP THỂ ({len(collectives)})",
            "individuals_heading": f"{'II' if collectives else 'I'}. CÁ NHÂN ({len(individuals)})",
        },
        "collectives": collectives,
        "individuals": individuals,
    }
    return Prepared(kind="decree", template=templates.DECREE, type_symbol="QĐ", issuer=issuer, dated=dated,
                    title=f"Quyết định {summary[0].lower()}{summary[1:]}", context=context)


def _recipients(snap: Snapshot, fact: af.AwardConferred) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
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

