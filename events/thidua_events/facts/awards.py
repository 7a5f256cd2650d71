"""Awards (khen thưởng): proposed, conferred and revoked by decree."""

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from thidua_events.facts.base import Fact, Id, Year
from thidua_events.invalid import FieldInvalid
from thidua_events.text import Name, Note


class RecipientKind(StrEnum):
    COLLECTIVE = "collective"  # tập thể
    INDIVIDUAL = "individual"  # cá nhân


class AwardLevel(StrEnum):
    """Where an award kind stands among the forms of reward (hình thức khen thưởng)."""

    GOVERNMENT_FLAG = "government_flag"  # Cờ thi đua của Chính phủ
    MINISTRY_FLAG = "ministry_flag"  # Cờ thi đua của Bộ Công an
    AUTHORITY_FLAG = "authority_flag"  # the emulation flag of another authority, e.g. a city police
    CERTIFICATE_OF_MERIT = "certificate_of_merit"  # Bằng khen
    COMMENDATION = "commendation"  # Giấy khen
    EMULATION_TITLE = "emulation_title"  # danh hiệu thi đua


class AwardKindRegistered(Fact):
    """An award kind in an authority's catalogue: the name its decrees give it, and its level.
    Each authority registers a kind once; names are compared after NFC, whitespace collapse
    and casefold, so another spelling is the same kind."""

    title_vi: ClassVar[str] = "Đăng ký hình thức khen thưởng"

    aggregate: ClassVar[str] = "award_kind"
    authority_id: Id = Field(title="Cơ quan")
    name: Name = Field(title="Tên hình thức khen thưởng",
                       description='As decrees print it, e.g. "Cờ thi đua của Bộ Công an"')
    level: AwardLevel = Field(title="Mức khen thưởng")


# The rule of `_one_subject` in JSON Schema terms, so that a standard validator refuses it too.
_ONE_SUBJECT: dict[str, Any] = {"allOf": [{"anyOf": [
    {"properties": {"kind": {"const": kind}, subject: {"type": "string"}, other: {"type": "null"}},
     "required": [subject]}
    for kind, subject, other in (("collective", "unit_id", "person_id"), ("individual", "person_id", "unit_id"))
]}]}


class Recipient(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra=_ONE_SUBJECT)

    kind: RecipientKind = Field(title="Tập thể hay cá nhân")
    unit_id: Id | None = Field(None, title="Đơn vị")
    person_id: Id | None = Field(None, title="Cá nhân")
    achievement: Note | None = Field(None, title="Thành tích")

    @model_validator(mode="after")
    def _one_subject(self) -> Self:
        if self.kind is RecipientKind.COLLECTIVE and (self.unit_id is None or self.person_id):
            raise FieldInvalid("person_id" if self.unit_id else "unit_id",
                               "a collective recipient names a unit_id and no person_id",
                               code="collective-names-unit")
        if self.kind is RecipientKind.INDIVIDUAL and (self.person_id is None or self.unit_id):
            raise FieldInvalid("unit_id" if self.person_id else "person_id",
                               "an individual recipient names a person_id and no unit_id",
                               code="individual-names-person")
        return self

    @property
    def subject_id(self) -> Id:
        return self.unit_id or self.person_id  # type: ignore[return-value]


Recipients = Annotated[tuple[Recipient, ...], Field(min_length=1)]


class AwardProposed(Fact):
    """A proposal (tờ trình) to an authority."""

    title_vi: ClassVar[str] = "Tờ trình đề nghị khen thưởng"

    aggregate: ClassVar[str] = "award_proposal"
    proposal_id: Id = Field(title="Mã tờ trình")
    authority_id: Id = Field(title="Cơ quan")
    award_kind: Name = Field(title="Hình thức khen thưởng")
    year: Year = Field(title="Năm thi đua")
    cluster_id: Id | None = Field(None, title="Cụm thi đua")
    proposed_by_unit_id: Id | None = Field(None, title="Đơn vị đề nghị")
    recipients: Recipients = Field(title="Đối tượng được khen thưởng")


class Decree(Fact, abstract=True):
    """What conferral and revocation share: the decree itself (quyết định)."""

    model_config = ConfigDict(json_schema_extra={
        "$comment": "Also refused, beyond what JSON Schema can state: a recipient named twice."})

    aggregate: ClassVar[str] = "decree"
    decree_id: Id = Field(title="Mã quyết định")
    decree_no: Name = Field(title="Số quyết định", description='As printed, e.g. "05/QĐ-CATP"')
    decree_date: date = Field(title="Ngày ký quyết định")
    authority_id: Id = Field(title="Cơ quan")
    signer: Name = Field(title="Người ký")
    signer_title: Name | None = Field(None, title="Chức danh người ký",
                                      description='e.g. "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"')
    award_kind: Name = Field(title="Hình thức khen thưởng")
    year: Year = Field(title="Năm thi đua")
    recipients: Recipients = Field(title="Đối tượng được khen thưởng")

    @model_validator(mode="after")
    def _no_repeats(self) -> Self:
        subjects = [r.subject_id for r in self.recipients]
        if len(set(subjects)) != len(subjects):
            raise FieldInvalid("recipients", "a recipient appears twice in one decree",
                               code="recipient-once")
        return self


class AwardConferred(Decree):
    title_vi: ClassVar[str] = "Quyết định khen thưởng"
    cluster_id: Id | None = Field(None, title="Cụm thi đua")


class AwardRevoked(Decree):
    title_vi: ClassVar[str] = "Quyết định thu hồi khen thưởng"
    revokes_decree_id: Id = Field(title="Quyết định bị thu hồi")
