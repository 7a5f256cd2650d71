"""The minutes, the pledge, the report and the proposal: what each one says, from the facts."""

from typing import Any

from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH

from tests.documents import requests as full
from tests.documents.conftest import Docs
from tests.documents.reading import entries, next_table, open_docx, paragraph, rows, texts
from tests.documents.requests import SECRETARY
from tests.documents.world import NEW_NAME, SIGNER_2019, World


def issue(docs: Docs, path: str, **body: Any) -> DocumentType:
    response = docs.client.post(path, json=body)
    assert response.status_code == 201, response.text
    return open_docx(docs.client.get(f"/documents/{response.json()['document_id']}/file").content)


def year_doc(docs: Docs, world: World, kind: str, year: int = 2019, **body: Any) -> DocumentType:
    return issue(docs, f"/documents/clusters/{world.cluster}/years/{year}/{kind}", **body)


def all_text(doc: DocumentType) -> str:
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_review_minutes_record_time_place_attendance_and_both_signatures(docs: Docs, world: World) -> None:
    doc = year_doc(docs, world, "review-minutes", **full.review_minutes())
    number, dated = doc.tables[0].rows[1].cells
    assert (number.text, dated.text) == ("Số: 01/BB-CTĐ4", "")  # Mẫu 1.9: no place-and-date line
    assert doc.tables[0].rows[0].cells[0].paragraphs[0].text == "CÔNG AN THÀNH PHỐ HÀ NỘI"
    assert paragraph(doc, "BIÊN BẢN").alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert paragraph(doc, "Thời gian:").text == "Thời gian: bắt đầu lúc 08 giờ 00, ngày 14 tháng 11 năm 2019."
    assert paragraph(doc, "Địa điểm:").text == "Địa điểm: Hội trường Phòng Tham mưu."
    assert paragraph(doc, "Chủ trì (chủ tọa):").text == f"Chủ trì (chủ tọa): {SIGNER_2019}."
    members = [p.text for p in doc.paragraphs if p.text.startswith("+ ")]
    assert members[:3] == [f"+ {NEW_NAME};", "+ Phòng Dân vận;", "+ Phòng Đào tạo;"] and len(members) == 7
    assert members[-1].endswith(".")
    closing = paragraph(doc, "Cuộc họp kết thúc")
    assert closing.text == "Cuộc họp kết thúc vào 11 giờ 30, ngày 14 tháng 11 năm 2019./."
    secretary, chair = doc.tables[-1].rows[0].cells
    assert (texts(secretary), texts(chair)) == (["THƯ KÝ", SECRETARY], ["CHỦ TỌA", SIGNER_2019])


def test_review_minutes_hold_scores_ballot_honours_and_next_years_leadership(docs: Docs, world: World) -> None:
    doc = year_doc(docs, world, "review-minutes", **full.review_minutes())
    scores = rows(next_table(doc, "2. Kết quả chấm điểm"))
    assert scores[0] == ["TT", "Đơn vị", "Tự chấm", "Chấm chéo", "Tổng điểm", "Xếp thứ"]
    assert scores[1] == ["1", "Phòng Tổ chức cán bộ", "58,00", "52,00", "52,00", "1"]
    assert [row[1] for row in scores[2:]] == ["Phòng Hậu cần", "Phòng Tài chính", "Phòng Tham mưu"]
    assert {row[5] for row in scores[2:]} == {"2 (đồng hạng)"}
    ballot = paragraph(doc, "Bỏ phiếu kín:")
    assert ballot.text == ("Bỏ phiếu kín: Cờ thi đua của Bộ Công an. Số phiếu phát ra: 7; số phiếu thu về: 7; "
                           "số phiếu hợp lệ: 6. Kết quả:")
    assert rows(next_table(doc, "Bỏ phiếu kín:"))[1:] == [["1", "Phòng Tổ chức cán bộ", "6", "100,00%"],
                                                         ["2", "Phòng Tham mưu", "4", "66,67%"]]
    assert paragraph(doc, "Cờ thi đua của Bộ Công an:").text == "Cờ thi đua của Bộ Công an: Phòng Tổ chức cán bộ."
    assert paragraph(doc, "Đơn vị Cụm trưởng năm 2020").text.endswith(": Phòng Tổ chức cán bộ.")
    assert paragraph(doc, "Đơn vị Cụm phó năm 2020").text.endswith(": Phòng Tài chính.")


