"""Authorities, units and people (cơ quan, đơn vị, cán bộ)."""

from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from thidua_events.facts.base import Fact, Id
from thidua_events.text import Name, Symbol


class DocumentForm(StrEnum):
    """Thể thức văn bản: the family of forms a body's documents follow."""

    STATE = "state"  # Nghị định 30/2020/NĐ-CP: Quốc hiệu and Tiêu ngữ, "Số: 05/QĐ-…"
    PARTY = "party"  # Hướng dẫn 36-HD/VPTW: "ĐẢNG CỘNG SẢN VIỆT NAM", the star, "Số 05-QĐ/…"


class AuthorityRegistered(Fact):
    """An awarding or supervising authority: the Ministry, a city police, a Party Committee."""

    title_vi: ClassVar[str] = "Đăng ký cơ quan"

    aggregate: ClassVar[str] = "authority"
    authority_id: Id = Field(title="Cơ quan")
    name: Name = Field(title="Tên cơ quan", description='Full name, e.g. "Công an thành phố Hà Nội"')
    symbol: Symbol = Field(title="Ký hiệu", description='Used in document numbers, e.g. "CATP"')
    parent_id: Id | None = Field(None, title="Cơ quan cấp trên")
    place: Name | None = Field(None, title="Địa danh", description='Place in the date line, e.g. "Hà Nội"')
    document_form: DocumentForm = Field(
        DocumentForm.STATE, title="Thể thức văn bản",
        description="The forms the documents of this authority and of the bodies under it follow: a State "
                    "body's (Nghị định 30/2020/NĐ-CP) or a Party body's (Hướng dẫn 36-HD/VPTW, e.g. a Thành ủy "
                    "and the offices under it). Events recorded before this field read as the State's.")


class UnitRegistered(Fact):
    title_vi: ClassVar[str] = "Đăng ký đơn vị"
    aggregate: ClassVar[str] = "unit"
    unit_id: Id = Field(title="Đơn vị")
    name: Name = Field(title="Tên đơn vị")
    authority_id: Id = Field(title="Cơ quan")
    symbol: Symbol | None = Field(None, title="Ký hiệu")


class UnitRenamed(Fact):
    """From the effective date the unit carries the new name; documents dated earlier keep the old."""

    title_vi: ClassVar[str] = "Đổi tên đơn vị"

    aggregate: ClassVar[str] = "unit"
    unit_id: Id = Field(title="Đơn vị")
    name: Name = Field(title="Tên mới")


class UnitMerged(Fact):
    title_vi: ClassVar[str] = "Sáp nhập đơn vị"
    aggregate: ClassVar[str] = "unit"
    unit_id: Id = Field(title="Đơn vị sáp nhập")
    into_unit_id: Id = Field(title="Sáp nhập vào đơn vị")


class UnitDissolved(Fact):
    title_vi: ClassVar[str] = "Giải thể đơn vị"
    aggregate: ClassVar[str] = "unit"
    unit_id: Id = Field(title="Đơn vị")


class PersonRegistered(Fact):
    """A person who can receive an individual award (cá nhân)."""

    title_vi: ClassVar[str] = "Đăng ký cá nhân"

    aggregate: ClassVar[str] = "person"
    person_id: Id = Field(title="Cá nhân")
    full_name: Name = Field(title="Họ và tên")
    unit_id: Id = Field(title="Đơn vị")
    rank: Name | None = Field(None, title="Cấp bậc", description='Cấp bậc, e.g. "Thiếu tá"')
    position: Name | None = Field(None, title="Chức vụ", description='Chức vụ, e.g. "Phó Trưởng phòng"')


class PersonPostingChanged(Fact):
    """A new rank, position or unit from the effective date."""

    title_vi: ClassVar[str] = "Thay đổi cấp bậc, chức vụ, đơn vị công tác"

    aggregate: ClassVar[str] = "person"
    person_id: Id = Field(title="Cá nhân")
    unit_id: Id = Field(title="Đơn vị")
    rank: Name | None = Field(None, title="Cấp bậc")
    position: Name | None = Field(None, title="Chức vụ")
