"""What a clerk reads for each choice of the contract's enumerations: the values stay the
stored English words; forms, pages and documents show these labels.

`label(member)` is the one way to read them; a new enumeration or member without a label
fails `tests/unit/test_contract_titles.py`."""

from enum import Enum

from thidua_events.facts.awards import AwardLevel, RecipientKind
from thidua_events.facts.base import DatePrecision, Role
from thidua_events.facts.cluster import BallotBasis
from thidua_events.facts.conference import AttendanceRole
from thidua_events.facts.organisation import DocumentForm
from thidua_events.facts.year import ScoreKind

CHOICES_VI: dict[type[Enum], dict[str, str]] = {
    DatePrecision: {"day": "Ngày", "month": "Tháng", "year": "Năm"},
    Role: {"clerk": "Cán bộ nghiệp vụ", "auditor": "Thanh tra", "subscriber": "Dịch vụ đăng ký nhận tin",
           "admin": "Quản trị"},
    DocumentForm: {"state": "Thể thức văn bản nhà nước (Nghị định 30/2020/NĐ-CP)",
                   "party": "Thể thức văn bản của Đảng (Hướng dẫn 36-HD/VPTW)"},
    RecipientKind: {"collective": "Tập thể", "individual": "Cá nhân"},
    AwardLevel: {"government_flag": "Cờ thi đua của Chính phủ", "ministry_flag": "Cờ thi đua của Bộ Công an",
                 "authority_flag": "Cờ thi đua của cơ quan khác", "certificate_of_merit": "Bằng khen",
                 "commendation": "Giấy khen", "emulation_title": "Danh hiệu thi đua"},
    BallotBasis: {"valid": "Phiếu hợp lệ", "returned": "Phiếu thu về", "issued": "Phiếu phát ra"},
    ScoreKind: {"self": "Tự chấm", "cross": "Chấm chéo"},
    # The values are already the sources' own Vietnamese phrases: a document prints exactly these.
    AttendanceRole: {role.value: role.value for role in AttendanceRole},
}


def label(member: Enum) -> str:
    """The Vietnamese label of one choice (its value where none is known, never an empty string)."""
    return CHOICES_VI.get(type(member), {}).get(str(member.value), str(member.value))


def choices(kind: type[Enum]) -> list[tuple[str, str]]:
    """(value, label) of every member, in the enumeration's order."""
    return [(str(member.value), label(member)) for member in kind]