def test_what_the_ledger_does_not_hold_is_left_to_the_clerk_in_a_draft(docs: Docs, world: World) -> None:
    response = docs.client.post(f"{full.cluster_year(world)}/review-minutes/draft", json={"secretary": SECRETARY})
    doc = open_docx(response.content)
    assert paragraph(doc, "Thời gian:").text.startswith("Thời gian: bắt đầu lúc …… giờ ……")
    discussion = [b for b in doc.paragraphs if b.text == "……"]
    assert len(discussion) == 3  # the report, the discussion and next year's pledge


def test_pledge_minutes_name_the_draft_the_adoption_and_who_signed(docs: Docs, world: World) -> None:
    doc = year_doc(docs, world, "pledge-minutes", **full.pledge_minutes())
    assert doc.tables[0].rows[1].cells[1].text == ""  # the date is in the text (Mẫu 1.9)
    assert paragraph(doc, "Thời gian:").text.endswith("ngày 15 tháng 01 năm 2019.")
    assert paragraph(doc, "Phòng Tham mưu (đơn vị Cụm trưởng năm 2019) trình bày dự thảo")
    assert rows(next_table(doc, "2. Tiêu chí"))[1:] == [["1", "Công tác xây dựng lực lượng", "40,00"],
                                                       ["1.1", "Công tác chính trị", "20,00"],
                                                       ["2", "Kết quả công tác chuyên môn", "60,00"]]
    assert paragraph(doc, "Đợt 1:").text == ("Đợt 1: Đợt thi đua cao điểm Tết Nguyên đán (từ ngày 01/02/2019 "
                                            "đến ngày 01/03/2019).")
    assert paragraph(doc, "Các đơn vị đã ký kết").text == "Các đơn vị đã ký kết giao ước:"  # no count
    assert "+ Phòng Tham mưu (người ký: Đại tá Nguyễn Văn Ký);" in all_text(doc)


def test_the_pledge_has_a_signature_for_every_member_unit_and_no_number(docs: Docs, world: World) -> None:
    doc = year_doc(docs, world, "pledge", **full.pledge())
    assert doc.tables[0].rows[1].cells[0].text == ""  # Phụ lục III has no symbol for a pledge
    assert paragraph(doc, "GIAO ƯỚC THI ĐUA").alignment == WD_ALIGN_PARAGRAPH.CENTER
    grid = doc.tables[-1]
    assert all(texts(cell)[0] == "ĐẠI DIỆN" for row in grid.rows for cell in row.cells if texts(cell))
    units = [texts(cell)[1] for row in grid.rows for cell in row.cells if texts(cell)]
    assert units == [NEW_NAME.upper(), "PHÒNG DÂN VẬN", "PHÒNG ĐÀO TẠO", "PHÒNG HẬU CẦN", "PHÒNG TÀI CHÍNH",
                     "PHÒNG THAM MƯU", "PHÒNG TỔ CHỨC CÁN BỘ"]
    signers = {texts(cell)[1]: texts(cell)[2:] for row in grid.rows for cell in row.cells if texts(cell)}
    # Phòng Dân vận's representative is not recorded: left blank to sign by hand, not "……".
    assert signers["PHÒNG THAM MƯU"] == ["Đại tá Nguyễn Văn Ký"] and signers["PHÒNG DÂN VẬN"] == []
    assert rows(next_table(doc, "II. CÁC ĐỢT THI ĐUA"))[1] == ["1", "Đợt thi đua cao điểm Tết Nguyên đán",
                                                              "01/02/2019 - 01/03/2019"]


