"""Build the Word templates with python-docx, writing docxtpl (Jinja) tags into them.

    python -m thidua_documents.templates.build

The layout follows Nghị định 30/2020/NĐ-CP (Phụ lục I): A4, margins 20/20/30/15 mm,
Times New Roman, the two-column header, body 14 pt justified with a 1.27 cm first-line
indent and 6 pt after each paragraph, page numbers in the header from page 2. The
parts shared by every document live in `parts.py`; this file lays out each document.
The output is normalised like a rendered document, so building twice gives the same
files and the same template versions.
"""

from pathlib import Path

from docx.document import Document as DocumentType

from thidua_documents.templates import (
    DECREE,
    FLAG_MINUTES,
    PLEDGE,
    PLEDGE_MINUTES,
    PROPOSAL,
    REPORT,
    REVIEW_MINUTES,
    TEMPLATES_DIR,
)
from thidua_documents.templates.parts import (
    R,
    closing_and_minute_signatures,
    copies_and_signature,
    data_table,
    header_table,
    heading,
    lines,
    minutes_copies,
    new_document,
    para,
    rule,
    save,
    signature_grid,
    tag,
    title_block,
    two_signatures,
)


def decree() -> DocumentType:
    """Quyết định khen thưởng, with the attached DANH SÁCH."""
    doc = new_document()
    header_table(doc)
    title_block(doc, "QUYẾT ĐỊNH")
    para(doc, R("{{ authority_line }}", bold=True), align="center", indent=False, before=12, after=12)
    lines(doc, "legal_bases", italic=True)
    para(doc, R("QUYẾT ĐỊNH:", bold=True), align="center", indent=False, before=6)
    for n in (1, 2, 3):
        para(doc, R(f"Điều {n}. ", bold=True), R(f"{{{{ article_{n} }}}}"))
    copies_and_signature(doc)
    para(doc, R("DANH SÁCH", bold=True), align="center", indent=False, after=0, page_break_before=True)
    para(doc, R("{{ list.title }}", bold=True), align="center", indent=False, after=0)
    para(doc, R("(Kèm theo Quyết định số {{ hdr.number }} ngày {{ list.dated }} của {{ list.issuer }})",
                italic=True), align="center", indent=False, after=0)
    rule(doc, "{{ list.rule }}")
    tag(doc, "{%p if collectives %}")
    heading(doc, "{{ list.collectives_heading }}")
    data_table(doc, "c in collectives", [("TT", 700, "{{ c.no }}"), ("Tên tập thể", 4300, "{{ c.name }}"),
                                         ("Thành tích", 4355, "{{ c.achievement }}")])
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if individuals %}")
    heading(doc, "{{ list.individuals_heading }}")
    data_table(doc, "i in individuals", [
        ("TT", 600, "{{ i.no }}"), ("Họ và tên", 2000, "{{ i.name }}"), ("Cấp bậc", 1250, "{{ i.rank }}"),
        ("Chức vụ", 1500, "{{ i.title }}"), ("Đơn vị", 2000, "{{ i.unit }}"),
        ("Thành tích", 2005, "{{ i.achievement }}")])
    tag(doc, "{%p endif %}")
    return doc


def _meeting_opening(doc: DocumentType) -> None:
    """Mẫu 1.9 (Phụ lục III): start time, place, attendance, chair, secretary, then the
    proceedings in the order of the meeting."""
    para(doc, R("Thời gian: ", bold=True), R("{{ opening }}"))
    para(doc, R("Địa điểm: ", bold=True), R("{{ place }}"))
    para(doc, R("Thành phần tham dự:", bold=True))
    para(doc, R("{{ members_line }}"))
    lines(doc, "attendance")
    para(doc, R("Chủ trì (chủ tọa): ", bold=True), R("{{ chair }}."))
    para(doc, R("Thư ký (người ghi biên bản): ", bold=True), R("{{ secretary }}."))
    heading(doc, "Nội dung (theo diễn biến cuộc họp):")


def _standings_table(doc: DocumentType) -> None:
    tag(doc, "{%p if standings %}")
    data_table(doc, "s in standings", [
        ("TT", 600, "{{ s.no }}"), ("Đơn vị", 3755, "{{ s.unit }}"), ("Tự chấm", 1200, "{{ s.self }}"),
        ("Chấm chéo", 1200, "{{ s.cross }}"), ("Tổng điểm", 1400, "{{ s.total }}"),
        ("Xếp thứ", 1200, "{{ s.rank }}")])
    tag(doc, "{%p else %}")
    para(doc, R("{{ placeholder }}"))
    tag(doc, "{%p endif %}")


