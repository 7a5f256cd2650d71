"""What a conference (hội nghị) records beside its decisions: where, who presided, the
senior officers present in the articles' own terms, and a summary.

Not a fact itself: pledge adoption, reviews and flag handovers carry these fields.
"""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from thidua_events.text import Name, Note


class AttendanceRole(StrEnum):
    """How a source says an officer took part, as it says it: a document prints this
    phrase and no other (never "chủ trì" where the source says only "dự")."""

    PRESIDED = "dự và chủ trì"  # attended and presided
    DIRECTED = "dự và chỉ đạo"  # attended and directed
    ATTENDED = "dự"  # attended


class Official(BaseModel):
    """A senior officer present (đại biểu), with rank and post as the source prints them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Name = Field(title="Họ và tên", description='e.g. "Đoàn Ngọc Hùng"')
    rank: Name | None = Field(None, title="Cấp bậc", description='e.g. "Thiếu tướng"; empty where unstated')
    post: Name | None = Field(None, title="Chức vụ", description='e.g. "Phó Giám đốc CATP Hà Nội"')
    role: AttendanceRole = Field(title="Vai trò tại hội nghị")


class Conference(BaseModel):
    """The conference fields a fact shares (a mixin of pydantic fields)."""

    place: Name | None = Field(None, title="Địa điểm")
    chair: Name | None = Field(None, title="Chủ trì", description="Who presided (chủ trì), where stated")
    officials: tuple[Official, ...] = Field((), title="Đại biểu dự",
                                            description="Senior officers present, each with the role stated")
    summary: Note | None = Field(None, title="Tóm tắt")
