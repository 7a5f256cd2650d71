"""The award decree, opened with python-docx and checked against Nghị định 30/2020/NĐ-CP."""

import re
from typing import Any

import pytest
from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.table import Table
from thidua_documents.formatting import bold_text_width_twips
from thidua_events.text import vietnamese_sort_key

from tests.documents import requests
from tests.documents.conftest import Docs
from tests.documents.reading import (
    indents,
    is_rule,
    next_table,
    open_docx,
    paragraph,
    rows,
    size,
    texts,
)
from tests.documents.world import NEW_NAME, OLD_NAME, World


def issue(docs: Docs, world: World, decree_id: str, **body: Any) -> DocumentType:
    response = docs.client.post(f"/documents/decrees/{decree_id}", json=requests.decree(world, **body))
    assert response.status_code == 201, response.text
    return open_docx(docs.client.get(f"/documents/{response.json()['document_id']}/file").content)


@pytest.fixture
def decree(docs: Docs, world: World) -> DocumentType:
    return issue(docs, world, world.decree_2016)


def header(doc: DocumentType) -> Table:
    first = doc.tables[0]
    assert doc.element.body[0] is first._tbl, "the header table opens the document"
    return first


def test_page_is_a4_portrait_with_margins_20_20_30_15(decree: DocumentType) -> None:
    section = decree.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [20, 20, 30, 15]


def test_times_new_roman_everywhere(decree: DocumentType) -> None:
    normal = decree.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 14
    fonts = normal.element.rPr.rFonts
    assert {fonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
    runs = [r for p in decree.paragraphs for r in p.runs]
    assert runs and all(r.font.name in (None, "Times New Roman") for r in runs)


def test_header_is_a_borderless_two_column_table(decree: DocumentType) -> None:
    table = header(decree)
    assert len(table.columns) == 2
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}


def test_parent_upper_regular_and_issuing_body_upper_bold_with_a_short_rule(decree: DocumentType) -> None:
    cell = header(decree).rows[0].cells[0]
    parent, issuer, rule = cell.paragraphs[:3]
    assert parent.text == "BỘ CÔNG AN"
    assert all(size(r) == 13 and not r.bold for r in parent.runs)
    assert issuer.text == "CÔNG AN THÀNH PHỐ HÀ NỘI"
    assert all(size(r) == 13 and r.bold for r in issuer.runs)
    assert is_rule(rule) and rule.text == ""
    left, right = indents(rule)
    column = cell.width.twips
    text_width = min(bold_text_width_twips(issuer.text, 13), column)
    assert left == right and 1 / 3 <= (column - left - right) / text_width <= 1 / 2


def test_quoc_hieu_bold_13_and_motto_bold_14_with_a_rule_as_long_as_the_motto(decree: DocumentType) -> None:
    cell = header(decree).rows[0].cells[1]
    national, motto, rule = cell.paragraphs[:3]
    assert national.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert all(size(r) == 13 and r.bold and not r.italic for r in national.runs)
    assert motto.text == "Độc lập - Tự do - Hạnh phúc"
    assert all(size(r) == 14 and r.bold and not r.italic for r in motto.runs)
    left, right = indents(rule)
    rule_cm = (cell.width.twips - left - right) / 567
    assert is_rule(rule) and 5.8 < rule_cm < 6.4  # the motto at 14 pt bold is about 6.1 cm


def test_number_line_under_the_issuing_body_and_italic_date_line_on_the_same_row(decree: DocumentType) -> None:
    number, dated = header(decree).rows[1].cells
    assert re.fullmatch(r"Số: \d{2,}/QĐ-CATP", number.text)
    assert number.text == "Số: 120/QĐ-CATP"  # the number the ledger records for this decree
    assert all(size(r) == 13 and not r.bold for r in number.paragraphs[0].runs)
    assert dated.text == "Hà Nội, ngày 20 tháng 12 năm 2016"
    assert all(r.italic and size(r) == 14 for r in dated.paragraphs[0].runs)


def test_the_date_line_takes_leading_zeros(docs: Docs, world: World) -> None:
    doc = issue(docs, world, world.decree_2017)
    assert header(doc).rows[1].cells[1].text == "Hà Nội, ngày 05 tháng 02 năm 2017"


def test_title_summary_and_authority_line_are_bold_and_centred(decree: DocumentType) -> None:
    for text in ("QUYẾT ĐỊNH", "Về việc tặng Giấy khen", "GIÁM ĐỐC CÔNG AN THÀNH PHỐ HÀ NỘI", "QUYẾT ĐỊNH:"):
        p = paragraph(decree, text)
        assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert all(r.bold and size(r) == 14 for r in p.runs if r.text)
    elements = [p._p for p in decree.paragraphs]
    summary = elements.index(paragraph(decree, "Về việc tặng")._p)
    assert is_rule(decree.paragraphs[summary + 1])  # the short rule under the summary


def test_legal_bases_are_italic_each_ending_with_a_semicolon_the_last_with_a_full_stop(
        decree: DocumentType) -> None:
    bases = [p for p in decree.paragraphs if p.text.startswith(("Căn cứ", "Xét đề nghị"))]
    assert [p.text[-1] for p in bases] == [";", "."]
    assert bases[-1].text == "Xét đề nghị của Trưởng phòng Tổ chức cán bộ."
    assert all(r.italic for p in bases for r in p.runs)


def test_body_is_14_point_justified_with_first_line_indent_and_spacing(decree: DocumentType) -> None:
    article = paragraph(decree, "Điều 1.")
    fmt = article.paragraph_format
    assert article.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert abs(fmt.first_line_indent.cm - 1.27) < 0.01
    assert fmt.space_after.pt >= 6
    assert all(size(r) == 14 for r in article.runs)


