"""The recipients' sheet read row by row: each error names its row, in Vietnamese."""

from datetime import datetime

import pytest
from thidua_web import sheets

from tests.web.sheet_factory import sheet

# Rows start on line 7: a title, four header lines, the table's header.
CATALOGUE = {("units", "phòng tài chính"): ["u-tc"], ("units", "phòng tổ chức cán bộ"): ["u-tccb"],
             ("people", "nguyễn văn thử"): ["p-1"], ("people", "trần văn trùng"): ["p-2", "p-3"]}


def lookup(kind: str, name: str) -> list[str]:
    return CATALOGUE.get((kind, name.casefold()), [])


def read(content: bytes) -> sheets.Sheet:
    parsed = sheets.read(content)
    sheets.resolve(parsed, lookup)
    return parsed


def test_a_clean_sheet_names_every_recipient() -> None:
    parsed = read(sheet([("Tập thể", "Phòng Tài chính", "Xuất sắc"), ("Cá nhân", "Nguyễn Văn Thử", None)]))
    assert parsed.clean and parsed.header["date"].isoformat() == "2019-11-20" and parsed.header["year"] == 2019
    assert parsed.header["unit_id"] == "u-tccb"
    assert sheets.recipients(parsed) == [{"kind": "collective", "unit_id": "u-tc", "achievement": "Xuất sắc"},
                                         {"kind": "individual", "person_id": "p-1"}]


def test_a_date_cell_is_read_as_its_day() -> None:
    assert read(sheet([("Tập thể", "Phòng Tài chính", None)], day=datetime(2019, 11, 20))).clean


@pytest.mark.parametrize("day", ["2019-11-20", "31/02/2019", "20.11.2019", "dd/mm/yyyy"])
def test_a_date_not_written_dd_mm_yyyy_is_the_error_of_its_line(day: str) -> None:
    parsed = read(sheet([("Tập thể", "Phòng Tài chính", None)], day=day))
    assert parsed.header_errors == [f"Dòng 3: ngày “{day}” không đúng dạng dd/mm/yyyy."]
    assert not parsed.clean


def test_each_bad_row_names_its_line_and_only_its_own_error() -> None:
    parsed = read(sheet([
        ("Tập thể", "Phòng Tài chính", None),     # 7: fine
        ("Tập thể", "Phòng Không Có", None),      # 8: unknown unit
        ("Cá nhân", "Lê Văn Vắng", None),         # 9: unknown person
        ("Cá nhân", "", None),                    # 10: no name
        ("Tập thể", "phòng tài chính", None),     # 11: the row of line 7 again
        ("Đơn vị", "Phòng Tài chính", None),      # 12: neither collective nor individual
        ("Cá nhân", "Trần Văn Trùng", None),      # 13: two people of that name
    ]))
    assert [r.errors for r in parsed.rows] == [
        [],
        ["Dòng 8: không có đơn vị “Phòng Không Có” trong sổ cái."],
        ["Dòng 9: không có cá nhân “Lê Văn Vắng” trong sổ cái."],
        ["Dòng 10: thiếu tên tập thể hoặc họ và tên."],
        ["Dòng 11: trùng với dòng 7 (phòng tài chính)."],
        ["Dòng 12: đối tượng “Đơn vị” phải là “Tập thể” hoặc “Cá nhân”."],
        ["Dòng 13: sổ cái có 2 cá nhân cùng tên “Trần Văn Trùng”: không biết là ai."],
    ]
    assert parsed.error_count == 6 and not parsed.clean


def test_the_same_name_as_a_unit_and_a_person_is_not_a_duplicate() -> None:
    """The near miss of a duplicate row: same name, another kind of recipient."""
    CATALOGUE[("people", "phòng tài chính")] = ["p-9"]
    try:
        assert read(sheet([("Tập thể", "Phòng Tài chính", None), ("Cá nhân", "Phòng Tài chính", None)])).clean
    finally:
        del CATALOGUE[("people", "phòng tài chính")]


def test_a_file_that_is_not_a_workbook_is_refused() -> None:
    with pytest.raises(sheets.NotASheet):
        sheets.read(b"not a zip")


def test_the_template_reads_as_an_empty_list_with_its_gaps_named() -> None:
    parsed = sheets.read(sheets.template())
    assert "Danh sách không có dòng nào." in parsed.header_errors
    assert "Dòng 3: ngày “dd/mm/yyyy” không đúng dạng dd/mm/yyyy." in parsed.header_errors
