"""The domain's own exceptions. Each names the rule it enforces."""

from uuid import UUID


class LedgerError(Exception):
    """Base of everything the domain refuses."""


class RuleViolation(LedgerError):
    """A command breaks a rule of the emulation year; nothing is stored."""

    def __init__(self, rule: str, detail: str) -> None:
        super().__init__(f"{rule}: {detail}")
        self.rule = rule
        self.detail = detail


class NotFound(LedgerError):
    def __init__(self, kind: str, entity_id: UUID | str) -> None:
        super().__init__(f"{kind} {entity_id} is not in the ledger")
        self.kind = kind
        self.entity_id = entity_id


def check(condition: bool, rule: str, detail: str) -> None:
    """Guard a business rule (never `assert`: python -O strips it)."""
    if not condition:
        raise RuleViolation(rule, detail)
