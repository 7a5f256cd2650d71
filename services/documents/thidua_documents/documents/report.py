"""Báo cáo tổng kết (year-end report with the score table and ranking) and Tờ trình (the
proposal of units and people for an award): both signed by someone the clerk names."""

from datetime import date
from uuid import UUID

from pydantic import Field
from thidua_events.facts import awards as af
from thidua_events.text import Name, Note

from thidua_documents import templates
from thidua_documents.documents.base import (
    DocumentRequest,
    Issuer,
    MissingData,
    Needs,
    Prepared,
    cluster_issuer,
    cluster_year,
    copies,
    movement_phrase,
    need_issuer,
    person_sort_key,
    signature,
    sorted_by_name,
    summary_rule,
)
from thidua_documents.documents.tables import drive_lines, scoring
from thidua_documents.formatting import PLACEHOLDER, paragraphs, points, punctuate, short_date
from thidua_documents.legal import citations
from thidua_documents.snapshot import Snapshot
from thidua_documents.yearview import YearRecord, fold, standings


class SignedRequest(DocumentRequest):
    signer: Name | None = Field(None, description="Who signs, as printed under the signature")
    signer_title: Name | None = Field(None, description='e.g. "KT. TRƯỞNG PHÒNG / PHÓ TRƯỞNG PHÒNG"')
    copies: list[Name] = Field(default_factory=lambda: ["Lưu: VT"])


class ReportRequest(SignedRequest):
    dated: date | None = Field(None, description="Default: the day of the year-end review")
    results: list[Note] = Field(default_factory=list, description="Kết quả công tác: what the year achieved")
    lessons: list[Note] = Field(default_factory=list)
    direction: list[Note] = Field(default_factory=list)


class ProposalRequest(SignedRequest):
    legal_basis_ids: list[UUID] = Field(default_factory=list, description="Instruments of the catalogue")
    attachments: list[Name] = Field(default_factory=list, description="The dossier sent with the proposal")


def _signer(needs: Needs, request: SignedRequest) -> dict[str, object]:
    return signature(needs.part(request.signer_title, "signer_title"), needs.part(request.signer, "signer"))


def _notes(notes: list[str]) -> list[str]:
    return [p for note in notes for p in paragraphs(note)]


def prepare_report(snap: Snapshot, subject: dict[str, str], request: ReportRequest) -> Prepared:
    cluster, year = cluster_year(snap, subject)
    needs = Needs()
    record = fold(snap.year_facts(cluster.cluster_id, year))
    authority = snap.authority(cluster.authority_id)
    dated = needs.need(request.dated or (record.review.effective_date if record.review else None),
                       f"the report's date (no YearEndReviewHeld recorded for {year}; send `dated`)")
    issuer = cluster_issuer(cluster, authority, request)
    needs.check()
    sign = _signer(needs, request)
    need_issuer(needs, issuer)
    rows, note = scoring(snap, record, dated)
    if not rows:
        needs.part(None, f"scores (no ScoreRecorded for {year} in the ledger)")
    summary = f"Tổng kết {movement_phrase(record.movement)} năm {year}"
    election = record.election
    elected = snap.unit_names([u for u in (election.leader_unit_id, election.deputy_unit_id) if u], dated) \
        if election else {}
    direction = _notes(request.direction)
    if election:
        leader = elected.get(election.leader_unit_id, PLACEHOLDER)
        deputy = elected.get(election.deputy_unit_id, "") if election.deputy_unit_id else ""
        direction.insert(0, f"Đơn vị Cụm trưởng năm {year + 1}: {leader}"
                            + (f"; đơn vị Cụm phó: {deputy}." if deputy else "."))
    context = {
        "summary": summary, "summary_rule": summary_rule(summary), "placeholder": PLACEHOLDER,
        "next_year": year + 1,
        "drives": drive_lines(record, needs),
        # Results are the clerk's: the review's free-text note (often who attended) is not a result.
        "results": needs.lines(_notes(request.results), "results (Kết quả công tác)"),
        "scoring_note": note, "standings": rows,
        "awards": needs.lines(_awards(snap, cluster.cluster_id, year, record, dated),
                              f"awards (no AwardConferred or CommendationsCounted for {year} in the ledger)"),
        "lessons": needs.lines(_notes(request.lessons), "lessons (bài học kinh nghiệm)"),
        "direction": needs.lines(direction, "direction (phương hướng năm sau)"),
        "copies": copies(request.copies),
        "sign": sign,
    }
    return Prepared(kind="report", template=templates.REPORT, type_symbol="BC", issuer=issuer, dated=dated,
                    title=f"Báo cáo {summary[0].lower()}{summary[1:]}", context=context, missing=needs.parts,
                    signer=request.signer, recipients=list(request.copies))


def _awards(snap: Snapshot, cluster_id: UUID, year: int, record: YearRecord, on: date) -> list[str]:
    """Decrees conferring awards for the year (less revoked recipients), then stated totals."""
    lines = []
    for decree in snap.decrees_of(cluster_id, year):
        collectives = sum(r.kind is af.RecipientKind.COLLECTIVE for r in decree.recipients)
        individuals = len(decree.recipients) - collectives
        counts = " và ".join([f"{collectives} tập thể"] * bool(collectives)
                             + [f"{individuals} cá nhân"] * bool(individuals))
        authority = snap.authority(decree.authority_id)
        of_authority = f" của {authority.name}" if authority else ""
        lines.append(f"{decree.award_kind}: {counts} (Quyết định số {decree.decree_no} ngày "
                     f"{short_date(decree.decree_date)}{of_authority})")
    for count in record.commendations:
        parts = [f"{count.collectives} tập thể"] * (count.collectives is not None) \
            + [f"{count.individuals} cá nhân"] * (count.individuals is not None)
        if parts:  # only stated counts are printed
            lines.append(f"{count.award_kind or 'Được khen thưởng'}: {' và '.join(parts)}")
    return [f"- {line}" for line in punctuate(lines)]