def test_flag_handover_minutes_name_giver_receiver_and_their_roles(docs: Docs, world: World) -> None:
    doc = year_doc(docs, world, "flag-handover-minutes", **full.flag_minutes())
    assert paragraph(doc, "1. Bên giao:").text == "1. Bên giao: Phòng Tham mưu (đơn vị Cụm trưởng năm 2019)"
    assert paragraph(doc, "2. Bên nhận:").text == ("2. Bên nhận: Phòng Tổ chức cán bộ (đơn vị Cụm trưởng năm "
                                                   "2020)")
    assert paragraph(doc, "3. Chứng kiến:").text == f"3. Chứng kiến: {SIGNER_2019}."
    assert paragraph(doc, "Phòng Tham mưu bàn giao Cờ luân lưu của Cụm thi đua số 4 cho Phòng Tổ chức cán bộ.")
    giver, receiver = doc.tables[-1].rows[0].cells
    assert texts(giver) == ["ĐẠI DIỆN BÊN GIAO", "Đại tá Trần Văn Giao"]
    assert texts(receiver) == ["ĐẠI DIỆN BÊN NHẬN", "Đại tá Phạm Văn Nhận"]


def test_report_has_the_score_table_ranking_and_awards(docs: Docs, world: World) -> None:
    doc = year_doc(docs, world, "report", **full.report())
    assert doc.tables[0].rows[1].cells[0].text == "Số: 01/BC-CTĐ4"
    assert rows(next_table(doc, "II. KẾT QUẢ CHẤM ĐIỂM"))[1][1:] == [
        "Phòng Tổ chức cán bộ", "58,00", "52,00", "52,00", "1"]
    assert paragraph(doc, "- Cờ thi đua của Bộ Công an:").text == (
        "- Cờ thi đua của Bộ Công an: 1 tập thể (Quyết định số 15/QĐ-BCA ngày 15/01/2020 của Bộ Công an).")
    assert paragraph(doc, "Bám sát chỉ đạo.")
    assert paragraph(doc, "Đơn vị Cụm trưởng năm 2020").text == (
        "Đơn vị Cụm trưởng năm 2020: Phòng Tổ chức cán bộ; đơn vị Cụm phó: Phòng Tài chính.")
    sign = doc.tables[-1].rows[0].cells[1]
    assert texts(sign) == ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG", "Đại tá Nguyễn Văn Báo"]


def test_proposal_names_the_addressee_results_and_votes(docs: Docs, world: World) -> None:
    doc = issue(docs, f"/documents/proposals/{world.proposal_2019}", **full.proposal())
    assert doc.tables[0].rows[1].cells[0].text == "Số: 01/TTr-PV01"  # the proposing unit's own symbol
    assert doc.tables[0].rows[0].cells[0].paragraphs[1].text == "PHÒNG THAM MƯU"
    assert paragraph(doc, "Kính gửi:").text == "Kính gửi: Bộ Công an."
    assert rows(next_table(doc, "Phòng Tham mưu kính đề nghị"))[1] == [
        "1", "Phòng Tổ chức cán bộ", "52,00", "1", "6/6", ""]
    assert [p.text for p in doc.paragraphs if p.text.startswith("- Báo cáo") or p.text.startswith("- Biên")] == [
        "- Báo cáo thành tích;", "- Biên bản bình xét."]
    assert paragraph(doc, "Kính trình").text == "Kính trình Bộ Công an xem xét, quyết định./."


def test_no_template_tag_survives_in_any_document(docs: Docs, world: World) -> None:
    requests = full.every_document(world)
    for path, body in requests:
        content = docs.client.post(f"{path}/draft", json=body).content
        for name, _, xml in entries(content):
            if name.endswith(".xml"):
                assert b"{{" not in xml and b"{%" not in xml, f"{path}: {name}"
        assert open_docx(content).sections[0].different_first_page_header_footer
