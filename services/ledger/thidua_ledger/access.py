"""Scoped writing and revocation, between the API and the domain's access register.

`SCOPES` says, for each fact type, which authority or cluster it falls in: a clerk needs a
grant on one of them. Admins write anywhere; only admins record the access facts themselves.
"""

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate
from pydantic import BaseModel
from thidua_events.facts import Fact
from thidua_events.facts import access as xf
from thidua_events.facts import awards as af
from thidua_events.facts import cluster as cf
from thidua_events.facts import organisation as of
from thidua_events.facts import year as yf
from thidua_events.facts.corrections import Correction, FactCorrected, FactRetracted
from thidua_events.tokens import Revoked

from thidua_ledger.application import Ledger
from thidua_ledger.audit.provenance import history
from thidua_ledger.domain.access import ACCESS_ID, AccessRegister, OutOfScope, Scopes
from thidua_ledger.domain.cluster import Cluster
from thidua_ledger.domain.entity import FactEvent
from thidua_ledger.domain.errors import NotFound
from thidua_ledger.domain.organisation import Person, Unit

ScopeOf = Callable[[Ledger, Any], Scopes]
E = TypeVar("E", bound=Aggregate)
T = TypeVar("T")


def _authority(authority_id: UUID) -> Scopes:
    return Scopes(f"authority {authority_id}", authority_id)


def _cluster(ledger: Ledger, cluster_id: UUID) -> Scopes:
    authority_id = _read(ledger, Cluster, cluster_id, lambda cluster: cluster.authority_id)
    return Scopes(f"cluster {cluster_id} (of authority {authority_id})", cluster_id, authority_id)


def _unit(ledger: Ledger, unit_id: UUID) -> Scopes:
    return _authority(_read(ledger, Unit, unit_id, lambda unit: unit.authority_id))


def _read(ledger: Ledger, kind: type[E], entity_id: UUID, what: Callable[[E], T]) -> T:
    """What the scope check reads of an entity. The entity goes straight back to the entity
    cache: the command's own rules then check it out again instead of loading it (a year's
    rules read its cluster: loading that again cost a clerk's command a quarter of its time
    through the API, issue 17)."""
    entity = ledger.get(kind, entity_id)
    found = what(entity)
    ledger.entity_cache.hand_back_read(entity)
    return found


def _proposal(ledger: Ledger, fact: af.AwardProposed) -> Scopes:
    if fact.cluster_id is None:
        return _authority(fact.authority_id)
    cluster = _cluster(ledger, fact.cluster_id)
    return Scopes(f"{cluster.description} or authority {fact.authority_id}", *cluster.ids, fact.authority_id)


def _correction(ledger: Ledger, fact: Correction) -> Scopes:
    """A correction or retraction falls where the fact it names falls (as it is in force)."""
    original = _named(ledger, fact)
    if original is None:
        return _admins_only(ledger, fact)
    return SCOPES.get(type(original), _admins_only)(ledger, original)


def _named(ledger: Ledger, fact: Correction) -> Fact | None:
    """The fact a correction names, as it is in force; None where only an admin may touch it."""
    named = [e for e in ledger.events.get(fact.entity_id, gt=fact.original_version - 1,
                                          lte=fact.original_version) if isinstance(e, FactEvent)]
    if not named:
        return None
    original = named[0].fact
    if isinstance(original, Correction):  # a correction of a correction: the fact it put in place
        return original.fact_in_force() if isinstance(original, FactCorrected) else None
    return original


def _admins_only(ledger: Ledger, fact: Fact) -> Scopes:
    return Scopes(f"the access register ({fact.type_name()} needs role admin)")


