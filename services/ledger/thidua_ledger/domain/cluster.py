"""Emulation clusters (cụm thi đua): membership over time and the rotating flag."""

from collections.abc import Iterable, Mapping
from datetime import date
from types import MappingProxyType
from typing import cast
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event
from thidua_events.facts import Provenance
from thidua_events.facts.awards import AwardConferred
from thidua_events.facts.cluster import (
    BallotThreshold,
    ClusterFormed,
    MembersCounted,
    RegulationAdopted,
    RotatingFlagHandedOver,
    UnitJoined,
    UnitLeft,
    WorkingGroupEstablished,
)
from thidua_events.facts.year import YearOpened

from thidua_ledger.domain.entity import Entity, applies
from thidua_ledger.domain.errors import check


class Cluster(Entity):
    id_field = "cluster_id"
    # year -> the number of members a source states (MembersCounted). A class default, so a
    # cluster read from a snapshot taken before counts were kept has none; folds replace it.
    stated_members = cast(Mapping[int, int], MappingProxyType({}))  # unannotated: see Entity.id_field

    @applies
    def _(self, fact: ClusterFormed) -> None:
        self.name = fact.name
        self.authority_id = fact.authority_id
        self.formed_on = fact.effective_date
        # unit -> list of [joined, left or None], in order
        self.memberships: dict[UUID, list[tuple[date, date | None]]] = {}
        self.regulations: list[tuple[date, str]] = []
        self.working_groups: dict[int, tuple[date, str | None, tuple[str, ...]]] = {}
        self.flag_holder: UUID | None = None
        self.flag_handovers: list[tuple[int, date, UUID, UUID]] = []
        self.honour_thresholds: list[tuple[date, BallotThreshold]] = []

    @applies
    def _(self, fact: RegulationAdopted) -> None:
        self.regulations.append((fact.effective_date, fact.title))
        if fact.honour_threshold is not None:
            self.honour_thresholds.append((fact.effective_date, fact.honour_threshold))

    @applies
    def _(self, fact: UnitJoined) -> None:
        self.memberships.setdefault(fact.unit_id, []).append((fact.effective_date, None))

    @applies
    def _(self, fact: UnitLeft) -> None:
        if fact.unit_id not in self.memberships:
            return  # a view as of a date that leaves out a join dated after this leave
        joined, _ = self.memberships[fact.unit_id][-1]
        self.memberships[fact.unit_id][-1] = (joined, fact.effective_date)

    @applies
    def _(self, fact: MembersCounted) -> None:
        self.stated_members = {**self.stated_members, fact.year: fact.count}

    @applies
    def _(self, fact: WorkingGroupEstablished) -> None:
        self.working_groups[fact.year] = (fact.effective_date, fact.decision_ref, fact.members)

    @applies
    def _(self, fact: RotatingFlagHandedOver) -> None:
        self.flag_holder = fact.to_unit_id
        self.flag_handovers.append((fact.year, fact.effective_date, fact.from_unit_id, fact.to_unit_id))

    # Queries

    def is_member_on(self, unit_id: UUID, day: date) -> bool:
        return any(
            joined <= day and (left is None or day < left)
            for joined, left in self.memberships.get(unit_id, [])
        )

    def is_member_in(self, unit_id: UUID, year: int) -> bool:
        """Member at any time during the calendar year."""
        first, last = date(year, 1, 1), date(year, 12, 31)
        return any(
            joined <= last and (left is None or left > first)
            for joined, left in self.memberships.get(unit_id, [])
        )

    def members_in(self, year: int) -> list[UUID]:
        return [unit for unit in self.memberships if self.is_member_in(unit, year)]

    def member_from(self, unit_id: UUID, day: date) -> date | None:
        """The first day on or after `day` on which the unit is a member (None: never again)."""
        for joined, left in self.memberships.get(unit_id, []):
            if left is None or left > day:
                return max(joined, day)
        return None

    def was_member_by(self, unit_id: UUID, day: date) -> bool:
        return any(joined <= day for joined, _ in self.memberships.get(unit_id, []))

    def flag_holder_on(self, day: date) -> tuple[UUID, date | None] | None:
        """Who held the rotating flag on a day, and since which handover (None: before the first
        recorded handover, which its giver held it before). None when no handover is recorded
        or the cluster was not formed yet."""
        if not self.flag_handovers or day < self.formed_on:
            return None
        holder: tuple[UUID, date | None] = (self.flag_handovers[0][2], None)
        for _, on, _, to_unit in self.flag_handovers:
            if on <= day:
                holder = (to_unit, on)
        return holder

    def honour_threshold_on(self, day: date) -> BallotThreshold | None:
        """The ballot threshold of the regulation in force on a day, if the regulation states one."""
        found = None
        for since, threshold in sorted(self.honour_thresholds, key=lambda entry: entry[0]):
            if since <= day:
                found = threshold
        return found

    def check_member(self, unit_id: UUID, year: int, role: str = "unit") -> None:
        check(self.is_member_in(unit_id, year), "member-of-cluster-in-year",
              f"{role} {unit_id} is not a member of {self.name} in {year}")

    def check_award_recipients_are_members(self, fact: AwardConferred,
                                           person_units: dict[UUID, set[UUID]]) -> None:
        """A cluster's award goes to its members of that year; an individual through a unit the
        person served in during the year (`person_units`)."""
        for recipient in fact.recipients:
            units = {recipient.unit_id} if recipient.unit_id else person_units[recipient.subject_id]
            check(any(self.is_member_in(unit, fact.year) for unit in units), "cluster-award-to-members",
                  f"{recipient.kind.value} recipient {recipient.subject_id} is not of a member of "
                  f"{self.name} in {fact.year}")

    # Verbs

    def admit(self, fact: UnitJoined, provenance: Provenance, others: Iterable["Cluster"] = ()) -> None:
        """`others`: every other cluster the unit ever joined."""
        check(not self.is_member_on(fact.unit_id, fact.effective_date), "join-once",
              f"unit {fact.unit_id} is already a member of {self.name} on {fact.effective_date}")
        check(fact.effective_date >= self.formed_on, "join-after-formation",
              f"{self.name} was formed on {self.formed_on}")
        self.check_one_cluster_per_authority(fact, others)
        self.record(fact, provenance)

    def check_formed_by(self, day: date) -> None:
        """What concerns the cluster itself (a grant of writing to it) comes on or after its formation."""
        check(day >= self.formed_on, "cluster-must-exist",
              f"{self.name} was formed on {self.formed_on}: nothing of it is dated {day}")

    def check_year_opens_after_formation(self, fact: YearOpened) -> None:
        """A cluster has emulation years from the one it was formed in, opened once it was formed."""
        check(fact.year >= self.formed_on.year and fact.effective_date >= self.formed_on,
              "open-year-after-formation",
              f"{self.name} was formed on {self.formed_on}: it has no year {fact.year} opened on "
              f"{fact.effective_date}")

    def check_one_cluster_per_authority(self, fact: UnitJoined, others: Iterable["Cluster"]) -> None:
        """A unit belongs to at most one cluster of an authority on any date: moving from one
        to another is a leave, then a join."""
        for other in others:
            if other.id == self.id or other.authority_id != self.authority_id:
                continue
            clash = other.member_from(fact.unit_id, fact.effective_date)
            check(clash is None, "one-cluster-per-authority-at-a-time",
                  f"unit {fact.unit_id} is a member of {other.name} on {clash}; record its UnitLeft "
                  f"from {other.name} first (dated on or before {fact.effective_date})")

    def release(self, fact: UnitLeft, provenance: Provenance) -> None:
        check(self.is_member_on(fact.unit_id, fact.effective_date), "leave-as-member",
              f"unit {fact.unit_id} is not a member of {self.name} on {fact.effective_date}")
        joined = self.memberships[fact.unit_id][-1][0]
        check(fact.effective_date > joined, "leave-after-joining", f"the unit joined on {joined}")
        self.record(fact, provenance)

    def adopt_regulation(self, fact: RegulationAdopted, provenance: Provenance) -> None:
        self.record(fact, provenance)

    def count_members(self, fact: MembersCounted, provenance: Provenance) -> None:
        check(fact.year not in self.stated_members, "count-members-once",
              f"{self.name} already has {self.stated_members.get(fact.year)} members stated for {fact.year}; "
              "correct that fact instead")
        self.record(fact, provenance)

    def establish_working_group(self, fact: WorkingGroupEstablished, provenance: Provenance) -> None:
        check(fact.year not in self.working_groups, "one-working-group-per-year",
              f"{self.name} already has a working group for {fact.year}")
        self.record(fact, provenance)

    def hand_over_flag(self, fact: RotatingFlagHandedOver, provenance: Provenance) -> None:
        self.check_member(fact.to_unit_id, fact.year, "the new holder")
        self.check_only_the_holder_hands_over(fact)
        check(all(year < fact.year for year, *_ in self.flag_handovers), "flag-handovers-in-order",
              f"a handover for {fact.year} or later is already recorded")
        self.check_handed_over_after_receiving(fact)
        self.record(fact, provenance)

    def check_only_the_holder_hands_over(self, fact: RotatingFlagHandedOver) -> None:
        """Only the holder hands the flag on, member or not: a holder that has left the cluster
        still has the flag to give. History may start mid-stream: the first recorded handover
        states who held it, a unit that had joined the cluster by then."""
        if self.flag_holder is None:
            check(self.was_member_by(fact.from_unit_id, fact.effective_date), "flag-giver-was-a-member",
                  f"unit {fact.from_unit_id} never joined {self.name} by {fact.effective_date}, so it "
                  "cannot have held its flag")
            return
        check(self.flag_holder == fact.from_unit_id, "only-holder-hands-over-flag",
              f"unit {fact.from_unit_id} does not hold the flag; {self.flag_holder} does")

    def check_handed_over_after_receiving(self, fact: RotatingFlagHandedOver) -> None:
        received = self.flag_handovers[-1][1] if self.flag_handovers else None
        check(received is None or fact.effective_date >= received, "hand-over-after-receiving-flag",
              f"unit {fact.from_unit_id} received the flag on {received}")


_AFFILIATIONS = UUID("0b7d3c55-2f0e-4f61-9a43-7f6c2b1f8e21")


def affiliations_id(unit_id: UUID) -> UUID:
    return uuid5(_AFFILIATIONS, str(unit_id))


class Affiliations(Aggregate):
    """The clusters a unit ever joined, so that a join can see the unit's other clusters.

    Every join appends to it and is saved with it, so two joins of one unit racing into two
    clusters collide in the event store instead of both succeeding. The memberships
    themselves stay in each cluster. Internal to the ledger: no contract fact, not published.
    """

    @staticmethod
    def create_id(unit_id: UUID, cluster_id: UUID) -> UUID:
        return affiliations_id(unit_id)

    @event("Joined")
    def __init__(self, unit_id: UUID, cluster_id: UUID) -> None:
        self.cluster_ids: list[UUID] = [cluster_id]

    @event("JoinedAgain")
    def note_join(self, cluster_id: UUID) -> None:
        if cluster_id not in self.cluster_ids:
            self.cluster_ids.append(cluster_id)
