"""Emulation clusters (cụm thi đua): membership, regulation, working group, rotating flag."""

from typing import ClassVar

from pydantic import Field

from thidua_events.facts.base import Fact, Id, Year
from thidua_events.facts.conference import Conference
from thidua_events.text import Name, Note


class ClusterFormed(Fact):
    aggregate: ClassVar[str] = "cluster"
    cluster_id: Id
    name: Name = Field(description='e.g. "Cụm thi đua số 4"')
    authority_id: Id


class RegulationAdopted(Fact):
    """The cluster's rules of operation (quy chế hoạt động, điều lệ)."""

    aggregate: ClassVar[str] = "cluster"
    cluster_id: Id
    title: Name
    content: Note | None = None


class UnitJoined(Fact):
    aggregate: ClassVar[str] = "cluster"
    cluster_id: Id
    unit_id: Id


class UnitLeft(Fact):
    aggregate: ClassVar[str] = "cluster"
    cluster_id: Id
    unit_id: Id


class MembersCounted(Fact):
    """How many units a source says the cluster has in a year ("Cụm thi đua số 4 gồm 8 đơn vị"),
    named or not: a stated count, not a list. Reads show it beside the members named."""

    aggregate: ClassVar[str] = "cluster"
    cluster_id: Id
    year: Year = Field(title="Năm")
    count: int = Field(ge=1, le=1000, title="Số đơn vị", description="The number as the source states it")


class WorkingGroupEstablished(Fact):
    """The leader's working group (tổ giúp việc), set up by decision."""

    aggregate: ClassVar[str] = "cluster"
    cluster_id: Id
    year: Year
    decision_ref: Name | None = None
    members: tuple[Name, ...] = ()


class RotatingFlagHandedOver(Conference, Fact):
    """The cluster's rotating flag (cờ luân lưu) passes from its holder to the new leader."""

    aggregate: ClassVar[str] = "cluster"
    cluster_id: Id
    year: Year = Field(description="The emulation year whose review the handover closes")
    from_unit_id: Id
    to_unit_id: Id