SCOPES: dict[type[Fact], ScopeOf] = {
    of.AuthorityRegistered: lambda ledger, fact: (
        _authority(fact.parent_id) if fact.parent_id else Scopes("a new top-level authority (needs role admin)")),
    of.UnitRegistered: lambda ledger, fact: _authority(fact.authority_id),
    of.UnitRenamed: lambda ledger, fact: _unit(ledger, fact.unit_id),
    of.UnitMerged: lambda ledger, fact: _unit(ledger, fact.unit_id),
    of.UnitDissolved: lambda ledger, fact: _unit(ledger, fact.unit_id),
    of.PersonRegistered: lambda ledger, fact: _unit(ledger, fact.unit_id),
    of.PersonPostingChanged: lambda ledger, fact: _unit(ledger, ledger.get(Person, fact.person_id).unit_id),
    cf.ClusterFormed: lambda ledger, fact: _authority(fact.authority_id),
    af.AwardKindRegistered: lambda ledger, fact: _authority(fact.authority_id),
    af.AwardProposed: _proposal,
    af.AwardConferred: lambda ledger, fact: _authority(fact.authority_id),
    af.AwardRevoked: lambda ledger, fact: _authority(fact.authority_id),
    xf.ScopeGranted: _admins_only,
    xf.ScopeRevoked: _admins_only,
    xf.TokenRevoked: _admins_only,
    xf.AccountDisabled: _admins_only,
    FactCorrected: _correction,
    FactRetracted: _correction,
}


def _attributed(ledger: Ledger, fact: af.AwardProposed | af.AwardConferred) -> tuple[Scopes, ...]:
    cluster = (_cluster(ledger, fact.cluster_id),) if fact.cluster_id else ()
    proposer = getattr(fact, "proposed_by_unit_id", None)
    return (*cluster, *((_unit(ledger, proposer),) if proposer else ()))


# A fact that moves a unit or an officer into a unit falls in that unit's authority as well, and a
# decree or proposal attributed to a cluster (or proposed in a unit's name) falls there too: else a
# clerk of one authority changes another's history (what merged into its units, who serves there,
# its cluster's awards, what its units proposed). Each of these must be within the clerk's grants.
TARGETS: dict[type[Fact], Callable[[Ledger, Any], tuple[Scopes, ...]]] = {
    of.UnitMerged: lambda ledger, fact: (_unit(ledger, fact.into_unit_id),),
    of.PersonPostingChanged: lambda ledger, fact: (_unit(ledger, fact.unit_id),),
    af.AwardConferred: _attributed,
    af.AwardProposed: _attributed,
}
# Every other cluster fact and every year fact falls in its cluster.
for _fact_type in (*vars(cf).values(), *vars(yf).values()):
    if isinstance(_fact_type, type) and issubclass(_fact_type, Fact) and _fact_type not in SCOPES \
            and "cluster_id" in _fact_type.model_fields:
        SCOPES[_fact_type] = lambda ledger, fact: _cluster(ledger, fact.cluster_id)


def access_register(ledger: Ledger) -> AccessRegister | None:
    # Asked for straight away, not after `exists`: within a command the register usually comes
    # from the entity cache, and asking first cost every clerk's command a query of its own.
    try:
        return ledger.get(AccessRegister, ACCESS_ID)
    except NotFound:
        return None


def check_clerk_may_record(ledger: Ledger, account: str, fact: Fact) -> None:
    """Refuse (OutOfScope, 403) a clerk's fact outside the authorities and clusters granted to
    the account. Read from the store on every write: a grant or its revocation counts at once."""
    scopes = SCOPES.get(type(fact), _admins_only)(ledger, fact)  # a type without a scope: admins only
    check_clerk_may_write(ledger, account, scopes)
    _check_target(ledger, account, fact)
    if isinstance(fact, Correction):  # undoing a move touches the unit moved into as making it did
        original = _named(ledger, fact)
        if original is not None:
            _check_target(ledger, account, original)
    if isinstance(fact, FactCorrected):
        # The fact put in place must fall in the clerk's scope too: else a clerk of one authority
        # moves its unit, cluster or decree into another by correcting the fact that placed it.
        check_clerk_may_record(ledger, account, fact.fact_in_force())


