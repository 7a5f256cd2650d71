"""An intruder against the ledger's API: forged, stolen or revoked tokens, and a clerk
writing outside the scope granted. Each is refused naming why, and nothing is stored."""

import time
from datetime import date
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from thidua_events.facts import FACTS, Provenance, Role
from thidua_events.facts.access import TokenRevoked
from thidua_ledger.access import SCOPES
from thidua_ledger.application import Ledger
from thidua_ledger.settings import Settings

from tests.api.conftest import ADMIN, AUDITOR, CLERK, CLERK_ACCOUNT
from tests.api.test_recording import head, post, setup_cluster
from tests.integration.test_snapshot_safety import INJECTED, long_year, put_state, stored_state
from tests.tokens import SIGNING_KEY, bearer, forgeries, mint, token_id

OTHER_CLERK = "Lê Văn Thư ký cụm khác"


def a_unit(ids: dict[str, Any]) -> dict[str, Any]:
    return {"effective_date": "2016-01-01", "unit_id": str(uuid4()), "name": "Phòng Cảnh sát cơ động",
            "authority_id": ids["authority"]}


def grant(client: TestClient, account: str, **scope: str) -> Any:
    return post(client, "ScopeGranted", {"effective_date": "2016-01-01", "account": account, **scope}, ADMIN)