def prepare_proposal(snap: Snapshot, subject: dict[str, str], request: ProposalRequest) -> Prepared:
    proposal_id = UUID(subject["proposal_id"])
    fact = snap.award(proposal_id)
    if not isinstance(fact, af.AwardProposed):
        raise MissingData([f"proposal {proposal_id} (not in the ledger as of position {snap.as_of})"])
    addressee = snap.authority(fact.authority_id)
    if addressee is None:
        raise MissingData([f"authority {fact.authority_id} the proposal is sent to"])
    needs = Needs()
    dated = fact.effective_date
    issuer = _proposer(snap, fact, request)
    sign = _signer(needs, request)
    need_issuer(needs, issuer)
    record = fold(snap.year_facts(fact.cluster_id, fact.year)) if fact.cluster_id else YearRecord()
    summary = f"Về việc đề nghị tặng {fact.award_kind}"
    rows = _proposed(snap, fact, record)
    movement = f" trong {movement_phrase(record.movement)}" if record.movement else ""
    counts = " và ".join(
        [f"{n} {label}" for n, label in ((sum(r["kind"] == "collective" for r in rows), "tập thể"),
                                         (sum(r["kind"] == "individual" for r in rows), "cá nhân")) if n])
    context = {
        "summary": summary, "summary_rule": summary_rule(summary), "placeholder": PLACEHOLDER,
        "addressee": addressee.name,
        "legal_bases": punctuate(citations(snap.tx, request.legal_basis_ids, dated)),
        "intro": f"{issuer.name} kính đề nghị {addressee.name} xét, tặng {fact.award_kind} cho {counts} đã có "
                 f"thành tích{movement} năm {fact.year}, cụ thể như sau:",
        "rows": rows,
        "attachments": needs.lines([f"- {a}" for a in punctuate(request.attachments)],
                                   "attachments (the dossier sent with the proposal)"),
        "closing": f"Kính trình {addressee.name} xem xét, quyết định./.",
        "copies": copies(request.copies),
        "sign": sign,
    }
    return Prepared(kind="proposal", template=templates.PROPOSAL, type_symbol="TTr", issuer=issuer, dated=dated,
                    title=f"Tờ trình {summary[0].lower()}{summary[1:]}", context=context, missing=needs.parts,
                    signer=request.signer, recipients=list(request.copies))


def _proposer(snap: Snapshot, fact: af.AwardProposed, request: ProposalRequest) -> Issuer:
    """The proposing unit under its authority; else the cluster the proposal comes from."""
    if fact.proposed_by_unit_id:
        unit = snap.unit(fact.proposed_by_unit_id)
        name = snap.unit_name(fact.proposed_by_unit_id, fact.effective_date)
        if unit is None or name is None:
            raise MissingData([f"unit {fact.proposed_by_unit_id} that proposes"])
        parent = snap.authority(unit.authority_id)
        return Issuer(key=f"unit:{unit.unit_id}", name=name,
                      parent=parent.name if parent else None,
                      place=request.place or (parent.place if parent else None),
                      form=parent.document_form if parent else "state")
    cluster = snap.cluster(fact.cluster_id) if fact.cluster_id else None
    if cluster is None:
        raise MissingData(["the proposing unit or cluster (the proposal names neither)"])
    return cluster_issuer(cluster, snap.authority(cluster.authority_id), request)


def _proposed(snap: Snapshot, fact: af.AwardProposed, record: YearRecord) -> list[dict[str, str]]:
    """Each proposed unit with its total, rank and votes; people after units."""
    day = fact.effective_date
    table = {s.unit_id: s for s in standings(record)}
    units = [r for r in fact.recipients if r.unit_id]
    people = snap.people([r.person_id for r in fact.recipients if r.person_id], day)
    names = snap.unit_names([r.unit_id for r in units if r.unit_id] + [p.unit_id for p in people.values()], day)
    collective_rows = []
    for recipient in units:
        unit_id = recipient.subject_id
        standing = table.get(unit_id)
        collective_rows.append({
            "kind": "collective", "name": names.get(unit_id, PLACEHOLDER),
            "total": points(standing.total) if standing else "",
            "rank": str(standing.rank) if standing else "",
            "votes": _votes(record, unit_id, fact.award_kind), "achievement": recipient.achievement or ""})
    individual_rows = []
    for recipient in fact.recipients:
        person = people.get(recipient.person_id) if recipient.person_id else None
        if person is None:
            continue
        described = ", ".join(x for x in (person.rank, person.title, names.get(person.unit_id)) if x)
        individual_rows.append({"kind": "individual", "name": f"{person.full_name} ({described})" if described
                                else person.full_name, "total": "", "rank": "", "votes": "",
                                "achievement": recipient.achievement or ""})
    rows = sorted_by_name(collective_rows, lambda r: r["name"]) + sorted(
        individual_rows, key=lambda r: person_sort_key(r["name"].split(" (")[0]))
    for number, row in enumerate(rows, start=1):
        row["no"] = str(number)
    return rows


def _votes(record: YearRecord, unit_id: UUID, award_kind: str) -> str:
    """Votes out of valid ballots, from the ballot on this award if there is one."""
    ballots = sorted(record.ballots, key=lambda b: b.subject != award_kind)
    for ballot in ballots:
        for vote in ballot.votes:
            if vote.unit_id == unit_id:
                return f"{vote.votes}/{ballot.valid}"
    return ""

