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

    aggregate: ClassVar[str] = "authority"
    authority_id: Id
    name: Name = Field(description='Full name, e.g. "Công an thành phố Hà Nội"')
    symbol: Symbol = Field(description='Used in document numbers, e.g. "CATP"')
    parent_id: Id | None = None
    place: Name | None = Field(None, description='Place in the date line, e.g. "Hà Nội"')
    document_form: DocumentForm = Field(
        DocumentForm.STATE, title="Thể thức văn bản",
        description="The forms the documents of this authority and of the bodies under it follow: a State "
                    "body's (Nghị định 30/2020/NĐ-CP) or a Party body's (Hướng dẫn 36-HD/VPTW, e.g. a Thành ủy "
                    "and the offices under it). Events recorded before this field read as the State's.")


class UnitRegistered(Fact):
    aggregate: ClassVar[str] = "unit"
    unit_id: Id
    name: Name
    authority_id: Id
    symbol: Symbol | None = None


class UnitRenamed(Fact):
    """From the effective date the unit carries the new name; documents dated earlier keep the old."""

    aggregate: ClassVar[str] = "unit"
    unit_id: Id
    name: Name


class UnitMerged(Fact):
    aggregate: ClassVar[str] = "unit"
    unit_id: Id
    into_unit_id: Id


class UnitDissolved(Fact):
    aggregate: ClassVar[str] = "unit"
    unit_id: Id


class PersonRegistered(Fact):
    """A person who can receive an individual award (cá nhân)."""

    aggregate: ClassVar[str] = "person"
    person_id: Id
    full_name: Name
    unit_id: Id
    rank: Name | None = Field(None, description='Cấp bậc, e.g. "Thiếu tá"')
    position: Name | None = Field(None, description='Chức vụ, e.g. "Phó Trưởng phòng"')


class PersonPostingChanged(Fact):
    """A new rank, position or unit from the effective date."""

    aggregate: ClassVar[str] = "person"
    person_id: Id
    unit_id: Id
    rank: Name | None = None
    position: Name | None = None