def review_minutes() -> DocumentType:
    """Biên bản of the year-end review and honouring (tổng kết, bình xét, suy tôn)."""
    doc = new_document()
    header_table(doc, dated=False)
    title_block(doc, "BIÊN BẢN")
    _meeting_opening(doc)
    heading(doc, "1. Báo cáo tổng kết phong trào thi đua năm {{ year }}")
    lines(doc, "report")
    heading(doc, "2. Kết quả chấm điểm thi đua")
    para(doc, R("{{ scoring_note }}"))
    _standings_table(doc)
    heading(doc, "3. Thảo luận")
    lines(doc, "discussion")
    heading(doc, "4. Bình xét, suy tôn bằng hình thức bỏ phiếu kín")
    tag(doc, "{%p for b in ballots %}")
    para(doc, R("{{ b.summary }}"))
    data_table(doc, "v in b.votes", [("TT", 700, "{{ v.no }}"), ("Đơn vị", 5055, "{{ v.unit }}"),
                                     ("Số phiếu", 1600, "{{ v.votes }}"), ("Tỷ lệ", 2000, "{{ v.share }}")])
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if not ballots %}")
    para(doc, R("{{ placeholder }}"))
    tag(doc, "{%p endif %}")
    heading(doc, "5. Kết quả suy tôn")
    lines(doc, "honours")
    heading(doc, "6. Bầu đơn vị Cụm trưởng, Cụm phó năm {{ next_year }}")
    lines(doc, "election")
    heading(doc, "7. Giao ước thi đua năm {{ next_year }}")
    lines(doc, "next_pledge")
    closing_and_minute_signatures(doc)
    return doc


def pledge_minutes() -> DocumentType:
    """Biên bản of the pledge signing (ký kết giao ước thi đua)."""
    doc = new_document()
    header_table(doc, dated=False)
    title_block(doc, "BIÊN BẢN")
    _meeting_opening(doc)
    heading(doc, "1. Dự thảo giao ước thi đua")
    lines(doc, "draft")
    heading(doc, "2. Tiêu chí, thang điểm chấm điểm thi đua")
    _criteria_table(doc)
    heading(doc, "3. Các đợt thi đua")
    lines(doc, "drives")
    heading(doc, "4. Thảo luận")
    lines(doc, "discussion")
    heading(doc, "5. Thông qua và ký kết giao ước thi đua")
    lines(doc, "adoption")
    lines(doc, "signed")
    closing_and_minute_signatures(doc)
    return doc


def _criteria_table(doc: DocumentType) -> None:
    tag(doc, "{%p if criteria %}")
    data_table(doc, "c in criteria", [("Mục", 1000, "{{ c.code }}"), ("Tiêu chí", 6355, "{{ c.title }}"),
                                      ("Điểm tối đa", 2000, "{{ c.max_points }}")])
    tag(doc, "{%p else %}")
    para(doc, R("{{ placeholder }}"))
    tag(doc, "{%p endif %}")


def pledge() -> DocumentType:
    """Giao ước thi đua, with a signature for every member unit."""
    doc = new_document()
    header_table(doc, numbered=False)
    title_block(doc, "GIAO ƯỚC THI ĐUA")
    lines(doc, "legal_bases", italic=True)
    para(doc, R("{{ intro }}"))
    heading(doc, "I. NỘI DUNG GIAO ƯỚC")
    lines(doc, "content")
    heading(doc, "II. CÁC ĐỢT THI ĐUA")
    tag(doc, "{%p if drives %}")
    data_table(doc, "d in drives", [("TT", 700, "{{ d.no }}"), ("Đợt thi đua", 5655, "{{ d.title }}"),
                                    ("Thời gian", 3000, "{{ d.period }}")])
    tag(doc, "{%p else %}")
    para(doc, R("{{ placeholder }}"))
    tag(doc, "{%p endif %}")
    heading(doc, "III. CHỈ TIÊU ĐĂNG KÝ")
    data_table(doc, "t in targets", [("TT", 700, "{{ t.no }}"), ("Nội dung chỉ tiêu", 5155, "{{ t.content }}"),
                                     ("Đơn vị tính", 1500, "{{ t.unit }}"), ("Kế hoạch", 2000, "{{ t.plan }}")])
    heading(doc, "IV. TIÊU CHÍ, THANG ĐIỂM")
    _criteria_table(doc)
    heading(doc, "V. DANH HIỆU THI ĐUA ĐĂNG KÝ")
    lines(doc, "titles")
    para(doc, R("ĐẠI DIỆN CÁC ĐƠN VỊ KÝ GIAO ƯỚC", bold=True), align="center", indent=False, before=12)
    signature_grid(doc)
    return doc


