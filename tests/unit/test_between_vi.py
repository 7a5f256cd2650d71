"""Every check between fields the services can raise has a Vietnamese message for the clerk.

The checks are collected from the code, as written: `FieldInvalid(field, english, code=…,
params={…})` in the contract and the two services. A check without a code, a code without a
line in `BETWEEN_FIELDS_VI`, or a line quoting a value the check does not give fails here;
so does a line that reads as English."""

import ast
import json
import re
import string
import unicodedata
from pathlib import Path

import pytest
from pydantic import ValidationError
from thidua_events.facts import FACTS
from thidua_events.invalid import name_fields
from thidua_web.between_vi import BETWEEN_FIELDS_VI, between_fields_message
from thidua_web.clients import Invalid
from thidua_web.forms import ledger_errors

ROOT = Path(__file__).resolve().parents[2]
SEARCHED = [ROOT / "events" / "thidua_events", ROOT / "services" / "ledger" / "thidua_ledger",
            ROOT / "services" / "documents" / "thidua_documents"]
VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]", re.IGNORECASE)


def _checks_in(source: str, where: str) -> list[tuple[str, str | None, set[str]]]:
    """(where, code, the names of params) of each `FieldInvalid(...)` call."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and (getattr(node.func, "id", None) or getattr(node.func, "attr", None)) \
                == "FieldInvalid":
            keywords = {k.arg: k.value for k in node.keywords}
            code = keywords.get("code")
            params = keywords.get("params")
            names = {k.value for k in params.keys if isinstance(k, ast.Constant)} \
                if isinstance(params, ast.Dict) else set()
            found.append((f"{where}:{node.lineno}",
                          code.value if isinstance(code, ast.Constant) and isinstance(code.value, str) else None,
                          names))
    return found


def collected_checks() -> list[tuple[str, str | None, set[str]]]:
    return [check for folder in SEARCHED for path in sorted(folder.rglob("*.py"))
            for check in _checks_in(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]


def test_the_collector_finds_the_checks_as_they_are_written() -> None:
    source = ('def f():\n    raise FieldInvalid("a", "english", code="a-b")\n'
              '    raise invalid.FieldInvalid("b", f"x {y}",\n        code="c-d", params={"y": y})\n'
              '    raise FieldInvalid("c", "no code")\n')
    assert [(code, names) for _, code, names in _checks_in(source, "s")] == [
        ("a-b", set()), ("c-d", {"y"}), (None, set())]


def test_every_check_between_fields_has_a_vietnamese_message() -> None:
    checks = collected_checks()
    assert len(checks) >= 15  # the contract's model validators and the two services' own
    for where, code, names in checks:
        assert code is not None, f"{where}: FieldInvalid without code=…"
        assert code in BETWEEN_FIELDS_VI, f"{where}: {code} has no line in BETWEEN_FIELDS_VI"
        quoted = {name for _, name, _, _ in string.Formatter().parse(BETWEEN_FIELDS_VI[code]) if name}
        assert quoted <= names, f"{where}: the message of {code} quotes {quoted - names}, not given"
    assert set(BETWEEN_FIELDS_VI) == {code for _, code, _ in checks}, "a line for a check no longer raised"


@pytest.mark.parametrize("code", sorted(BETWEEN_FIELDS_VI))
def test_each_message_is_vietnamese_nfc(code: str) -> None:
    message = BETWEEN_FIELDS_VI[code]
    assert VIETNAMESE.search(message), message
    assert unicodedata.normalize("NFC", message) == message


def _refusal(type_name: str, body: dict[str, object]) -> Invalid:
    """The 422 the ledger answers for this body, as the web client receives it."""
    with pytest.raises(ValidationError) as raised:
        FACTS[type_name].model_validate(body)
    return Invalid("invalid", json.loads(json.dumps({"detail": name_fields(raised.value.errors(include_url=False))})))


BASE = {"effective_date": "2019-11-14", "cluster_id": "6f1c1d5e-0000-4000-8000-000000000001", "year": 2019}


def test_a_ballot_whose_counts_do_not_nest_is_refused_in_vietnamese_beside_valid() -> None:
    body = {**BASE, "ballot_id": "6f1c1d5e-0000-4000-8000-000000000002", "subject": "Cờ thi đua",
            "issued": 10, "returned": 8, "valid": 9}
    errors = ledger_errors(_refusal("BallotHeld", body))
    assert errors == {"valid": ["Số phiếu phải thỏa: hợp lệ ≤ thu về ≤ phát ra (đang nhập 9, 8, 10)."]}
    FACTS["BallotHeld"].model_validate({**body, "valid": 8})  # the near miss is accepted


def test_a_check_without_a_line_still_says_it_is_refused_in_vietnamese() -> None:
    assert between_fields_message("no-such-check") is None
    errors = ledger_errors(Invalid("invalid", {"detail": [
        {"type": "value_error", "loc": ["body", "x"], "msg": "Value error, english",
         "ctx": {"error": "english", "between_fields": True, "code": "no-such-check", "params": {}}}]}))
    assert errors == {"x": ["Không hợp lệ: english"]}


def test_pages_that_read_a_422_by_field_say_a_check_between_fields_in_vietnamese() -> None:
    # The accounts page shows `Invalid.fields`: a scope naming both an authority and a cluster.
    body = {"effective_date": "2019-11-14", "account": "thu-ky", "authority_id": BASE["cluster_id"],
            "cluster_id": BASE["cluster_id"]}
    assert _refusal("ScopeGranted", body).fields == {
        "cluster_id": ["Hãy chọn đúng một trong hai: cơ quan hoặc cụm thi đua."]}
