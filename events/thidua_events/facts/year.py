"""One cluster's emulation year (năm thi đua) in a movement such as "Vì an ninh Tổ quốc"."""

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from thidua_events.bounds import FIRST_YEAR, LAST_YEAR
from thidua_events.facts.base import Fact, Id, Year
from thidua_events.facts.conference import Conference
from thidua_events.invalid import FieldInvalid
from thidua_events.text import Name, Note

Points = Annotated[Decimal, Field(ge=0, max_digits=7, decimal_places=2)]


class YearFact(Fact, abstract=True):
    aggregate: ClassVar[str] = "emulation_year"
    cluster_id: Id = Field(title="Cụm thi đua")
    year: Year = Field(title="Năm thi đua")


class YearOpened(YearFact):
    title_vi: ClassVar[str] = "Mở năm thi đua"
    movement: Name | None = Field(None, title="Phong trào thi đua", description='e.g. "Vì an ninh Tổ quốc"')
    leader_unit_id: Id | None = Field(
        None, title="Cụm trưởng", description="The year's leader (cụm trưởng) as a source states it, when the election "
                          "that chose it is not in the ledger")
    deputy_unit_id: Id | None = Field(None, title="Cụm phó", description="Likewise, the year's deputy (cụm phó)")

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        if self.leader_unit_id is not None and self.leader_unit_id == self.deputy_unit_id:
            raise FieldInvalid("deputy_unit_id", "leader and deputy must be different units",
                               code="leader-deputy-distinct")
        return self


class PledgeDrafted(YearFact):
    """The leader's draft of the pledge (dự thảo giao ước thi đua)."""

    title_vi: ClassVar[str] = "Dự thảo giao ước thi đua"

    drafted_by_unit_id: Id | None = Field(None, title="Đơn vị dự thảo")
    title: Name = Field(title="Tên giao ước")
    content: Note | None = Field(None, title="Nội dung")


class PledgeAdopted(Conference, YearFact):
    """The members adopt the pledge, at the conference where they sign it (hội nghị ký kết)."""

    title_vi: ClassVar[str] = "Thông qua giao ước thi đua (hội nghị ký kết)"


class PledgeSigned(YearFact):
    title_vi: ClassVar[str] = "Đơn vị ký giao ước thi đua"
    unit_id: Id = Field(title="Đơn vị")
    signatory: Name | None = Field(None, title="Người ký")


