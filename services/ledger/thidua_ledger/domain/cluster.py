"""Emulation clusters (cụm thi đua): membership over time and the rotating flag."""

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import cast
from uuid import UUID

from thidua_events.facts import Provenance
from thidua_events.facts.cluster import (
    ClusterFormed,
    MembersCounted,
    RegulationAdopted,
    RotatingFlagHandedOver,
    UnitJoined,
    UnitLeft,
    WorkingGroupEstablished,
)

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

    @applies
    def _(self, fact: RegulationAdopted) -> None:
        self.regulations.append((fact.effective_date, fact.title))

    @applies
    def _(self, fact: UnitJoined) -> None:
        self.memberships.setdefault(fact.unit_id, []).append((fact.effective_date, None))

    @applies
    def _(self, fact: UnitLeft) -> None:
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

    def flag_holder_after(self, year: int) -> UUID | None:
        """Who holds the flag once year's handovers are done."""
        holder = None
        for handed_year, _, _, to_unit in self.flag_handovers:
            if handed_year <= year:
                holder = to_unit
        return holder

    def check_member(self, unit_id: UUID, year: int, role: str = "unit") -> None:
        check(self.is_member_in(unit_id, year), "member-of-cluster-in-year",
              f"{role} {unit_id} is not a member of {self.name} in {year}")

    # Verbs

    def admit(self, fact: UnitJoined, provenance: Provenance) -> None:
        check(not self.is_member_on(fact.unit_id, fact.effective_date), "join-once",
              f"unit {fact.unit_id} is already a member of {self.name} on {fact.effective_date}")
        check(fact.effective_date >= self.formed_on, "join-after-formation",
              f"{self.name} was formed on {self.formed_on}")
        self.record(fact, provenance)

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
        self.check_member(fact.from_unit_id, fact.year, "the outgoing holder")
        self.check_member(fact.to_unit_id, fact.year, "the new holder")
        check(fact.from_unit_id != fact.to_unit_id, "flag-changes-hands",
              "the flag must pass to another unit")
        # History may start mid-stream: before any recorded handover the holder is unknown,
        # and the first handover states it.
        check(self.flag_holder is None or self.flag_holder == fact.from_unit_id,
              "only-holder-hands-over-flag",
              f"unit {fact.from_unit_id} does not hold the flag; {self.flag_holder} does")
        check(all(year < fact.year for year, *_ in self.flag_handovers), "flag-handovers-in-order",
              f"a handover for {fact.year} or later is already recorded")
        self.record(fact, provenance)
