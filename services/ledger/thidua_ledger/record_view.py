"""Everything recorded about one cluster's emulation year, readable without the raw events:
the pledge and each signature with its stated date, the criteria tree, drives, conferences
(the flag handover too), the working group, the regulation, stated counts beside named
ones, ballots, honours, the election, and the corrections applied with their reasons."""

from datetime import date
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, Field
from thidua_events.facts.cluster import (
    BallotThreshold,
    RegulationAdopted,
    RotatingFlagHandedOver,
    WorkingGroupEstablished,
)
from thidua_events.facts.conference import Official
from thidua_events.facts.year import (
    BallotHeld,
    CommendationsCounted,
    Criterion,
    DriveClosed,
    DriveLaunched,
    MidYearReviewHeld,
    PledgeAdopted,
    PledgeDrafted,
    PledgeSigned,
    UnitsHonoured,
    YearEndReviewHeld,
)

from thidua_ledger.application import Ledger
from thidua_ledger.audit.clocks import NOW, Clock
from thidua_ledger.domain.cluster import Cluster
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.in_force import CorrectionPublic, Folded, InForce, fold_known
from thidua_ledger.refs import UnitRef, UnitRefs, name_day

Stated = date | str
"""A day, or "2018-03" or "2018" where the source states no more (date_precision)."""


class SignaturePublic(BaseModel):
    unit: UnitRef
    signed_on: Stated
    signatory: str | None = Field(description="Who signed for the unit, where stated")
    event_id: str


class PledgePublic(BaseModel):
    """Giao ước thi đua: the leader's draft, as recorded."""

    title: str
    content: str | None
    drafted_by: UnitRef | None
    drafted_on: Stated
    event_id: str


class CriterionPublic(BaseModel):
    code: str
    title: str
    max_points: Decimal
    parent_code: str | None = Field(description="The criterion this one refines; null at the top level")
    order: int = Field(description="Position among its siblings, from 1, as adopted")
    depth: int = Field(description="0 at the top level")
    leaf: bool = Field(description="Scored directly; a parent's points are its children's sum")


class FlagHandoverPublic(BaseModel):
    from_unit: UnitRef | None
    to_unit: UnitRef | None
    on: Stated
    place: str | None
    chair: str | None
    officials: list[Official]
    summary: str | None
    event_id: str


class WorkingGroupPublic(BaseModel):
    """Tổ giúp việc: the group the cluster leader set up by decision."""

    established_on: Stated
    decision_ref: str | None
    members: list[str]
    event_id: str


class RegulationPublic(BaseModel):
    """Quy chế hoạt động: the cluster's own rules, as adopted."""

    adopted_on: Stated
    title: str
    content: str | None
    honour_threshold: BallotThreshold | None
    event_id: str


class CommendationsStatedPublic(BaseModel):
    collectives: int | None
    individuals: int | None
    award_kind: str | None
    event_id: str


class YearPublic(BaseModel):
    """Dates are days (2019-11-14), or a month (2018-03) or a year (2018) where the source states
    no more."""

    cluster_id: UUID
    year: int
    entity_id: UUID = Field(description="The year's entity: its facts at /entities/{entity_id}/events")
    movement: str | None
    pledge: PledgePublic | None
    pledge_drafted_on: Stated | None
    pledge_adopted_on: Stated | None
    signed_by: list[UnitRef]
    signatures: list[SignaturePublic] = Field(description="Each unit's signature with its stated date")
    criteria: list[CriterionPublic] = Field(description="The criteria tree in its adopted order (pre-order)")
    drives: list[dict[str, object]] = Field(description="{drive_no, title, launched_on, closed_on}, dates as "
                                                        "stated")
    drives_named: int = Field(description="How many drives are recorded one by one above")
    drives_stated: int | None = Field(description="How many drives a source says the year had, recorded "
                                                  "one by one above or not")
    mid_year_review_on: Stated | None
    year_end_review_on: Stated | None
    ballots: list[BallotHeld]
    honours: list[UnitsHonoured]
    leader_elected: UnitRef | None
    deputy_elected: UnitRef | None
    closed_on: Stated | None
    conferences: dict[str, PledgeAdopted | MidYearReviewHeld | YearEndReviewHeld | RotatingFlagHandedOver] = Field(
        description="The pledge conference, the reviews and the year's last flag handover "
                    "(\"flag_handover\"), with place, chair, the officials present (rank, post and role "
                    "as the source states it: dự và chủ trì, dự và chỉ đạo, dự) and summary")
    flag_handovers: list[FlagHandoverPublic]
    working_group: WorkingGroupPublic | None
    regulations: list[RegulationPublic] = Field(description="The cluster's regulations adopted by the "
                                                            "year's end, oldest first")
    members_named: int = Field(description="How many members the ledger names in the year")
    members_stated: int | None = Field(description="How many members a source says the cluster had "
                                                   "(e.g. 8 stated, 3 named); null where none says")
    commendations_stated: list[CommendationsStatedPublic] = Field(
        description="Totals a source states without names (120 collectives, 357 individuals)")
    corrections: list[CorrectionPublic] = Field(
        description="Corrections and retractions known at the read's position, of the year's facts and "
                    "of the cluster facts shown here, with their reasons")