def flag_minutes() -> DocumentType:
    """Biên bản of the rotating-flag handover (bàn giao Cờ luân lưu)."""
    doc = new_document()
    header_table(doc, dated=False)
    title_block(doc, "BIÊN BẢN")
    para(doc, R("{{ opening }}"))
    heading(doc, "I. THÀNH PHẦN")
    para(doc, R("1. Bên giao: ", bold=True), R("{{ giver.unit }}"))
    para(doc, R("Đại diện: {{ giver.representative }}."))
    para(doc, R("2. Bên nhận: ", bold=True), R("{{ receiver.unit }}"))
    para(doc, R("Đại diện: {{ receiver.representative }}."))
    para(doc, R("3. Chứng kiến: ", bold=True), R("{{ witness }}."))
    heading(doc, "II. NỘI DUNG BÀN GIAO")
    lines(doc, "content")
    para(doc, R("Việc bàn giao kết thúc vào {{ closing }}./."))
    two_signatures(doc, left=("giver.title_lines", "{{ giver.representative }}"),
                   right=("receiver.title_lines", "{{ receiver.representative }}"))
    minutes_copies(doc)
    return doc


def report() -> DocumentType:
    """Báo cáo tổng kết with the score table and ranking."""
    doc = new_document()
    header_table(doc)
    title_block(doc, "BÁO CÁO")
    heading(doc, "I. KẾT QUẢ THỰC HIỆN PHONG TRÀO THI ĐUA")
    heading(doc, "1. Các đợt thi đua")
    lines(doc, "drives")
    heading(doc, "2. Kết quả công tác")
    lines(doc, "results")
    heading(doc, "II. KẾT QUẢ CHẤM ĐIỂM VÀ XẾP HẠNG")
    para(doc, R("{{ scoring_note }}"))
    _standings_table(doc)
    heading(doc, "III. CÔNG TÁC KHEN THƯỞNG")
    lines(doc, "awards")
    heading(doc, "IV. BÀI HỌC KINH NGHIỆM")
    lines(doc, "lessons")
    heading(doc, "V. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {{ next_year }}")
    lines(doc, "direction")
    copies_and_signature(doc)
    return doc


def proposal() -> DocumentType:
    """Tờ trình proposing units (and people) for an award."""
    doc = new_document()
    header_table(doc)
    title_block(doc, "TỜ TRÌNH")
    para(doc, R("Kính gửi: {{ addressee }}.", size=14), align="center", indent=False, before=6, after=12)
    lines(doc, "legal_bases", italic=True)
    para(doc, R("{{ intro }}"))
    data_table(doc, "r in rows", [
        ("TT", 600, "{{ r.no }}"), ("Tập thể, cá nhân", 2800, "{{ r.name }}"),
        ("Tổng điểm", 1200, "{{ r.total }}"), ("Xếp thứ", 1000, "{{ r.rank }}"),
        ("Số phiếu bầu", 1400, "{{ r.votes }}"), ("Thành tích", 2355, "{{ r.achievement }}")])
    heading(doc, "Hồ sơ kèm theo:")
    lines(doc, "attachments")
    para(doc, R("{{ closing }}"))
    copies_and_signature(doc)
    return doc


BUILDERS = {
    DECREE: decree, REVIEW_MINUTES: review_minutes, PLEDGE_MINUTES: pledge_minutes, PLEDGE: pledge,
    FLAG_MINUTES: flag_minutes, REPORT: report, PROPOSAL: proposal,
}


def build(directory: Path = TEMPLATES_DIR) -> list[Path]:
    written = []
    for name, builder in BUILDERS.items():
        path = directory / name
        save(builder(), path)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build():
        print(path)
