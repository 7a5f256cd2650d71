"""Dates, numbers and lists as Nghị định 30/2020/NĐ-CP writes them."""

from datetime import date
from decimal import Decimal

from thidua_documents.documents.base import copies, person_sort_key
from thidua_documents.documents.decree import head_title_of
from thidua_documents.formatting import (
    bold_text_width_twips,
    date_line,
    day_month_year,
    document_number,
    percent,
    points,
    punctuate,
)


def test_days_below_ten_and_months_one_and_two_take_a_leading_zero() -> None:
    assert day_month_year(date(2023, 2, 1)) == "ngày 01 tháng 02 năm 2023"
    assert day_month_year(date(2023, 1, 9)) == "ngày 09 tháng 01 năm 2023"
    assert day_month_year(date(2023, 3, 12)) == "ngày 12 tháng 3 năm 2023"
    assert date_line("Hà Nội", date(2019, 11, 14)) == "Hà Nội, ngày 14 tháng 11 năm 2019"


def test_numbers_below_ten_take_a_leading_zero_and_no_spaces() -> None:
    assert document_number(5, "QĐ", "PV01") == "05/QĐ-PV01"
    assert document_number(123, "BB", "CTĐ4") == "123/BB-CTĐ4"


def test_a_draft_leaves_the_number_blank() -> None:
    assert document_number(None, "QĐ", "CATP").strip() == "/QĐ-CATP"


def test_each_item_ends_with_a_semicolon_and_the_last_with_a_full_stop() -> None:
    assert punctuate(["Căn cứ A;", "Căn cứ B.", "  Xét đề nghị của C  "]) == [
        "Căn cứ A;", "Căn cứ B;", "Xét đề nghị của C."]
    assert copies(["Như Điều 3", "- Lưu: VT, PX01"]) == ["- Như Điều 3;", "- Lưu: VT, PX01."]


def test_decimals_use_a_comma() -> None:
    assert points(Decimal("85.5")) == "85,50"
    assert percent(4, 6) == "66,67%"


def test_the_head_of_the_authority_is_read_from_the_signer_title() -> None:
    assert head_title_of("KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC") == "GIÁM ĐỐC"
    assert head_title_of("GIÁM ĐỐC") == "GIÁM ĐỐC"
    assert head_title_of("TL. GIÁM ĐỐC / TRƯỞNG PHÒNG") is None  # does not name the head: the clerk must


def test_people_sort_by_given_name_the_vietnamese_way() -> None:
    names = ["Lê Văn Đức", "Phạm Văn Dũng", "Trần Thị Bình", "Nguyễn Văn An", "Hoàng Văn Ánh"]
    assert sorted(names, key=person_sort_key) == [
        "Nguyễn Văn An", "Hoàng Văn Ánh", "Trần Thị Bình", "Phạm Văn Dũng", "Lê Văn Đức"]


def test_the_motto_measures_about_six_centimetres_at_fourteen_points_bold() -> None:
    width_cm = bold_text_width_twips("Độc lập - Tự do - Hạnh phúc", 14) / 567
    assert 5.8 < width_cm < 6.4


def test_the_fast_name_key_is_the_contracts_vietnamese_sort_key() -> None:
    from thidua_documents.documents.base import name_key
    from thidua_events.text import vietnamese_sort_key

    names = ["Phòng Đào tạo", "Phòng Dân vận", "Cục Cảnh sát PCCC và CNCH", "Ánh", "Ảnh", "Ạnh", "ĐẶNG", "Ưng",
             "Ơn", "Âu", "Ăn", "Công ty Tháng Tám", "Phòng A & B", "Đội 001"]
    assert [name_key(n) for n in names] == [vietnamese_sort_key(n) for n in names]
