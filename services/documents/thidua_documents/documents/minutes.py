"""Biên bản: of the year-end review and honouring, of the pledge signing, and of the
rotating-flag handover. Minutes go out under the cluster's name; THƯ KÝ signs on the
left, CHỦ TỌA on the right."""

from datetime import date
from typing import Any
from uuid import UUID

from pydantic import Field
from thidua_events.facts import Fact
from thidua_events.facts.conference import Conference, Official
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
    signature,
    sorted_by_name,
    summary_rule,
)
from thidua_documents.documents.tables import criteria_rows, drive_lines, scoring, unit_list
from thidua_documents.formatting import PLACEHOLDER, on_stated, paragraphs, percent, punctuate
from thidua_documents.snapshot import ClusterView, Snapshot
from thidua_documents.yearview import YearRecord, fold


def _time(needs: Needs, value: str | None, what: str) -> str:
    return value or f"{needs.part(None, what)} giờ {PLACEHOLDER}"


class MinutesRequest(DocumentRequest):
    chair: Name | None = Field(None, description="Who presided (chủ tọa), when the ledger records none")
    secretary: Name | None = Field(None, description="Who took the minutes (thư ký)")
    started_at: Name | None = Field(None, description='e.g. "08 giờ 00"')
    ended_at: Name | None = Field(None, description='e.g. "11 giờ 30"')
    venue: Name | None = Field(None, description="Địa điểm, when the ledger records none")
    guests: list[Name] = Field(default_factory=list, description="Attendance besides the member units")
    discussion: list[Note] = Field(default_factory=list)


class ReviewMinutesRequest(MinutesRequest):
    report: list[Note] = Field(default_factory=list, description="What the year-end report presented said")
    next_pledge: list[Note] = Field(default_factory=list, description="What was said of next year's pledge")


class PledgeMinutesRequest(MinutesRequest):
    held_on: date | None = Field(None, description="The conference date, when not the day of adoption")


class FlagMinutesRequest(DocumentRequest):
    giver_representative: Name | None = None
    receiver_representative: Name | None = None
    witness: Name | None = Field(None, description="Who witnessed (chứng kiến); default: the review's chair")
    venue: Name | None = None
    ended_at: Name | None = None
    notes: list[Note] = Field(default_factory=list)


def _notes(notes: list[str]) -> list[str]:
    return [p for note in notes for p in paragraphs(note)]


def official_line(official: Official) -> str:
    """"- Thiếu tướng Đỗ Ngọc Cẩn, Phó Tổng cục trưởng Tổng cục Chính trị CAND (dự)": the
    role exactly as the fact states it, rank and post only where stated."""
    who = " ".join(part for part in (official.rank, official.name) if part)
    return f"- {who}" + (f", {official.post}" if official.post else "") + f" ({official.role.value})"


def _meeting(snap: Snapshot, cluster: ClusterView, dated: date, request: MinutesRequest, chair: str | None,
             venue: str | None, needs: Needs, stated: date | str | None = None,
             conference: Conference | None = None) -> dict[str, Any]:
    """Opening, attendance and closing, and the two signatures. The member units the ledger
    names are listed without a count: named members are not the whole cluster unless a
    count is stated."""
    members = snap.unit_names(snap.members_on(cluster.cluster_id, dated), dated)
    names = sorted_by_name(list(members.values()), lambda name: name)
    officials = [official_line(o) for o in conference.officials] if conference else []
    # The senior officers present follow the member units, like the guests the clerk adds.
    attendance = punctuate([*(f"+ {name}" for name in names), *officials, *(f"- {guest}" for guest in request.guests)])
    chair_text = needs.part(chair, "chair (chủ tọa)")
    secretary = needs.part(request.secretary, "secretary (thư ký)")
    return {
        "opening": f"bắt đầu lúc {_time(needs, request.started_at, 'started_at (giờ bắt đầu)')}, "
                   f"{on_stated(stated or dated)}.",
        "place": f"{needs.part(venue, 'venue (địa điểm)').rstrip('.')}.",
        "chair": chair_text,
        "secretary": secretary,
        "members_line": f"- Đại diện các đơn vị thành viên {cluster.name}:",
        "attendance": attendance,
        "discussion": needs.lines(_notes(request.discussion), "discussion (ý kiến thảo luận)"),
        "closing": f"{_time(needs, request.ended_at, 'ended_at (giờ kết thúc)')}, {on_stated(stated or dated)}",
        "left": signature("THƯ KÝ", secretary),
        "right": signature("CHỦ TỌA", chair_text),
    }