@pytest.mark.parametrize("forgery", list(forgeries(Role.ADMIN, CLERK_ACCOUNT)))
def test_a_forged_token_is_refused_naming_why_and_stores_nothing(client: TestClient, forgery: str) -> None:
    ids = setup_cluster(client, members=1)
    token, why = forgeries(Role.ADMIN, CLERK_ACCOUNT)[forgery]
    before = head(client)
    response = post(client, "UnitRegistered", a_unit(ids), {"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, response.text
    assert why in response.json()["detail"]
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert head(client) == before


def test_a_token_for_the_documents_service_only_is_refused_by_the_ledger(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    before = head(client)
    documents_only = bearer(Role.CLERK, CLERK_ACCOUNT, audience=("documents",))
    response = post(client, "UnitRegistered", a_unit(ids), documents_only)
    assert response.status_code == 401
    assert response.json()["detail"] == "the token is not for this service (audience 'ledger')"
    assert head(client) == before
    assert post(client, "UnitRegistered", a_unit(ids), bearer(Role.CLERK, CLERK_ACCOUNT,
                                                              audience=("ledger",))).status_code == 201


def test_the_ledger_publishes_its_public_key_by_kid_and_nothing_private(client: TestClient) -> None:
    jwks = client.get("/.well-known/jwks.json").json()
    assert [key["kid"] for key in jwks["keys"]] == [SIGNING_KEY.kid]
    assert all("d" not in key and key["kty"] == "OKP" and key["alg"] == "EdDSA" for key in jwks["keys"])


def test_a_revoked_token_is_refused_at_once_and_others_of_the_account_still_work(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    token = mint(Role.CLERK, CLERK_ACCOUNT)
    jti = token_id(token)
    assert post(client, "TokenRevoked", {"effective_date": "2020-01-01", "token_id": jti}, ADMIN).status_code == 201
    before = head(client)
    response = post(client, "UnitRegistered", a_unit(ids), {"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["detail"] == "the token has been revoked"
    assert head(client) == before
    assert post(client, "UnitRegistered", a_unit(ids), CLERK).status_code == 201  # another token


def test_a_disabled_account_is_refused_on_reads_and_writes(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    assert post(client, "AccountDisabled", {"effective_date": "2020-01-01", "account": CLERK_ACCOUNT},
                ADMIN).status_code == 201
    before = head(client)
    for response in (post(client, "UnitRegistered", a_unit(ids)), client.get("/log", headers=CLERK)):
        assert response.status_code == 401
        assert response.json()["detail"] == f"the access of '{CLERK_ACCOUNT}' has been revoked"
    assert head(client) == before
    assert client.get("/log", headers=AUDITOR).status_code == 200  # another account


def test_a_revocation_recorded_elsewhere_counts_within_the_stated_bound(client: TestClient) -> None:
    """Another ledger process records the revocation: this one sees it within max_age."""

    token = mint(Role.AUDITOR, "Lê Thị Thanh tra")
    assert client.get("/log", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    jti = token_id(token)
    elsewhere = Ledger(env=client.app.state.settings.eventstore_env())  # type: ignore[attr-defined]
    elsewhere.record(TokenRevoked(effective_date=date(2020, 1, 1), token_id=jti),
                     Provenance(actor="Quản trị hệ thống", role=Role.ADMIN))
    elsewhere.close()
    bound = client.app.state.verifier.revocations.max_age  # type: ignore[attr-defined]
    started = time.monotonic()
    while client.get("/log", headers={"Authorization": f"Bearer {token}"}).status_code == 200:
        assert time.monotonic() - started <= bound + 0.5, "the revocation did not reach this process in time"
        time.sleep(0.05)


def test_a_clerk_writes_only_within_the_granted_cluster(client: TestClient) -> None:
    ids = setup_cluster(client, members=2)
    other = setup_cluster(client, members=1)
    assert grant(client, OTHER_CLERK, cluster_id=other["cluster"]).status_code == 201
    other_clerk = bearer(Role.CLERK, OTHER_CLERK)
    before = head(client)
    refused = post(client, "YearEndReviewHeld", {"effective_date": "2019-11-14", "cluster_id": ids["cluster"],
                                                 "year": 2019}, other_clerk)
    assert refused.status_code == 403
    assert refused.json()["rule"] == "write-within-granted-scope"
    assert refused.json()["scope"] == f"cluster {ids['cluster']} (of authority {ids['authority']})"
    # Near misses: the cluster's authority (a unit of it), and a cluster-level fact of the cluster.
    assert post(client, "UnitRegistered", a_unit(other), other_clerk).status_code == 403
    assert post(client, "UnitLeft", {"effective_date": "2019-06-01", "cluster_id": ids["cluster"],
                                     "unit_id": ids["units"][0]}, other_clerk).status_code == 403
    assert head(client) == before
    assert post(client, "YearEndReviewHeld", {"effective_date": "2019-11-14", "cluster_id": other["cluster"],
                                              "year": 2019}, other_clerk).status_code == 201


def test_a_grant_on_an_authority_covers_its_clusters(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)  # CLERK holds the authority
    assert post(client, "YearEndReviewHeld", {"effective_date": "2019-11-14", "cluster_id": ids["cluster"],
                                              "year": 2019}).status_code == 201


def test_a_revoked_grant_refuses_the_next_write_at_once(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    assert post(client, "ScopeRevoked", {"effective_date": "2019-12-01", "account": CLERK_ACCOUNT,
                                         "authority_id": ids["authority"]}, ADMIN).status_code == 201
    before = head(client)
    response = post(client, "UnitRegistered", a_unit(ids))
    assert response.status_code == 403
    assert response.json()["scope"] == f"authority {ids['authority']}"
    assert head(client) == before


@pytest.mark.parametrize("fact", ["ScopeGranted", "ScopeRevoked", "AccountDisabled", "TokenRevoked"])
def test_only_an_admin_records_access(client: TestClient, fact: str) -> None:
    ids = setup_cluster(client, members=1)
    body = {"ScopeGranted": {"account": CLERK_ACCOUNT, "cluster_id": ids["cluster"]},
            "ScopeRevoked": {"account": CLERK_ACCOUNT, "authority_id": ids["authority"]},
            "AccountDisabled": {"account": OTHER_CLERK}, "TokenRevoked": {"token_id": "x"}}[fact]
    before = head(client)
    response = post(client, fact, {"effective_date": "2019-01-01", **body})
    assert response.status_code == 403
    assert response.json()["scope"] == f"the access register ({fact} needs role admin)"
    assert head(client) == before


def test_a_clerk_cannot_register_a_top_level_authority(client: TestClient) -> None:
    response = post(client, "AuthorityRegistered", {"effective_date": "2015-01-01", "authority_id": str(uuid4()),
                                                    "name": "Bộ Công an", "symbol": "BCA"})
    assert response.status_code == 403
    assert response.json()["scope"] == "a new top-level authority (needs role admin)"


def test_a_grant_is_given_once_and_only_a_held_grant_is_revoked(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    again = grant(client, CLERK_ACCOUNT, authority_id=ids["authority"])
    assert again.status_code == 409 and again.json()["rule"] == "grant-once"
    never = post(client, "ScopeRevoked", {"effective_date": "2019-01-01", "account": OTHER_CLERK,
                                          "cluster_id": ids["cluster"]}, ADMIN)
    assert never.status_code == 409 and never.json()["rule"] == "revoke-a-held-grant"
    assert grant(client, OTHER_CLERK, authority_id=ids["authority"]).status_code == 201  # from 2016-01-01
    early = post(client, "ScopeRevoked", {"effective_date": "2015-12-31", "account": OTHER_CLERK,
                                          "authority_id": ids["authority"]}, ADMIN)
    assert early.status_code == 409 and early.json()["rule"] == "revoke-after-grant"
    before_the_authority = post(client, "ScopeRevoked", {"effective_date": "2014-12-31", "account": CLERK_ACCOUNT,
                                                         "authority_id": ids["authority"]}, ADMIN)
    assert before_the_authority.status_code == 409 and before_the_authority.json()["rule"] == "authority-must-exist"
    unknown = grant(client, OTHER_CLERK, cluster_id=str(uuid4()))
    assert unknown.status_code == 404 and unknown.json()["rule"] == "entity-must-exist"
    both = post(client, "ScopeGranted", {"effective_date": "2019-01-01", "account": OTHER_CLERK,
                                         "cluster_id": ids["cluster"], "authority_id": ids["authority"]}, ADMIN)
    assert both.status_code == 422


def test_an_auditor_asks_who_could_write_to_a_cluster_on_a_day_and_who_granted_it(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)  # CLERK holds the authority since 2015-01-01
    granted = post(client, "ScopeGranted", {"effective_date": "2019-03-01", "account": OTHER_CLERK,
                                            "cluster_id": ids["cluster"], "reason": "Tổ giúp việc 2019"},
                   bearer(Role.ADMIN, "Nguyễn Văn Quản trị"))
    assert granted.status_code == 201
    assert post(client, "ScopeRevoked", {"effective_date": "2020-01-01", "account": OTHER_CLERK,
                                         "cluster_id": ids["cluster"]}, ADMIN).status_code == 201

    def writers(day: str, **query: int) -> list[tuple[str, str, str]]:
        url = f"/access/clusters/{ids['cluster']}/writers"
        answer = client.get(url, params={"on": day, **query}, headers=AUDITOR)
        assert answer.status_code == 200, answer.text
        return [(g["account"], g["scope"], g["granted_by"]) for g in answer.json()["grants"]]

    assert writers("2019-11-14") == [(CLERK_ACCOUNT, "authority", "Quản trị hệ thống"),
                                     (OTHER_CLERK, "cluster", "Nguyễn Văn Quản trị")]
    assert writers("2019-02-28") == [(CLERK_ACCOUNT, "authority", "Quản trị hệ thống")]  # before the grant
    assert writers("2020-01-01") == [(CLERK_ACCOUNT, "authority", "Quản trị hệ thống")]  # revoked that day
    # As the ledger knew it before the grant was recorded.
    assert writers("2019-11-14", known_at=granted.json()["position"] - 1) == [
        (CLERK_ACCOUNT, "authority", "Quản trị hệ thống")]


def test_every_fact_type_falls_in_a_scope() -> None:
    """A new fact type must say where a clerk needs a grant to record it (else admins only)."""
    assert [name for name, fact_type in FACTS.items() if fact_type not in SCOPES] == []


def test_a_snapshot_injected_with_code_changes_no_answer_and_runs_nothing(
        client: TestClient, ledger_settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # An intruder with the database writes a snapshot that would call os.system when decoded.
    ledger = Ledger(env=ledger_settings.eventstore_env())
    try:
        year = long_year(ledger, ledger_settings)  # a snapshot at version 100, events after it
        reads = [f"/clusters/{year.cluster_id}/years/2019", f"/clusters/{year.cluster_id}/years/2019/standings",
                 f"/clusters/{year.cluster_id}/years/2019/record?known_at={ledger.position() - 3}"]
        before = [client.get(path, headers=AUDITOR) for path in reads]
        assert all(r.status_code == 200 for r in before)
        position = head(client)
        marker = tmp_path / "ran"
        put_state(year, stored_state(year).replace(b'{"~e":"ScoreKind","v":"self"}',
                                                   INJECTED % str(marker).encode(), 1))
        after = [client.get(path, headers=AUDITOR) for path in reads]
        assert [(r.status_code, r.json()) for r in after] == [(r.status_code, r.json()) for r in before]
        assert not marker.exists()
        assert "refused: doctored" in caplog.text  # read from the log, not from the snapshot or a cache
        assert head(client) == position  # nothing stored
    finally:
        ledger.close()
