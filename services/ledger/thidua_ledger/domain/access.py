"""The access register: which account may write where, and which tokens are revoked.

One entity holds every grant and revocation, so a verifier refreshes its revocation list by
reading one history, and the scope of a clerk is one fold away.
"""

from datetime import date
from uuid import UUID, uuid5

from thidua_events.facts import Fact, Provenance
from thidua_events.facts.access import AccountDisabled, Scope, ScopeGranted, ScopeRevoked, TokenRevoked
from thidua_events.tokens import Revoked, subject_digest

from thidua_ledger.domain.entity import Entity, applies
from thidua_ledger.domain.errors import LedgerError, check

ACCESS_ID = uuid5(UUID("6f1d2c3e-8a4b-4c5d-9e6f-7a8b9c0d1e2f"), "thidua access register")


class OutOfScope(LedgerError):
    """The writer holds no grant on what the fact concerns: refused (403), nothing stored."""

    def __init__(self, account: str, scope: str) -> None:
        super().__init__(f"'{account}' may not write to {scope}; an admin can grant it")
        self.account = account
        self.scope = scope


class AccessRegister(Entity):
    @classmethod
    def id_of(cls, fact: object) -> UUID:
        return ACCESS_ID

    def _start(self) -> None:
        if not hasattr(self, "grants"):
            # account -> scope (an authority's or a cluster's id) -> the day its grant began
            self.grants: dict[str, dict[UUID, date]] = {}
            self.revoked_tokens: set[str] = set()
            self.disabled: set[str] = set()

    @applies
    def _(self, fact: ScopeGranted) -> None:
        self._start()
        self.grants.setdefault(fact.account, {})[_scope_id(fact)] = fact.effective_date

    @applies
    def _(self, fact: ScopeRevoked) -> None:
        self._start()
        del self.grants[fact.account][_scope_id(fact)]

    @applies
    def _(self, fact: TokenRevoked) -> None:
        self._start()
        self.revoked_tokens.add(fact.token_id)

    @applies
    def _(self, fact: AccountDisabled) -> None:
        self._start()
        self.disabled.add(fact.account)

    # Verbs

    @classmethod
    def begin(cls, fact: Fact, provenance: Provenance) -> "AccessRegister":
        """The register's first fact: nothing is granted yet, so nothing can be revoked."""
        check(not isinstance(fact, ScopeRevoked), "revoke-a-held-grant",
              f"'{getattr(fact, 'account', '')}' holds no grant to revoke")
        return cls(fact=fact, provenance=provenance)

    def grant(self, fact: ScopeGranted, provenance: Provenance) -> None:
        check(_scope_id(fact) not in self.grants.get(fact.account, {}), "grant-once",
              f"'{fact.account}' already holds a grant on {_scope_id(fact)}")
        self.record(fact, provenance)

    def revoke_scope(self, fact: ScopeRevoked, provenance: Provenance) -> None:
        since = self.grants.get(fact.account, {}).get(_scope_id(fact))
        check(since is not None, "revoke-a-held-grant",
              f"'{fact.account}' holds no grant on {_scope_id(fact)}")
        check(since is None or fact.effective_date >= since, "revoke-after-grant",
              f"the grant began on {since}; it cannot end before")
        self.record(fact, provenance)

    def revoke_token(self, fact: TokenRevoked, provenance: Provenance) -> None:
        check(fact.token_id not in self.revoked_tokens, "revoke-once", f"token {fact.token_id} is already revoked")
        self.record(fact, provenance)

    def disable(self, fact: AccountDisabled, provenance: Provenance) -> None:
        check(fact.account not in self.disabled, "disable-once", f"'{fact.account}' is already disabled")
        self.record(fact, provenance)

    # Queries

    def check_may_write(self, account: str, scopes: "Scopes") -> None:
        """Refuse unless the account holds a grant on one of the scopes the fact falls in."""
        held = self.grants.get(account, {})
        if not scopes.ids or not any(scope_id in held for scope_id in scopes.ids):
            raise OutOfScope(account, scopes.description)

    def revoked(self) -> Revoked:
        return Revoked(frozenset(self.revoked_tokens), frozenset(map(subject_digest, self.disabled)))


class Scopes:
    """What a fact falls in: a grant on any of `ids` lets a clerk record it. No ids: admins only."""

    def __init__(self, description: str, *ids: UUID) -> None:
        self.description = description
        self.ids = frozenset(ids)


def _scope_id(fact: Scope) -> UUID:
    scope_id = fact.authority_id or fact.cluster_id
    if scope_id is None:  # the contract's validator already refused it
        raise ValueError("a scope names an authority or a cluster")
    return scope_id
