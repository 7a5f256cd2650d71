"""Every refusal rule a service can answer has a Vietnamese message for the clerk.

The rule names are collected from the services' code, as they are written there:
`check(condition, "rule", …)`, `RuleViolation("rule", …)`, `RuleBroken("rule", …)`,
`CorrectionRefused("rule", …)` (a module constant in their place counts too, also as
`module.CONSTANT`) and the
`{"rule": "…"}` of an API's own answers (also the shared body limit's). A rule added without a message fails here."""

import ast
import unicodedata
from pathlib import Path

from thidua_events.rules_vi import RULES_VI, UNKNOWN_RULE, rule_message

SERVICES = Path(__file__).resolve().parents[2] / "services"
SEARCHED = [SERVICES / "ledger" / "thidua_ledger", SERVICES / "documents" / "thidua_documents"]
# The refusal every service answers through the shared contract (a body too large).
SHARED = [SERVICES.parent / "events" / "thidua_events" / "body_limit.py"]
# The call and the index of the argument that names the rule.
RULE_ARGUMENT = {"check": 1, "RuleViolation": 0, "RuleBroken": 0, "CorrectionRefused": 0}


def _constants_in(tree: ast.Module) -> dict[str, str]:
    return {target.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
            for target in node.targets if isinstance(target, ast.Name)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}


def _rule_names_in(source: str, imported: dict[str, str] | None = None) -> set[str]:
    """`imported`: other modules' constants, for a rule named as `module.CONSTANT`."""
    tree = ast.parse(source)
    constants = _constants_in(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            index = RULE_ARGUMENT.get(name or "")
            argument = node.args[index] if index is not None and len(node.args) > index else None
            argument = next((k.value for k in node.keywords if k.arg == "rule"), argument)
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                found.add(argument.value)
            elif isinstance(argument, ast.Name) and argument.id in constants:
                found.add(constants[argument.id])
            elif isinstance(argument, ast.Attribute) and argument.attr in (imported or {}):
                found.add((imported or {})[argument.attr])
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "rule" and isinstance(value, ast.Constant):
                    found.add(value.value)
                elif isinstance(key, ast.Constant) and key.value == "rule" and isinstance(value, ast.Name) \
                        and value.id in constants:
                    found.add(constants[value.id])
    return found


def collected_rules() -> set[str]:
    paths = [path for folder in SEARCHED for path in folder.rglob("*.py")] + SHARED
    sources = [path.read_text(encoding="utf-8") for path in paths]
    imported = {name: value for source in sources for name, value in _constants_in(ast.parse(source)).items()}
    return {rule for source in sources for rule in _rule_names_in(source, imported)}


def test_the_collector_finds_the_rules_as_they_are_written() -> None:
    source = ('REUSED = "key-once"\n'
              'def f():\n    check(a, "rule-a", "d")\n    check(a,\n          "rule-b", "d")\n'
              '    raise RuleViolation(REUSED, "d")\n    raise RuleBroken(rule="rule-c", detail="d")\n'
              '    return {"rule": "rule-d", "detail": "x"}\n')
    assert _rule_names_in(source) == {"key-once", "rule-a", "rule-b", "rule-c", "rule-d"}


def test_the_services_have_rules_to_collect() -> None:
    rules = collected_rules()
    assert {"score-within-maximum", "write-within-granted-scope", "one-number-one-document"} <= rules
    assert len(rules) > 50


def test_every_rule_a_service_answers_has_a_vietnamese_message() -> None:
    missing = sorted(collected_rules() - RULES_VI.keys())
    assert not missing, f"rules without a message in events/thidua_events/rules_vi.py: {missing}"


def test_the_table_names_no_rule_that_is_gone() -> None:
    stale = sorted(RULES_VI.keys() - collected_rules())
    assert not stale, f"messages for rules no service answers any longer: {stale}"


def test_messages_are_sentences_in_nfc() -> None:
    for rule, message in RULES_VI.items():
        assert message.strip() and unicodedata.normalize("NFC", message) == message, rule
        assert message.rstrip().endswith("."), rule


def test_an_unknown_rule_reads_as_a_general_refusal_never_an_empty_one() -> None:
    assert rule_message("no-such-rule") == UNKNOWN_RULE
    assert rule_message(None) == UNKNOWN_RULE
    assert rule_message("score-within-maximum") == RULES_VI["score-within-maximum"]
