"""Emulation clusters (cụm thi đua): membership, regulation, working group, rotating flag."""

from enum import StrEnum
from typing import Annotated, ClassVar, Protocol, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from thidua_events.facts.base import Fact, Id, Year
from thidua_events.facts.conference import Conference
from thidua_events.invalid import FieldInvalid
from thidua_events.text import Name, Note


class ClusterFormed(Fact):
    title_vi: ClassVar[str] = "Thành lập cụm thi đua"
    aggregate: ClassVar[str] = "cluster"
    cluster_id: Id = Field(title="Cụm thi đua")
    name: Name = Field(title="Tên cụm thi đua", description='e.g. "Cụm thi đua số 4"')
    authority_id: Id = Field(title="Cơ quan")


class BallotBasis(StrEnum):
    """Which count of a ballot (bỏ phiếu kín) a threshold is a share of."""

    VALID = "valid"  # phiếu hợp lệ
    RETURNED = "returned"  # phiếu thu về
    ISSUED = "issued"  # phiếu phát ra


class Counted(Protocol):
    """A ballot's counts (BallotHeld has them)."""

    @property
    def issued(self) -> int: ...
    @property
    def returned(self) -> int: ...
    @property
    def valid(self) -> int: ...


class BallotThreshold(BaseModel):
    """The share of a ballot a unit needs to be honoured, as the cluster's regulation states it:
    "more than half of the valid ballots" (quá 1/2 số phiếu hợp lệ) is 1/2 of `valid`,
    `strictly_more`; "at least two thirds" (từ 2/3 trở lên) is 2/3, not `strictly_more`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    numerator: Annotated[int, Field(ge=1, le=1000)] = Field(title="Tử số")
    denominator: Annotated[int, Field(ge=1, le=1000)] = Field(title="Mẫu số")
    basis: BallotBasis = Field(title="Tính trên số phiếu")
    strictly_more: bool = Field(title="Phải vượt quá tỷ lệ (quá)",
                                description="True for “more than” (quá), false for “at least” (từ … trở lên)")

    @model_validator(mode="after")
    def _a_share(self) -> Self:
        if self.numerator > self.denominator:
            raise FieldInvalid("numerator", "a threshold is a share of the ballots: numerator ≤ denominator",
                               code="threshold-a-share")
        return self

    def reached(self, votes: int, ballot: Counted) -> bool:
        """Compared in integers: votes / base > n / d, without rounding."""
        base = getattr(ballot, self.basis.value)
        return (votes * self.denominator > self.numerator * base if self.strictly_more
                else votes * self.denominator >= self.numerator * base)

    def describe(self) -> str:
        return (f"{'more than' if self.strictly_more else 'at least'} {self.numerator}/{self.denominator} "
                f"of the {self.basis.value} ballots")


class RegulationAdopted(Fact):
    """The cluster's rules of operation (quy chế hoạt động, điều lệ)."""

    title_vi: ClassVar[str] = "Thông qua quy chế hoạt động của cụm"

    aggregate: ClassVar[str] = "cluster"
    cluster_id: Id = Field(title="Cụm thi đua")
    title: Name = Field(title="Tên quy chế")
    content: Note | None = Field(None, title="Nội dung")
    honour_threshold: BallotThreshold | None = Field(
        None, title="Tỷ lệ phiếu cần để suy tôn",
            description="The share of a ballot a unit needs to be honoured (suy tôn), as the regulation "
                          "states it; no law states one")


class UnitJoined(Fact):
    title_vi: ClassVar[str] = "Đơn vị tham gia cụm"
    aggregate: ClassVar[str] = "cluster"
    cluster_id: Id = Field(title="Cụm thi đua")
    unit_id: Id = Field(title="Đơn vị")


class UnitLeft(Fact):
    title_vi: ClassVar[str] = "Đơn vị rời cụm"
    aggregate: ClassVar[str] = "cluster"
    cluster_id: Id = Field(title="Cụm thi đua")
    unit_id: Id = Field(title="Đơn vị")


class MembersCounted(Fact):
    """How many units a source says the cluster has in a year ("Cụm thi đua số 4 gồm 8 đơn vị"),
    named or not: a stated count, not a list. Reads show it beside the members named."""

    title_vi: ClassVar[str] = "Số đơn vị thành viên (theo nguồn)"

    aggregate: ClassVar[str] = "cluster"
    cluster_id: Id = Field(title="Cụm thi đua")
    year: Year = Field(title="Năm")
    count: int = Field(ge=1, le=1000, title="Số đơn vị", description="The number as the source states it")


class WorkingGroupEstablished(Fact):
    """The leader's working group (tổ giúp việc), set up by decision."""

    title_vi: ClassVar[str] = "Thành lập tổ giúp việc"

    aggregate: ClassVar[str] = "cluster"
    cluster_id: Id = Field(title="Cụm thi đua")
    year: Year = Field(title="Năm thi đua")
    decision_ref: Name | None = Field(None, title="Số quyết định thành lập")
    members: tuple[Name, ...] = Field((), title="Thành viên tổ giúp việc")


class RotatingFlagHandedOver(Conference, Fact):
    """The cluster's rotating flag (cờ luân lưu) passes from its holder to the new leader."""

    title_vi: ClassVar[str] = "Bàn giao cờ luân lưu"

    aggregate: ClassVar[str] = "cluster"
    cluster_id: Id = Field(title="Cụm thi đua")
    year: Year = Field(title="Năm thi đua", description="The emulation year whose review the handover closes")
    from_unit_id: Id = Field(title="Đơn vị trao cờ")
    to_unit_id: Id = Field(title="Đơn vị nhận cờ")

    @model_validator(mode="after")
    def _changes_hands(self) -> Self:
        # No history makes a handover to oneself valid: bad input (422), not a broken rule.
        if self.from_unit_id == self.to_unit_id:
            raise FieldInvalid("to_unit_id", "the flag must pass to another unit", code="flag-to-another-unit")
        return self
