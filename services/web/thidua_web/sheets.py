"""The list of recipients a lower unit sends with a proposal (danh sách đề nghị khen thưởng),
as an .xlsx sheet, read row by row. Every error names its row, in Vietnamese; the page shows
them all before anything is recorded, and nothing is recorded while any row has one.

The sheet, as the template offered for download lays it out:

    DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG            (a title; ignored)
    Đơn vị đề nghị        | Phòng Tổ chức cán bộ
    Ngày đề nghị          | 20/11/2019      (dd/mm/yyyy, or a date cell)
    Năm thi đua           | 2019
    Hình thức khen thưởng | Giấy khen …
    STT | Đối tượng | Tên tập thể / Họ và tên | Thành tích
    1   | Tập thể   | Phòng Tài chính         | Hoàn thành xuất sắc …
    2   | Cá nhân   | Nguyễn Văn A            | …
"""

import io
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from thidua_events.text import comparison_key

from thidua_web.docforms import parse_day

LABELS = {"don vi de nghi": "unit", "ngay de nghi": "date", "nam thi dua": "year",
          "hinh thuc khen thuong": "award_kind"}
KINDS = {"tap the": "collective", "ca nhan": "individual"}
MAX_ROWS = 5000


def folded(text: str) -> str:
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(stripped.replace("đ", "d").replace("Đ", "D").casefold().rstrip(":").split())


class NotASheet(Exception):
    """The file is not an .xlsx workbook openpyxl can read."""


@dataclass
class Row:
    line: int  # as the spreadsheet numbers it
    kind: str  # "collective", "individual" or "" when not given
    kind_text: str
    name: str
    achievement: str
    errors: list[str] = field(default_factory=list)
    subject_id: str | None = None


@dataclass
class Sheet:
    header: dict[str, Any] = field(default_factory=dict)  # unit, date, year, award_kind, as read
    header_errors: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.header_errors and bool(self.rows) and not any(r.errors for r in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.header_errors) + sum(len(r.errors) for r in self.rows)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", " ".join(str(value).split()))


def _day(value: object, line: int, errors: list[str]) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    day = parse_day(text) if text else None
    if day is None:
        errors.append(f"Dòng {line}: ngày “{text}” không đúng dạng dd/mm/yyyy." if text
                      else f"Dòng {line}: thiếu ngày đề nghị (dd/mm/yyyy).")
    return day