class Criterion(BaseModel):
    """One line of the scale (tiêu chí, thang điểm); children refine their parent."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra={
        "$comment": "Also refused, beyond what JSON Schema can state: children whose max_points add up "
                    "to more than their parent's."})

    code: Annotated[str, Field(pattern=r"^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*$", max_length=30)] = Field(title="Mã tiêu chí")
    title: Name = Field(title="Nội dung tiêu chí")
    max_points: Points = Field(title="Điểm tối đa")
    children: tuple["Criterion", ...] = Field((), title="Tiêu chí thành phần")

    @model_validator(mode="after")
    def _children_fit(self) -> Self:
        total = sum((child.max_points for child in self.children), Decimal(0))
        if self.children and total > self.max_points:
            raise FieldInvalid(
                "children", f"criterion {self.code}: children add up to {total}, above its maximum {self.max_points}",
                code="children-within-maximum", params={"code": self.code, "total": total, "maximum": self.max_points},
            )
        return self


class CriteriaAdopted(YearFact):
    title_vi: ClassVar[str] = "Thông qua tiêu chí, thang điểm"
    criteria: tuple[Criterion, ...] = Field(title="Tiêu chí, thang điểm", min_length=1)


class DriveLaunched(YearFact):
    """An emulation drive (đợt thi đua)."""

    title_vi: ClassVar[str] = "Phát động đợt thi đua"

    drive_no: Annotated[int, Field(ge=1, le=20)] = Field(title="Đợt số")
    title: Name = Field(title="Tên đợt thi đua")


class DrivesCounted(YearFact):
    """How many emulation drives a source says the year had ("4 đợt thi đua"), whether or not
    they are recorded one by one: a stated count, not a list."""

    title_vi: ClassVar[str] = "Số đợt thi đua (theo nguồn)"

    count: Annotated[int, Field(ge=1, le=20, title="Số đợt thi đua",
                                description="The number as the source states it")]


class DriveClosed(YearFact):
    title_vi: ClassVar[str] = "Kết thúc đợt thi đua"
    drive_no: Annotated[int, Field(ge=1, le=20)] = Field(title="Đợt số")


class ReviewHeld(Conference, YearFact, abstract=True):
    """A review conference: place, chair, officials present and summary (see Conference)."""


class MidYearReviewHeld(ReviewHeld):
    """Sơ kết 6 tháng."""

    title_vi: ClassVar[str] = "Sơ kết 6 tháng"


class YearEndReviewHeld(ReviewHeld):
    """Tổng kết: results, ranking and honouring, election."""

    title_vi: ClassVar[str] = "Tổng kết năm"


class ScoreKind(StrEnum):
    SELF = "self"
    CROSS = "cross"  # cross-inspection by another member (chấm chéo)


class ScoreRecorded(YearFact):
    title_vi: ClassVar[str] = "Chấm điểm"
    score_id: Id = Field(title="Mã điểm")
    unit_id: Id = Field(title="Đơn vị")
    criterion_code: str = Field(title="Mã tiêu chí")
    points: Points = Field(title="Số điểm")
    kind: ScoreKind = Field(title="Hình thức chấm")
    scored_by_unit_id: Id | None = Field(None, title="Đơn vị chấm chéo",
                                         description="The inspecting member, for a cross score")


class ScoreCorrected(YearFact):
    """A new value for a recorded score; the old one stays in the log."""

    title_vi: ClassVar[str] = "Sửa điểm đã chấm"

    score_id: Id = Field(title="Mã điểm")
    corrects_score_id: Id = Field(title="Điểm được sửa")
    points: Points = Field(title="Số điểm")


class Vote(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    unit_id: Id = Field(title="Đơn vị")
    votes: Annotated[int, Field(ge=0)] = Field(title="Số phiếu bầu")


class BallotHeld(YearFact):
    """A secret ballot (bỏ phiếu kín) for an honour."""

    title_vi: ClassVar[str] = "Bỏ phiếu kín"

    model_config = ConfigDict(json_schema_extra={
        "$comment": "Also refused, beyond what JSON Schema can state: counts where not valid ≤ returned ≤ "
                    "issued, a candidate with more votes than valid ballots, a candidate named twice."})

    ballot_id: Id = Field(title="Mã cuộc bỏ phiếu")
    subject: Name = Field(title="Nội dung bỏ phiếu", description="What the ballot decides, e.g. the title proposed")
    issued: Annotated[int, Field(ge=0)] = Field(title="Số phiếu phát ra")
    returned: Annotated[int, Field(ge=0)] = Field(title="Số phiếu thu về")
    valid: Annotated[int, Field(ge=0)] = Field(title="Số phiếu hợp lệ")
    votes: tuple[Vote, ...] = Field((), title="Số phiếu của từng đơn vị")

    @model_validator(mode="after")
    def _counts_nest(self) -> Self:
        if not self.valid <= self.returned <= self.issued:
            raise FieldInvalid(
                "valid", f"ballots must satisfy valid ≤ returned ≤ issued (got {self.valid}, "
                f"{self.returned}, {self.issued})",
                code="ballots-nest", params={"valid": self.valid, "returned": self.returned, "issued": self.issued},
            )
        for vote in self.votes:
            if vote.votes > self.valid:
                raise FieldInvalid(
                    "votes", f"votes for one candidate ({vote.votes}) exceed valid ballots ({self.valid})",
                    code="votes-within-valid", params={"votes": vote.votes, "valid": self.valid},
                )
        if len({v.unit_id for v in self.votes}) != len(self.votes):
            raise FieldInvalid("votes", "a candidate appears twice in the votes", code="candidate-once")
        return self


class UnitsHonoured(YearFact):
    """Result of ranking and honouring (bình xét, suy tôn)."""

    title_vi: ClassVar[str] = "Bình xét, suy tôn"

    title: Name = Field(title="Danh hiệu suy tôn")
    unit_ids: tuple[Id, ...] = Field(title="Đơn vị được suy tôn", min_length=1)
    ballot_id: Id | None = Field(None, title="Cuộc bỏ phiếu")


def _election_rules(schema: dict[str, Any], model: type) -> None:
    """`_distinct`'s year rule in JSON Schema terms (it cannot add 1): one pair per year. Only
    in the published schema: the API's request model leaves it out, as schemathesis cannot
    generate from 155 alternatives (the API refuses a wrong year with a 422 all the same)."""
    schema["$comment"] = "Also refused, beyond what JSON Schema can state: the same unit as leader and deputy."
    if model is LeadershipElected:
        schema["allOf"] = [{"anyOf": [{"properties": {"year": {"const": year}, "for_year": {"const": year + 1}}}
                                      for year in range(FIRST_YEAR, LAST_YEAR)]}]


class LeadershipElected(YearFact):
    """Next year's cluster leader (cụm trưởng) and deputy (cụm phó)."""

    title_vi: ClassVar[str] = "Bầu cụm trưởng, cụm phó năm sau"

    model_config = ConfigDict(json_schema_extra=lambda schema, model: _election_rules(schema, model))

    for_year: Year = Field(title="Bầu cho năm")
    leader_unit_id: Id = Field(title="Cụm trưởng năm sau")
    deputy_unit_id: Id | None = Field(None, title="Cụm phó năm sau")

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        if self.leader_unit_id == self.deputy_unit_id:
            raise FieldInvalid("deputy_unit_id", "leader and deputy must be different units",
                               code="leader-deputy-distinct")
        if self.for_year != self.year + 1:
            raise FieldInvalid("for_year", f"the election in {self.year} is for {self.year + 1}, not {self.for_year}",
                               code="elect-for-next-year", params={"year": self.year, "next": self.year + 1})
        return self


class CommendationsCounted(YearFact):
    """Totals stated without names, e.g. "120 collectives and 357 individuals commended"."""

    title_vi: ClassVar[str] = "Số tập thể, cá nhân được khen (theo nguồn)"

    collectives: Annotated[int, Field(ge=0)] | None = Field(None, title="Số tập thể được khen")
    individuals: Annotated[int, Field(ge=0)] | None = Field(None, title="Số cá nhân được khen")
    award_kind: Name | None = Field(None, title="Hình thức khen thưởng",
                                    description="When the count is of one award, e.g. a flag")


class YearClosed(YearFact):
    """After closing, only corrections with a reason are accepted."""

    title_vi: ClassVar[str] = "Khóa sổ năm thi đua"