def _on(fact: Fact, year: int) -> str:
    """", ngày 15 tháng 01 năm 2019" after the year's name; nothing when the fact states only that year."""
    stated = fact.stated_date()
    return "" if stated == str(year) else f", {on_stated(stated)}"


def _previous_leader(snap: Snapshot, cluster_id: UUID, year: int) -> UUID | None:
    election = fold(snap.year_facts(cluster_id, year - 1)).election
    return election.leader_unit_id if election else None


def prepare_review(snap: Snapshot, subject: dict[str, str], request: ReviewMinutesRequest) -> Prepared:
    cluster, year = cluster_year(snap, subject)
    needs = Needs()
    record = fold(snap.year_facts(cluster.cluster_id, year))
    review = needs.need(record.review, f"the year-end review of {year} (no YearEndReviewHeld recorded)")
    issuer = cluster_issuer(cluster, snap.authority(cluster.authority_id), request)
    needs.check()
    need_issuer(needs, issuer)
    dated = review.effective_date
    rows, note = scoring(snap, record, dated)
    if not rows:
        needs.part(None, f"scores (no ScoreRecorded for {year} in the ledger)")
    summary = f"Hội nghị tổng kết {movement_phrase(record.movement)} năm {year}"
    context = {
        **_meeting(snap, cluster, dated, request, request.chair or review.chair, request.venue or review.place,
                   needs, review.stated_date(), review),
        "summary": summary, "summary_rule": summary_rule(summary), "placeholder": PLACEHOLDER,
        "year": year, "next_year": year + 1,
        # The review's own summary is a free-text note (often who attended): never printed as results.
        "report": needs.lines(_notes(request.report), "report (what the year-end report presented)"),
        "scoring_note": note, "standings": rows,
        "ballots": _ballots(snap, record, dated, needs),
        "honours": needs.lines([f"{h.title}: {unit_list(snap, h.unit_ids, dated)}." for h in record.honours],
                               f"honours (no UnitsHonoured for {year} in the ledger)"),
        "election": _election(snap, record, dated, needs),
        "next_pledge": needs.lines(_notes(request.next_pledge), "next_pledge (next year's pledge)"),
    }
    return Prepared(kind="review-minutes", template=templates.REVIEW_MINUTES, type_symbol="BB", issuer=issuer,
                    dated=dated, title=f"Biên bản {summary[0].lower()}{summary[1:]}", context=context,
                    missing=needs.parts, signer=request.chair or review.chair, recipients=["Lưu: VT, Hồ sơ"],
                    stated=review.stated_date())


def _ballots(snap: Snapshot, record: YearRecord, dated: date, needs: Needs) -> list[dict[str, Any]]:
    """Each secret ballot: ballots issued, returned, valid, and the votes per unit (most first)."""
    if not record.ballots:
        needs.part(None, "ballots (no BallotHeld for the year in the ledger)")
    result = []
    for ballot in record.ballots:
        names = snap.unit_names([v.unit_id for v in ballot.votes], dated)
        votes = sorted(ballot.votes, key=lambda v: (-v.votes, names.get(v.unit_id, "")))
        result.append({
            "summary": f"Bỏ phiếu kín: {ballot.subject}. Số phiếu phát ra: {ballot.issued}; số phiếu thu về: "
                       f"{ballot.returned}; số phiếu hợp lệ: {ballot.valid}. Kết quả:",
            "votes": [{"no": str(n), "unit": names.get(v.unit_id, PLACEHOLDER), "votes": str(v.votes),
                       "share": percent(v.votes, ballot.valid)} for n, v in enumerate(votes, start=1)],
        })
    return result


