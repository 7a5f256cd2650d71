"""Asserting that the ledger refuses a command and stores nothing."""

from thidua_events.facts import Fact, Provenance
from thidua_ledger.application import Ledger
from thidua_ledger.domain.errors import RuleViolation

from tests.factories import CLERK


def assert_refused(
    ledger: Ledger, fact: Fact, rule: str | None, provenance: Provenance = CLERK
) -> RuleViolation:
    """`fact` breaks `rule` (None: any rule, where the code names none yet), and the log has not moved."""
    before = ledger.position()
    try:
        ledger.record(fact, provenance)
    except RuleViolation as refused:
        assert rule in (None, refused.rule), f"refused by {refused.rule!r}, expected {rule!r}: {refused}"
        assert ledger.position() == before, "a refused command stored something"
        return refused
    raise AssertionError(f"{fact.type_name()} was accepted; expected a refusal by {rule!r}")


def assert_recorded(ledger: Ledger, fact: Fact, provenance: Provenance = CLERK) -> None:
    """`fact` is accepted and appended to the log."""
    before = ledger.position()
    ledger.record(fact, provenance)
    assert ledger.position() > before