def read(content: bytes) -> Sheet:
    """The sheet's header and rows, each row with the errors it shows by itself."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise NotASheet(str(error)) from None
    sheet = Sheet()
    worksheet = book.worksheets[0]
    in_table = False
    seen: dict[tuple[str, str], int] = {}
    lines = {"unit": 0, "date": 0, "year": 0, "award_kind": 0}
    for line, cells in enumerate(worksheet.iter_rows(values_only=True), start=1):
        values = list(cells) + [None] * 4
        if not in_table:
            label = folded(_text(values[0]))
            if label == "stt":
                in_table = True
            elif label in LABELS:
                key = LABELS[label]
                lines[key] = line
                if key == "date":
                    sheet.header[key] = _day(values[1], line, sheet.header_errors)
                elif key == "year":
                    text = _text(values[1])
                    if text.isdigit() and 1945 <= int(text) <= 2100:
                        sheet.header[key] = int(text)
                    else:
                        sheet.header_errors.append(f"Dòng {line}: năm thi đua “{text}” phải là một năm, "
                                                   "ví dụ 2019.")
                else:
                    sheet.header[key] = _text(values[1])
            continue
        if not any(_text(v) for v in values[:4]):
            continue  # a blank line between or after the rows
        if len(sheet.rows) >= MAX_ROWS:
            sheet.header_errors.append(f"Tệp có hơn {MAX_ROWS} dòng: hãy chia thành nhiều tờ trình.")
            break
        kind_text, name, achievement = _text(values[1]), _text(values[2]), _text(values[3])
        row = Row(line, KINDS.get(folded(kind_text), ""), kind_text, name, achievement)
        if not row.kind:
            row.errors.append(f"Dòng {line}: đối tượng “{kind_text}” phải là “Tập thể” hoặc “Cá nhân”."
                              if kind_text else f"Dòng {line}: thiếu đối tượng (Tập thể hoặc Cá nhân).")
        if not name:
            row.errors.append(f"Dòng {line}: thiếu tên tập thể hoặc họ và tên.")
        else:
            identity = (row.kind, comparison_key(name))
            if identity in seen:
                row.errors.append(f"Dòng {line}: trùng với dòng {seen[identity]} ({name}).")
            else:
                seen[identity] = line
        sheet.rows.append(row)
    if not in_table:
        sheet.header_errors.append("Không thấy dòng tiêu đề bảng (ô đầu tiên ghi “STT”).")
    elif not sheet.rows:
        sheet.header_errors.append("Danh sách không có dòng nào.")
    if "date" not in sheet.header and lines["date"] == 0:
        sheet.header_errors.append("Thiếu dòng “Ngày đề nghị” (dd/mm/yyyy).")
    if "year" not in sheet.header and lines["year"] == 0:
        sheet.header_errors.append("Thiếu dòng “Năm thi đua”.")
    if not sheet.header.get("award_kind"):
        sheet.header_errors.append("Thiếu “Hình thức khen thưởng”.")
    sheet.header["lines"] = lines
    return sheet


# (kind of catalogue, name) -> the ids of the entries of exactly that name
Lookup = Callable[[str, str], list[str]]


def resolve(sheet: Sheet, lookup: Lookup, progress: Callable[[int, int], None] | None = None) -> None:
    """Name each row's unit or person in the ledger's catalogue; an unknown or ambiguous name
    is that row's error. `progress(done, total)` after each row."""
    lines = sheet.header.get("lines", {})
    if sheet.header.get("unit"):
        found = lookup("units", sheet.header["unit"])
        if len(found) == 1:
            sheet.header["unit_id"] = found[0]
        else:
            sheet.header_errors.append(_unknown(lines.get("unit", 0), "đơn vị", sheet.header["unit"], len(found)))
    total = len(sheet.rows)
    for done, row in enumerate(sheet.rows, start=1):
        if row.kind and row.name and not row.errors:
            catalogue, what = ("units", "đơn vị") if row.kind == "collective" else ("people", "cá nhân")
            found = lookup(catalogue, row.name)
            if len(found) == 1:
                row.subject_id = found[0]
            else:
                row.errors.append(_unknown(row.line, what, row.name, len(found)))
        if progress:
            progress(done, total)


def _unknown(line: int, what: str, name: str, count: int) -> str:
    if count == 0:
        return f"Dòng {line}: không có {what} “{name}” trong sổ cái."
    return f"Dòng {line}: sổ cái có {count} {what} cùng tên “{name}”: không biết là ai."


def recipients(sheet: Sheet) -> list[dict[str, Any]]:
    """The proposal's recipients, once the sheet is clean."""
    field_of = {"collective": "unit_id", "individual": "person_id"}
    return [{"kind": r.kind, field_of[r.kind]: r.subject_id, **({"achievement": r.achievement} if r.achievement
                                                                 else {})} for r in sheet.rows]


def template() -> bytes:
    """An empty sheet in the layout `read` expects, for a lower unit to fill."""
    book = Workbook()
    ws = book.active or book.create_sheet()
    ws.title = "Danh sách đề nghị"
    for row in (["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG"], ["Đơn vị đề nghị", ""], ["Ngày đề nghị", "dd/mm/yyyy"],
                ["Năm thi đua", ""], ["Hình thức khen thưởng", ""],
                ["STT", "Đối tượng", "Tên tập thể / Họ và tên", "Thành tích"]):
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