def _election(snap: Snapshot, record: YearRecord, dated: date, needs: Needs) -> list[str]:
    election = record.election
    if election is None:
        return [needs.part(None, "election (no LeadershipElected for the year in the ledger)")]
    names = snap.unit_names([u for u in (election.leader_unit_id, election.deputy_unit_id) if u], dated)
    lines = [f"Đơn vị Cụm trưởng năm {election.for_year}: {names.get(election.leader_unit_id, PLACEHOLDER)}."]
    if election.deputy_unit_id:
        lines.append(f"Đơn vị Cụm phó năm {election.for_year}: "
                     f"{names.get(election.deputy_unit_id, PLACEHOLDER)}.")
    return lines


def prepare_pledge_minutes(snap: Snapshot, subject: dict[str, str], request: PledgeMinutesRequest) -> Prepared:
    cluster, year = cluster_year(snap, subject)
    needs = Needs()
    record = fold(snap.year_facts(cluster.cluster_id, year))
    pledge = needs.need(record.pledge, f"the draft pledge of {year} (no PledgeDrafted recorded)")
    dated = needs.need(request.held_on or record.pledge_adopted_on,
                       f"the signing date (no PledgeAdopted recorded for {year}; send `held_on`)")
    issuer = cluster_issuer(cluster, snap.authority(cluster.authority_id), request)
    needs.check()
    need_issuer(needs, issuer)
    # Who drafted is printed only when the ledger says; the drafter's role only when the
    # ledger names the drafter and it was the leader elected the year before.
    drafter = snap.unit_name(pledge.drafted_by_unit_id, dated) if pledge.drafted_by_unit_id else None
    role = (f" (đơn vị Cụm trưởng năm {year})" if pledge.drafted_by_unit_id is not None
            and _previous_leader(snap, cluster.cluster_id, year) == pledge.drafted_by_unit_id else "")
    presented = (f"{drafter}{role} trình bày dự thảo “{pledge.title}”." if drafter
                 else f"Hội nghị nghe trình bày dự thảo “{pledge.title}”.")
    # "Early 2018" prints as "năm 2018", never as the first of January.
    conference = record.pledge_conference
    stated = request.held_on or (conference.stated_date() if conference else dated)
    signed = snap.unit_names(record.signatures, dated)
    summary = f"Hội nghị ký kết giao ước thi đua{quoted_movement(record.movement)} năm {year}"
    signed_lines = [f"+ {signed[u]}" + (f" (người ký: {s.signatory})" if s.signatory else "")
                    for u, s in record.signatures.items() if u in signed]
    context = {
        **_meeting(snap, cluster, dated, request, request.chair or (conference.chair if conference else None),
                   request.venue or (conference.place if conference else None), needs, stated, conference),
        "summary": summary, "summary_rule": summary_rule(summary), "placeholder": PLACEHOLDER,
        "draft": [presented, *(paragraphs(pledge.content) if pledge.content else [])],
        "criteria": criteria_rows(record.criteria),
        "drives": drive_lines(record, needs),
        "adoption": ([f"Hội nghị thống nhất thông qua giao ước thi đua năm {year}"
                      f"{_on(record.pledge_conference, year)}."] if record.pledge_conference
                     else [needs.part(None, f"the adoption (no PledgeAdopted for {year} in the ledger)")]),
        # The units the ledger records as signing, without a count of the whole: a named
        # list is not the cluster unless its size is stated.
        "signed": (["Các đơn vị đã ký kết giao ước:", *punctuate(sorted_by_name(signed_lines, lambda line: line))]
                   if signed_lines else [needs.part(None, f"signatures (no PledgeSigned for {year})")]),
    }
    if not record.criteria:
        needs.part(None, f"criteria (no CriteriaAdopted for {year} in the ledger)")
    return Prepared(kind="pledge-minutes", template=templates.PLEDGE_MINUTES, type_symbol="BB", issuer=issuer,
                    dated=dated, title=f"Biên bản {summary[0].lower()}{summary[1:]}", context=context,
                    missing=needs.parts, signer=request.chair or (conference.chair if conference else None),
                    recipients=["Lưu: VT, Hồ sơ"], stated=stated)


