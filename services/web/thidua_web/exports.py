"""Any list as an .xlsx sheet: the same headers and rows the page shows, as text, so the
sheet reads as the page does (dates dd/mm/yyyy, numbers with a decimal comma)."""

import io
import re
from collections.abc import Sequence
from datetime import UTC, datetime

from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    book = Workbook()
    sheet = book.active or book.create_sheet()
    sheet.title = re.sub(r"[\\/*?:\[\]]", " ", title)[:31]  # Excel's limits on a sheet's name
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(["" if value is None else str(value) for value in row])
    for index, header in enumerate(headers, start=1):
        longest = max([len(str(header)), *(len(str(r[index - 1] or "")) for r in rows)])
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(60, longest + 2)
    sheet.freeze_panes = "A2"
    book.properties.creator = "thidua"
    book.properties.created = book.properties.modified = datetime.now(UTC).replace(tzinfo=None)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]], filename: str) -> Response:
    return Response(workbook(title, headers, rows), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'})
