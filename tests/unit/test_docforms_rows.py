"""A list of records in a document's form (a pledge's targets) is typed row by row: the rows
typed go in the request, blank cells and blank rows are left out, and the preview's address
carries every cell so the preview shows what the form shows."""

from starlette.datastructures import ImmutableMultiDict
from thidua_web.docforms import Field, fill, missing_parts, query_items

COLUMNS = (Field("content", "Nội dung chỉ tiêu", "line"), Field("unit", "Đơn vị tính", "line"),
           Field("plan", "Kế hoạch, biện pháp thực hiện", "line"))
TARGETS = Field("targets", "Chỉ tiêu đăng ký", "rows", columns=COLUMNS)
FIELDS = [TARGETS, Field("signer", "Người ký", "line")]


def test_rows_typed_go_in_the_body_in_order_and_blank_ones_are_left_out() -> None:
    form = ImmutableMultiDict([("targets.1.content", "Hoàn thành 100% kế hoạch"), ("targets.0.content", "Giảm 5%"),
                               ("targets.0.unit", " % "), ("targets.2.content", ""), ("targets.0.other", "x"),
                               ("signer", "")])
    filled = fill(FIELDS, form)
    assert filled.body == {"targets": [{"content": "Giảm 5%", "unit": "%"}, {"content": "Hoàn thành 100% kế hoạch"}]}
    assert filled.values["targets"] == [{"content": "Giảm 5%", "unit": "%", "plan": ""},
                                        {"content": "Hoàn thành 100% kế hoạch", "unit": "", "plan": ""}]
    assert fill(FIELDS, ImmutableMultiDict(query_items(FIELDS, filled.values))).body == filled.body


def test_a_missing_cell_links_to_its_list_and_names_its_row() -> None:
    assert missing_parts(["targets[1].plan", "targets (chỉ tiêu đăng ký)"], FIELDS) == [
        {"field": "targets", "text": "Chỉ tiêu 2: kế hoạch, biện pháp thực hiện"},
        {"field": "targets", "text": "Chỉ tiêu đăng ký"}]
