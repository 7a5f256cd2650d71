"""What each missing part the documents service names says to a clerk, in Vietnamese.

The documents service names what a draft lacks in English (the `X-Missing-Parts` header of a
draft, `missing` of a 422): a request field's name, or a fact the ledger lacks, with the
year or id it concerns. Each pattern here reads one such name from its start; the line says
it in Vietnamese, quoting what the pattern captures. `tests/unit/test_missing_vi.py` collects
every name the service's code can produce and fails on one without a line."""

import re

from thidua_events.rules_vi import RULES_VI, rule_message

_PARTS: list[tuple[str, str]] = [
    # What the clerk adds to the request (the draft form's fields)
    (r"place\b", "Địa danh ở dòng ngày tháng (cơ quan ban hành chưa có địa danh)"),
    (r"signer_title\b", "Chức vụ người ký"),
    (r"signer\b", "Người ký"),
    (r"head_title\b", "Chức danh ở dòng thẩm quyền (ví dụ “Giám đốc”)"),
    (r"legal_basis_ids\b", "Căn cứ pháp lý (các dòng “Căn cứ …”)"),
    (r"proposer\b", "Đơn vị đề nghị (“Xét đề nghị của …”)"),
    (r"award_money\b", "Tiền thưởng và nguồn kinh phí (Điều 2)"),
    (r"executors\b", "Cơ quan, đơn vị, cá nhân thi hành quyết định (Điều 3)"),
    (r"decree_date$", "Ngày ký quyết định"),
    (r"chair\b", "Chủ tọa"),
    (r"secretary\b", "Thư ký"),
    (r"started_at\b", "Giờ bắt đầu"),
    (r"ended_at\b", "Giờ kết thúc"),
    (r"venue\b", "Địa điểm"),
    (r"witness\b", "Người chứng kiến"),
    (r"giver_representative\b", "Đại diện đơn vị trao cờ"),
    (r"receiver_representative\b", "Đại diện đơn vị nhận cờ"),
    (r"discussion\b", "Ý kiến thảo luận"),
    (r"report\b", "Nội dung báo cáo tổng kết đã trình bày"),
    (r"next_pledge\b", "Giao ước thi đua năm sau"),
    (r"results\b", "Kết quả công tác"),
    (r"lessons\b", "Bài học kinh nghiệm"),
    (r"direction\b", "Phương hướng năm sau"),
    (r"attachments\b", "Hồ sơ gửi kèm tờ trình"),
    (r"titles\b", "Danh hiệu đăng ký"),
    (r"targets\[(?P<index>\d+)\]\.unit\b", "Chỉ tiêu {no}: đơn vị tính"),
    (r"targets\[(?P<index>\d+)\]\.plan\b", "Chỉ tiêu {no}: kế hoạch, biện pháp thực hiện"),
    (r"targets\b", "Chỉ tiêu đăng ký"),
    (r"the pledge's content\b", "Nội dung giao ước (dự thảo giao ước chưa ghi nội dung)"),
    (r"the pledge's date\b", "Ngày của giao ước (chưa ghi nhận thông qua giao ước; hãy nhập ngày)"),
    (r"the report's date\b", "Ngày của báo cáo (chưa ghi nhận tổng kết năm; hãy nhập ngày)"),
    (r"the signing date\b", "Ngày ký giao ước (chưa ghi nhận thông qua giao ước; hãy nhập ngày)"),
    # Facts the ledger lacks for the year
    (r"scores\b", "Điểm thi đua (sổ cái chưa ghi nhận điểm nào của năm)"),
    (r"honours\b", "Danh hiệu được suy tôn (sổ cái chưa ghi nhận)"),
    (r"ballots\b", "Kết quả bỏ phiếu kín (sổ cái chưa ghi nhận)"),
    (r"criteria\b", "Tiêu chí, thang điểm (sổ cái chưa ghi nhận việc thông qua)"),
    (r"election\b", "Kết quả bầu cụm trưởng, cụm phó năm sau (sổ cái chưa ghi nhận)"),
    (r"the adoption\b", "Việc thông qua giao ước thi đua (sổ cái chưa ghi nhận)"),
    (r"signatures\b", "Chữ ký giao ước của các đơn vị (sổ cái chưa ghi nhận)"),
    (r"drives\b", "Các đợt thi đua (sổ cái chưa ghi nhận đợt nào được phát động)"),
    (r"awards\b", "Khen thưởng của năm (sổ cái chưa ghi nhận)"),
    (r"the year-end review of (?P<year>\d+)", "Tổng kết năm {year} (sổ cái chưa ghi nhận)"),
    (r"the draft pledge of (?P<year>\d+)", "Dự thảo giao ước thi đua năm {year} (sổ cái chưa ghi nhận)"),
    (r"the flag handover of (?P<year>\d+)", "Bàn giao cờ luân lưu năm {year} (sổ cái chưa ghi nhận)"),
    # What the document is about, missing from the ledger
    (r"cluster \S+ \(not in the ledger", "Cụm thi đua (sổ cái chưa có)"),
    (r"year (?P<year>\d+) of (?P<cluster>.+) \(not opened",
     "Năm thi đua {year} của {cluster} (chưa được mở trong sổ cái)"),
    (r"decree_id \S+ \(already a decree",
     "Quyết định này đã có trong sổ cái: hãy soạn văn bản từ chính quyết định đó."),
    (r"decree \S+ \(no award", "Khen thưởng theo quyết định (sổ cái chưa ghi nhận)"),
    (r"authority \S+ of the decree", "Cơ quan ban hành quyết định (sổ cái chưa có)"),
    (r"unit \S+ named by the decree", "Đơn vị được khen trong quyết định (sổ cái chưa có)"),
    (r"person \S+ named by the decree", "Cá nhân được khen trong quyết định (sổ cái chưa có)"),
    (r"proposal_id \S+ \(no proposal", "Đề nghị khen thưởng (sổ cái chưa có)"),
    (r"proposal \S+ \(not in the ledger", "Đề nghị khen thưởng (sổ cái chưa có)"),
    (r"authority \S+ the proposal is sent to", "Cơ quan nhận đề nghị khen thưởng (sổ cái chưa có)"),
    (r"unit \S+ that proposes", "Đơn vị đề nghị khen thưởng (sổ cái chưa có)"),
    (r"the proposing unit or cluster\b", "Đơn vị hoặc cụm đề nghị (đề nghị không nêu)"),
    # The register of documents
    (r"the issuing body (?P<name>.+) \(\S+\) is not registered",
     "Cơ quan ban hành {name} chưa đăng ký ký hiệu và sổ văn bản (đăng ký một lần ở trang sổ văn bản)"),
    (r"a part of the .+ left blank that no rule names",
     "Một phần của văn bản còn trống mà không quy tắc nào nêu (hãy báo cho bộ phận kỹ thuật)"),
]
PARTS_VI: list[tuple[re.Pattern[str], str]] = [(re.compile(pattern), text) for pattern, text in _PARTS]
_RULE = re.compile(r"(?P<rule>[a-z]+(?:-[a-z]+)+): ")  # a rule broken, as the register names it


def missing_part_vi(part: str) -> str | None:
    """The Vietnamese for a missing part the documents service names, or None for one without a line."""
    if (broken := _RULE.match(part)) and broken["rule"] in RULES_VI:
        return rule_message(broken["rule"])
    for pattern, text in PARTS_VI:
        if found := pattern.match(part):
            quoted = found.groupdict()
            if quoted.get("index") is not None:
                quoted["no"] = str(int(quoted["index"]) + 1)
            return text.format(**quoted)
    return None