def prepare_flag(snap: Snapshot, subject: dict[str, str], request: FlagMinutesRequest) -> Prepared:
    cluster, year = cluster_year(snap, subject)
    needs = Needs()
    record = fold(snap.year_facts(cluster.cluster_id, year))
    handover = needs.need(record.handovers[-1] if record.handovers else None,
                          f"the flag handover of {year} (no RotatingFlagHandedOver recorded)")
    issuer = cluster_issuer(cluster, snap.authority(cluster.authority_id), request)
    needs.check()
    need_issuer(needs, issuer)
    giver_rep = needs.part(request.giver_representative, "giver_representative (who hands the flag over)")
    receiver_rep = needs.part(request.receiver_representative, "receiver_representative (who receives the flag)")
    dated = handover.effective_date
    names = snap.unit_names([handover.from_unit_id, handover.to_unit_id], dated)
    giver, receiver = names.get(handover.from_unit_id, PLACEHOLDER), names.get(handover.to_unit_id, PLACEHOLDER)
    giver_role = (f" (đơn vị Cụm trưởng năm {year})"
                  if _previous_leader(snap, cluster.cluster_id, year) == handover.from_unit_id else "")
    elected = record.election
    receiver_role = (f" (đơn vị Cụm trưởng năm {year + 1})"
                     if elected and elected.leader_unit_id == handover.to_unit_id else "")
    same_day_review = record.review if record.review and record.review.effective_date == dated else None
    venue = needs.part(request.venue or (same_day_review.place if same_day_review else None), "venue (địa điểm)")
    witness = needs.part(request.witness or (same_day_review.chair if same_day_review else None),
                         "witness (người chứng kiến)")
    summary = f"Bàn giao Cờ luân lưu {cluster.name} năm {year}"
    context = {
        "summary": summary, "summary_rule": summary_rule(summary),
        "opening": f"Hôm nay, {on_stated(handover.stated_date())}, tại {venue}, {cluster.name} tổ chức "
                   f"bàn giao Cờ luân lưu của Cụm thi đua năm {year}.",
        "giver": {"unit": giver + giver_role, "representative": giver_rep,
                  **_titled(signature("ĐẠI DIỆN BÊN GIAO", giver_rep))},
        "receiver": {"unit": receiver + receiver_role, "representative": receiver_rep,
                     **_titled(signature("ĐẠI DIỆN BÊN NHẬN", receiver_rep))},
        "witness": witness,
        "content": [f"{giver} bàn giao Cờ luân lưu của {cluster.name} cho {receiver}.", *_notes(request.notes)],
        "closing": f"{_time(needs, request.ended_at, 'ended_at (giờ kết thúc)')}, {on_stated(handover.stated_date())}",
    }
    return Prepared(kind="flag-handover-minutes", template=templates.FLAG_MINUTES, type_symbol="BB", issuer=issuer,
                    dated=dated, title=f"Biên bản {summary[0].lower()}{summary[1:]}", context=context,
                    missing=needs.parts, signer=request.giver_representative, recipients=["Lưu: VT, Hồ sơ"],
                    stated=handover.stated_date())


def _titled(sign: dict[str, Any]) -> dict[str, Any]:
    return {"title_lines": sign["title_lines"]}
