"""Every missing part the documents service can name has a Vietnamese label for the clerk.

The names are collected from the service's code, as written: the `what` of `Needs.need`,
`Needs.part`, `Needs.lines` (and of minutes' `_time`), and each item of `MissingData([...])`;
an f-string's values are filled with a sample (a year, an index, an id). The register's
broken rule (`missing_term`) is said by its rule's message. A name added without a line in
`missing_vi.py` fails here."""

import ast
import re
import unicodedata
from pathlib import Path

import pytest
from thidua_events.rules_vi import rule_message
from thidua_web.docforms import Field, missing_parts
from thidua_web.missing_vi import missing_part_vi

DOCUMENTS = Path(__file__).resolve().parents[2] / "services" / "documents" / "thidua_documents"
NAMING = {"need": 1, "part": 1, "lines": 1, "_time": 2}  # the call and the index of its `what`
VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]", re.IGNORECASE)
SAMPLE_ID = "6f1c1d5e-0000-4000-8000-000000000001"


def _sample(value: ast.expr) -> str:
    """What an f-string's value prints, for a sample history."""
    text = ast.unparse(value)
    if "year" in text:
        return "2019"
    if text == "n - 1":
        return "0"
    if text.endswith(".name"):
        return "Cụm thi đua số 4"
    if text.endswith(".key"):
        return "catp"
    if text.endswith("as_of"):
        return "12"
    return SAMPLE_ID


def _text(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else _sample(part.value)  # type: ignore[attr-defined]
                       for part in node.values)
    return None


def _names_in(source: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        index = NAMING.get(name or "")
        if index is not None and len(node.args) > index and (text := _text(node.args[index])) is not None:
            found.add(text)
        if name == "MissingData" and node.args:
            items = node.args[0]
            if isinstance(items, ast.ListComp) and isinstance(items.elt, ast.JoinedStr):
                # The decree's recipients: "unit …" or "person …", each named by the decree.
                for what in (f"unit {SAMPLE_ID}", f"person {SAMPLE_ID}"):
                    found.add("".join(p.value if isinstance(p, ast.Constant) else
                                      (what if ast.unparse(p.value) == "what" else _sample(p.value))  # type: ignore[attr-defined]
                                      for p in items.elt.values))
            for item in items.elts if isinstance(items, ast.List) else []:
                if (text := _text(item)) is not None:
                    found.add(text)
    return found


def collected_parts() -> set[str]:
    return {name for path in DOCUMENTS.rglob("*.py") for name in _names_in(path.read_text(encoding="utf-8"))
            if path.name != "build.py"}  # build.py's `lines` are a template's, not a need's


def test_the_collector_finds_the_names_as_they_are_written() -> None:
    source = ('def f():\n    needs.part(x, "signer")\n    needs.need(r, f"the review of {year} (none)")\n'
              '    needs.lines(v, f"targets[{n - 1}].unit")\n    _time(needs, v, "ended_at (giờ)")\n'
              '    raise MissingData(["decree_date"])\n')
    assert _names_in(source) == {"signer", "the review of 2019 (none)", "targets[0].unit", "ended_at (giờ)",
                                 "decree_date"}


def test_the_service_has_names_to_collect() -> None:
    parts = collected_parts()
    assert {"signer", "targets[0].unit", "decree_date"} <= parts
    assert any(p.startswith(f"unit {SAMPLE_ID} named by the decree") for p in parts)
    assert len(parts) > 50


@pytest.mark.parametrize("part", sorted(collected_parts()))
def test_every_missing_part_has_a_vietnamese_label(part: str) -> None:
    label = missing_part_vi(part)
    assert label is not None, f"no line in missing_vi.py for {part!r}"
    assert VIETNAMESE.search(label), label
    assert unicodedata.normalize("NFC", label) == label
    assert SAMPLE_ID not in label  # an id means nothing to a clerk


def test_labels_quote_what_they_name() -> None:
    assert missing_part_vi("targets[2].plan") == "Chỉ tiêu 3: kế hoạch, biện pháp thực hiện"
    assert missing_part_vi("the draft pledge of 2019 (no PledgeDrafted recorded)") == \
        "Dự thảo giao ước thi đua năm 2019 (sổ cái chưa ghi nhận)"
    assert missing_part_vi("signer_title") == "Chức vụ người ký"  # not the signer's own line


def test_a_broken_register_rule_is_said_by_its_message() -> None:
    part = "party-book-runs-per-term: 2019-11-14 falls in no registered term (nhiệm kỳ) of tu"
    assert missing_part_vi(part) == rule_message("party-book-runs-per-term")


def test_the_draft_page_shows_a_part_the_ledger_lacks_in_vietnamese_and_a_field_by_its_label() -> None:
    signer = Field(name="signer", label="Người ký", widget="line")
    shown = missing_parts(["signer", "scores (no ScoreRecorded for 2019 in the ledger)"], [signer])
    assert shown == [{"field": "signer", "text": "Người ký"},
                     {"field": "", "text": "Điểm thi đua (sổ cái chưa ghi nhận điểm nào của năm)"}]
