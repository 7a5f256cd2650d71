"""Rows and lines several documents print: criteria, drives, the score table, unit lists."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from uuid import UUID

from thidua_events.facts.year import Criterion

from thidua_documents.documents.base import Needs, name_key
from thidua_documents.formatting import PLACEHOLDER, points, short_date
from thidua_documents.snapshot import Snapshot
from thidua_documents.yearview import YearRecord, standings

SCORING_NOTE = ("Điểm của mỗi đơn vị theo từng tiêu chí là điểm trung bình của các đơn vị kiểm tra chấm chéo; "
                "tiêu chí không có điểm chấm chéo lấy điểm tự chấm; điểm đã được đính chính thay cho điểm cũ.")


def criteria_rows(criteria: Iterable[Criterion]) -> list[dict[str, str]]:
    """The scale (tiêu chí, thang điểm) flattened, children after their parent."""
    rows: list[dict[str, str]] = []

    def walk(items: Iterable[Criterion]) -> None:
        for item in items:
            rows.append({"code": item.code, "title": item.title, "max_points": points(item.max_points)})
            walk(item.children)

    walk(criteria)
    return rows


def drive_lines(record: YearRecord, needs: Needs) -> list[str]:
    lines = []
    for number, (drive, closed) in sorted(record.drives.items()):
        period = f"từ ngày {short_date(drive.effective_date)}" + (f" đến ngày {short_date(closed)}" if closed else "")
        lines.append(f"Đợt {number}: {drive.title} ({period}).")
    return needs.lines(lines, "drives (no DriveLaunched for the year in the ledger)")


def drive_rows(record: YearRecord) -> list[dict[str, str]]:
    return [{"no": str(number), "title": drive.title,
             "period": short_date(drive.effective_date) + (f" - {short_date(closed)}" if closed else "")}
            for number, (drive, closed) in sorted(record.drives.items())]


def scoring(snap: Snapshot, record: YearRecord, on: date) -> tuple[list[dict[str, str]], str]:
    """The score table (self, cross-inspection, total, rank) and how it was computed."""
    table = standings(record)
    if not table:
        return [], "Kết quả chấm điểm thi đua của các đơn vị:"
    names = snap.unit_names([s.unit_id for s in table], on)
    ordered = sorted(table, key=lambda s: (s.rank, name_key(names.get(s.unit_id, ""))))
    rows = [{"no": str(n), "unit": names.get(s.unit_id, PLACEHOLDER), "self": _points(s.self_total),
             "cross": _points(s.cross_total), "total": points(s.total),
             "rank": f"{s.rank} (đồng hạng)" if s.tied else str(s.rank)}
            for n, s in enumerate(ordered, start=1)]
    return rows, SCORING_NOTE


def _points(value: Decimal | None) -> str:
    """A score not given (no cross-inspection, say) is an empty cell, never a placeholder."""
    return "" if value is None else points(value)


def unit_list(snap: Snapshot, unit_ids: Iterable[UUID], on: date) -> str:
    names = snap.unit_names(unit_ids, on)
    return ", ".join(sorted(names.values(), key=name_key))