def criteria_tree(criteria: dict[str, Criterion]) -> list[CriterionPublic]:
    children = {child.code for c in criteria.values() for child in c.children}
    found: list[CriterionPublic] = []

    def walk(level: list[Criterion] | tuple[Criterion, ...], parent: str | None, depth: int) -> None:
        for order, criterion in enumerate(level, start=1):
            found.append(CriterionPublic(code=criterion.code, title=criterion.title,
                                         max_points=criterion.max_points, parent_code=parent, order=order,
                                         depth=depth, leaf=not criterion.children))
            walk(criterion.children, criterion.code, depth + 1)

    walk([c for code, c in criteria.items() if code not in children], None, 0)
    return found


def _drives(folded: Folded[EmulationYear], record: EmulationYear) -> list[dict[str, object]]:
    """The drives in force, each date as its source states it."""
    stated: dict[tuple[int, str], Stated] = {}
    for held in folded.facts:
        if isinstance(held.fact, DriveLaunched | DriveClosed):
            stated[(held.fact.drive_no, type(held.fact).__name__)] = held.fact.stated_date()
    return [{"drive_no": n, "title": title,
             "launched_on": stated.get((n, "DriveLaunched"), launched),
             "closed_on": stated.get((n, "DriveClosed"), closed) if closed else None}
            for n, (title, launched, closed) in sorted(record.drives.items())]


def _cluster_parts(cluster: Folded[Cluster], year: int, refs: UnitRefs) -> tuple[
        list[InForce], list[FlagHandoverPublic], WorkingGroupPublic | None, list[RegulationPublic]]:
    shown: list[InForce] = []
    handovers, regulations, group = [], [], None
    for held in cluster.facts:
        fact = held.fact
        if isinstance(fact, RotatingFlagHandedOver) and fact.year == year:
            handovers.append(FlagHandoverPublic(
                from_unit=refs(fact.from_unit_id), to_unit=refs(fact.to_unit_id), on=fact.stated_date(),
                place=fact.place, chair=fact.chair, officials=list(fact.officials), summary=fact.summary,
                event_id=held.event_id))
        elif isinstance(fact, WorkingGroupEstablished) and fact.year == year:
            group = WorkingGroupPublic(established_on=fact.stated_date(), decision_ref=fact.decision_ref,
                                       members=list(fact.members), event_id=held.event_id)
        elif isinstance(fact, RegulationAdopted) and fact.effective_date <= date(year, 12, 31):
            regulations.append(RegulationPublic(
                adopted_on=fact.stated_date(), title=fact.title, content=fact.content,
                honour_threshold=fact.honour_threshold, event_id=held.event_id))
        else:
            continue
        shown.append(held)
    return shown, handovers, group, regulations


def year_record(ledger: Ledger, cluster_id: UUID, year: int, clock: Clock = NOW) -> YearPublic:
    folded = fold_known(ledger, EmulationYear, year_id(cluster_id, year), clock)
    cluster = fold_known(ledger, Cluster, cluster_id, clock)
    record = folded.entity
    refs = UnitRefs(ledger, name_day(year, ledger.today(), clock), clock)
    election = record.election

    def stated(attribute: str) -> Stated | None:
        """A date as its source states it: "2018" for "early 2018", never 2018-01-01."""
        day: date | None = getattr(record, attribute)
        return record.stated_dates.get(attribute, day)

    signatures = [SignaturePublic(unit=ref, signed_on=held.fact.stated_date(), signatory=held.fact.signatory,
                                  event_id=held.event_id)
                  for held in folded.facts
                  if isinstance(held.fact, PledgeSigned) and (ref := refs(held.fact.unit_id))]
    drafts = [PledgePublic(title=h.fact.title, content=h.fact.content, drafted_by=refs(h.fact.drafted_by_unit_id),
                           drafted_on=h.fact.stated_date(), event_id=h.event_id)
              for h in folded.facts if isinstance(h.fact, PledgeDrafted)]
    shown, handovers, group, regulations = _cluster_parts(cluster, year, refs)
    shown_corrections = [c for held in shown for c in cluster.corrections_of(held.version)]
    conferences = dict(record.conferences)
    if shown_handovers := [h.fact for h in shown if isinstance(h.fact, RotatingFlagHandedOver)]:
        conferences["flag_handover"] = shown_handovers[-1]
    return YearPublic(
        cluster_id=cluster_id, year=year, entity_id=record.id, movement=record.movement,
        pledge=drafts[-1] if drafts else None,
        pledge_drafted_on=stated("pledge_drafted_on"), pledge_adopted_on=stated("pledge_adopted_on"),
        signed_by=[r for u in record.signatures if (r := refs(u))], signatures=signatures,
        criteria=criteria_tree(record.criteria),
        drives=_drives(folded, record),
        drives_named=len(record.drives), drives_stated=record.drives_stated,
        mid_year_review_on=stated("mid_year_review_on"), year_end_review_on=stated("year_end_review_on"),
        ballots=list(record.ballots.values()), honours=record.honours,
        leader_elected=refs(election.leader_unit_id if election else None),
        deputy_elected=refs(election.deputy_unit_id if election else None),
        closed_on=stated("closed_on"), conferences=conferences, flag_handovers=handovers,
        working_group=group, regulations=regulations,
        members_named=len(cluster.entity.members_in(year)),
        members_stated=cluster.entity.stated_members.get(year),
        commendations_stated=[
            CommendationsStatedPublic(collectives=h.fact.collectives, individuals=h.fact.individuals,
                                      award_kind=h.fact.award_kind, event_id=h.event_id)
            for h in folded.facts if isinstance(h.fact, CommendationsCounted)],
        corrections=sorted([*folded.corrections, *shown_corrections], key=lambda c: c.position),
    )