def test_article_number_is_bold_and_its_text_is_not(decree: DocumentType) -> None:
    for n in (1, 2, 3):
        first, *rest = paragraph(decree, f"Điều {n}.").runs
        assert first.text == f"Điều {n}. " and first.bold
        assert rest and not any(r.bold for r in rest)
    assert paragraph(decree, "Điều 1.").text.startswith(
        "Điều 1. Tặng Giấy khen của Giám đốc Công an thành phố Hà Nội cho 4 tập thể và 4 cá nhân")
    assert paragraph(decree, "Điều 3.").text.endswith("./.")


def test_noi_nhan_is_bold_italic_12_and_its_list_11(decree: DocumentType) -> None:
    table = next_table(decree, "Điều 3.")
    left = table.rows[0].cells[0]
    heading, *items = [p for p in left.paragraphs if p.text]
    assert heading.text == "Nơi nhận:" and all(r.bold and r.italic and size(r) == 12 for r in heading.runs)
    assert [p.text for p in items] == ["- Như Điều 3;", "- Lưu: VT."]
    assert all(size(r) == 11 for p in items for r in p.runs)


def test_signature_authority_lines_and_signer_are_bold(decree: DocumentType) -> None:
    right = next_table(decree, "Điều 3.").rows[0].cells[1]
    assert texts(right) == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Thiếu tướng Đinh Văn Toản"]
    assert all(r.bold for p in right.paragraphs for r in p.runs if r.text)


def test_page_numbers_from_page_two_centred_in_the_header(decree: DocumentType) -> None:
    section = decree.sections[0]
    assert section.different_first_page_header_footer
    assert section._sectPr.find(qn("w:titlePg")) is not None
    page = section.header.paragraphs[0]
    assert page.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert [i.text.strip() for i in page._p.iter(qn("w:instrText"))] == ["PAGE"]
    assert all(size(r) == 14 for r in page.runs)
    first = section.first_page_header
    assert not first.is_linked_to_previous
    assert not list(first._element.iter(qn("w:instrText")))


def test_the_attached_list_starts_on_a_new_page_and_cites_the_decree(decree: DocumentType) -> None:
    title = paragraph(decree, "DANH SÁCH")
    assert title.paragraph_format.page_break_before
    caption = paragraph(decree, "(Kèm theo")
    assert caption.text == ("(Kèm theo Quyết định số 120/QĐ-CATP ngày 20/12/2016 của Giám đốc Công an thành phố "
                            "Hà Nội)")
    assert all(r.italic for r in caption.runs)


def test_collectives_are_listed_the_vietnamese_way_under_their_2016_names(decree: DocumentType) -> None:
    table = next_table(decree, "I. TẬP THỂ")
    header_row, *body = rows(table)
    assert header_row == ["TT", "Tên tập thể", "Thành tích"]
    names = [row[1] for row in body]
    assert names == ["Phòng Công tác đảng và công tác quần chúng", "Phòng Dân vận", "Phòng Đào tạo",
                     "Phòng Hậu cần"]
    assert names == sorted(names, key=vietnamese_sort_key)  # D before Đ
    assert [row[0] for row in body] == ["1", "2", "3", "4"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page


def test_individuals_are_listed_by_given_name_with_rank_title_and_unit(decree: DocumentType) -> None:
    header_row, *body = rows(next_table(decree, "II. CÁ NHÂN"))
    assert header_row == ["TT", "Họ và tên", "Cấp bậc", "Chức vụ", "Đơn vị", "Thành tích"]
    assert [row[1] for row in body] == ["Nguyễn Văn An", "Trần Thị Bình", "Phạm Văn Dũng", "Lê Văn Đức"]
    assert body[0][2:] == ["Thiếu tá", "Phó Trưởng phòng", "Phòng Hậu cần", "Hoàn thành xuất sắc nhiệm vụ"]


def test_a_renamed_unit_keeps_its_old_name_in_a_document_dated_before_the_rename(
        decree: DocumentType, docs: Docs, world: World) -> None:
    text = "\n".join(c.text for t in decree.tables for r in t.rows for c in r.cells)
    assert OLD_NAME in text and NEW_NAME not in text
    later = docs.client.post(f"/documents/clusters/{world.cluster}/years/2019/pledge", json=requests.pledge())
    assert later.status_code == 201
    pledge = open_docx(docs.client.get(f"/documents/{later.json()['document_id']}/file").content)
    signatures = "\n".join(c.text for t in pledge.tables for r in t.rows for c in r.cells)
    assert NEW_NAME.upper() in signatures and OLD_NAME.upper() not in signatures


def test_a_head_who_signs_himself_signs_without_kt(docs: Docs, world: World) -> None:
    doc = issue(docs, world, world.decree_2017)
    assert paragraph(doc, "GIÁM ĐỐC CÔNG AN").text == "GIÁM ĐỐC CÔNG AN THÀNH PHỐ HÀ NỘI"
    right = next_table(doc, "Điều 3.").rows[0].cells[1]
    assert texts(right) == ["GIÁM ĐỐC", "Trung tướng Nguyễn Văn Mẫu"]
    assert paragraph(doc, "Điều 1.").text.startswith("Điều 1. Tặng Bằng khen của Giám đốc Công an thành phố "
                                                     "Hà Nội cho 1 tập thể (có danh sách kèm theo)")
    assert "II. CÁ NHÂN" not in [p.text.split(" (")[0] for p in doc.paragraphs]
