"""Sheets as a lower unit sends them, for the import tests."""

import io
from collections.abc import Sequence
from datetime import datetime

from openpyxl import Workbook

Cell = str | int | datetime | None


def sheet(rows: Sequence[Sequence[Cell]], *, unit: str = "Phòng Tổ chức cán bộ", day: Cell = "20/11/2019",
          year: Cell = 2019, award_kind: str = "Giấy khen của Giám đốc Công an thành phố Hà Nội") -> bytes:
    book = Workbook()
    ws = book.active or book.create_sheet()
    ws.append(["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG"])
    ws.append(["Đơn vị đề nghị", unit])
    ws.append(["Ngày đề nghị", day])
    ws.append(["Năm thi đua", year])
    ws.append(["Hình thức khen thưởng", award_kind])
    ws.append(["STT", "Đối tượng", "Tên tập thể / Họ và tên", "Thành tích"])
    for number, row in enumerate(rows, start=1):
        ws.append([number, *row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