def _check_target(ledger: Ledger, account: str, fact: Fact) -> None:
    target = TARGETS.get(type(fact))
    for scopes in target(ledger, fact) if target is not None else ():
        check_clerk_may_write(ledger, account, scopes)


# What an issuing body of the documents service falls in, by its kind: a unit writes within its authority.
BODY_SCOPES: dict[str, Callable[[Ledger, UUID], Scopes]] = {
    "authority": lambda ledger, body_id: _authority(body_id),
    "cluster": _cluster,
    "unit": _unit,
}


def check_clerk_may_write(ledger: Ledger, account: str, scopes: Scopes) -> None:
    register = access_register(ledger)
    if register is None:
        raise OutOfScope(account, scopes.description)
    register.check_may_write(account, scopes)


def revoked(ledger: Ledger) -> Revoked:
    register = access_register(ledger)
    return register.revoked() if register else Revoked()


class GrantPublic(BaseModel):
    account: str
    scope: str  # "cluster" or "authority"
    scope_id: UUID
    granted_on: date
    granted_by: str
    granted_at_position: int
    reason: str | None
    revoked_on: date | None = None
    revoked_by: str | None = None


def who_could_write_to_cluster(ledger: Ledger, cluster_id: UUID, day: date,
                               known_at: int | None = None) -> list[GrantPublic]:
    """The clerks whose grant on the cluster, or on its authority, was in force on `day`, and
    who granted each, as the ledger knew it at `known_at` (admins write anywhere and are not
    listed). A disabled account counts until the day it was disabled."""
    cluster = ledger.get(Cluster, cluster_id)
    scopes = {cluster_id: "cluster", cluster.authority_id: "authority"}
    grants: list[GrantPublic] = []
    disabled: dict[str, date] = {}
    recorded = history(ledger, ACCESS_ID, known_at) if ledger.exists(ACCESS_ID) else []
    for event in recorded:
        fact, provenance = event.fact(), event.provenance
        if isinstance(fact, xf.AccountDisabled):
            disabled.setdefault(fact.account, fact.effective_date)
        scope_id = (fact.cluster_id or fact.authority_id) if isinstance(fact, xf.Scope) else None
        if scope_id not in scopes:
            continue
        if isinstance(fact, xf.ScopeGranted):
            grants.append(GrantPublic(account=fact.account, scope=scopes[scope_id], scope_id=scope_id,
                                      granted_on=fact.effective_date, granted_by=provenance.actor,
                                      granted_at_position=event.position, reason=provenance.reason))
        elif isinstance(fact, xf.ScopeRevoked):
            held = next(g for g in reversed(grants) if g.account == fact.account and g.scope_id == scope_id)
            held.revoked_on, held.revoked_by = fact.effective_date, provenance.actor
    return [grant for grant in grants
            if grant.granted_on <= day and (grant.revoked_on is None or day < grant.revoked_on)
            and (grant.account not in disabled or day < disabled[grant.account])]


class HeldGrantPublic(BaseModel):
    scope: str  # "cluster" or "authority"
    scope_id: UUID
    since: date


def grants_held(ledger: Ledger) -> dict[str, list[HeldGrantPublic]]:
    """Each account's grants in force now, in the order they were granted (the admin's page)."""
    held: dict[str, dict[UUID, HeldGrantPublic]] = {}
    for event in history(ledger, ACCESS_ID) if ledger.exists(ACCESS_ID) else []:
        fact = event.fact()
        if not isinstance(fact, xf.Scope):
            continue
        scope_id = fact.cluster_id or fact.authority_id
        if scope_id is None:
            continue
        if isinstance(fact, xf.ScopeGranted):
            held.setdefault(fact.account, {})[scope_id] = HeldGrantPublic(
                scope="cluster" if fact.cluster_id else "authority", scope_id=scope_id, since=fact.effective_date)
        elif isinstance(fact, xf.ScopeRevoked):
            held.get(fact.account, {}).pop(scope_id, None)
    return {account: list(grants.values()) for account, grants in held.items()}
