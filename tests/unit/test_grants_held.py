"""The admin's list of grants in force (`grants_held`, folded from the access register's history)
says what the register itself enforces, for every history of grants and revocations."""

import tempfile
from contextlib import suppress
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from thidua_events.facts import Provenance, Role
from thidua_events.facts import access as xf
from thidua_events.facts import cluster as cf
from thidua_events.facts import organisation as of
from thidua_ledger.access import access_register, grants_held
from thidua_ledger.application import open_ledger
from thidua_ledger.domain.errors import RuleViolation
from thidua_ledger.settings import Settings

ACCOUNTS = ["Trần Văn Thư ký", "Phạm Thị Thư ký cụm"]
SCOPES = [("authority", UUID(int=1)), ("cluster", UUID(int=2)), ("cluster", UUID(int=3))]
ADMIN = Provenance(actor="Quản trị viên", role=Role.ADMIN)
steps = st.lists(st.tuples(st.booleans(), st.sampled_from(ACCOUNTS), st.sampled_from(SCOPES),
                           st.integers(0, 30)), max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_the_grants_listed_are_the_grants_the_register_holds(
        history: list[tuple[bool, str, tuple[str, UUID], int]]) -> None:
    with tempfile.TemporaryDirectory() as home:
        ledger = open_ledger(Settings(store="sqlite", sqlite_path=Path(home) / "ledger.sqlite"))
        try:
            ledger.record(of.AuthorityRegistered(effective_date=date(2015, 1, 1), authority_id=UUID(int=1),
                                                 name="Công an thành phố Hà Nội", symbol="CATP"), ADMIN)
            for number in (2, 3):
                ledger.record(cf.ClusterFormed(effective_date=date(2015, 1, 1), cluster_id=UUID(int=number),
                                               name=f"Cụm thi đua số {number}", authority_id=UUID(int=1)), ADMIN)
            for grant, account, (kind, scope_id), day in history:
                fact_type = xf.ScopeGranted if grant else xf.ScopeRevoked
                fact = fact_type(effective_date=date(2019, 1, 1) + timedelta(days=day), account=account,
                                 **{f"{kind}_id": scope_id})
                with suppress(RuleViolation):  # a second grant, a revocation of nothing or before its grant
                    ledger.record(fact, ADMIN)
            register = access_register(ledger)
            held = {account: {g.scope_id: (g.scope, g.since) for g in grants}
                    for account, grants in grants_held(ledger).items() if grants}
            enforced = {account: {scope_id: (dict((s[1], s[0]) for s in SCOPES)[scope_id], since)
                                  for scope_id, since in scopes.items()}
                        for account, scopes in (register.grants.items() if register else []) if scopes}
            assert held == enforced
        finally:
            ledger.close()
