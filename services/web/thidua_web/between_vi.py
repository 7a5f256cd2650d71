"""What each check between fields says to a clerk, in Vietnamese.

A model validator of the contract refuses with `FieldInvalid(field, english, code=…)`; the
ledger's 422 carries the code and the values the message quotes in the error's `ctx`, and
the form shows the line here next to the field. A new check needs its line:
`tests/unit/test_between_vi.py` collects every `FieldInvalid` the services can raise and
fails on one without a code here."""

BETWEEN_FIELDS_VI: dict[str, str] = {
    # Accounts and scopes
    "one-scope": "Hãy chọn đúng một trong hai: cơ quan hoặc cụm thi đua.",
    # Dates of a period
    "month-starts-on-first": "Khi chỉ ghi tháng, ngày hiệu lực phải là ngày 01 của tháng.",
    "year-starts-on-first-january": "Khi chỉ ghi năm, ngày hiệu lực phải là ngày 01/01 của năm.",
    # Clusters, ballots and the flag
    "threshold-a-share": "Tỷ lệ là một phần của số phiếu: tử số không được lớn hơn mẫu số.",
    "flag-to-another-unit": "Cờ luân lưu phải được bàn giao cho một đơn vị khác.",
    "leader-deputy-distinct": "Cụm trưởng và cụm phó phải là hai đơn vị khác nhau.",
    "elect-for-next-year": "Bầu trong năm {year} là bầu cho năm {next}.",
    "ballots-nest": "Số phiếu phải thỏa: hợp lệ ≤ thu về ≤ phát ra (đang nhập {valid}, {returned}, {issued}).",
    "votes-within-valid": "Số phiếu của một đơn vị ({votes}) vượt quá số phiếu hợp lệ ({valid}).",
    "candidate-once": "Một đơn vị được ghi hai lần trong số phiếu.",
    # Criteria
    "children-within-maximum": "Tiêu chí {code}: tổng điểm tối đa của các tiêu chí thành phần ({total}) "
                               "vượt quá điểm tối đa của tiêu chí ({maximum}).",
    # Awards
    "collective-names-unit": "Khen tập thể: hãy chọn đơn vị, không chọn cá nhân.",
    "individual-names-person": "Khen cá nhân: hãy chọn cá nhân, không chọn đơn vị.",
    "recipient-once": "Một đối tượng được ghi hai lần trong cùng một quyết định.",
    # Corrections
    "replacement-valid": "Nội dung sửa không hợp lệ với loại sự kiện được sửa.",
    # Documents service: legal instruments
    "in-force-to-after-from": "Ngày hết hiệu lực không được trước ngày có hiệu lực.",
}


def between_fields_message(code: str, params: dict[str, object] | None = None) -> str | None:
    """The Vietnamese for a check between fields, or None for a code without a line."""
    template = BETWEEN_FIELDS_VI.get(code)
    if template is None:
        return None
    try:
        return template.format(**(params or {}))
    except (KeyError, IndexError):
        return template
