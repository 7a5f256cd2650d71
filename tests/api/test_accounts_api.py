"""`/accounts`, on SQLite and PostgreSQL: an admin lists accounts, adds one, grants and revokes
its scope and disables it, as `ledger account …` does; nobody else may, and a refusal stores nothing."""

import unicodedata
from typing import Any
from uuid import uuid4

from fastapi.testclient import TestClient
from thidua_events.facts import Role

from tests.api.conftest import ADMIN, AUDITOR, CLERK
from tests.api.test_recording import setup_cluster
from tests.tokens import bearer

NEW_CLERK = "Phạm Thị Thư ký cụm"
PASSWORD = "mật khẩu đủ dài 2019"


def add(client: TestClient, name: str = NEW_CLERK, role: str = "clerk", password: str = PASSWORD,
        headers: dict[str, str] = ADMIN) -> Any:
    return client.post("/accounts", json={"name": name, "role": role, "password": password}, headers=headers)


def listed(client: TestClient) -> dict[str, Any]:
    response = client.get("/accounts", headers=ADMIN)
    assert response.status_code == 200, response.text
    return {account["name"]: account for account in response.json()}


def test_an_admin_adds_an_account_grants_a_cluster_revokes_it_and_disables_the_account(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    made = add(client)
    assert made.status_code == 201, made.text
    assert (made.json()["name"], made.json()["role"]) == (NEW_CLERK, "clerk")
    signed_in = client.post("/auth/token", json={"name": NEW_CLERK, "password": PASSWORD})
    assert signed_in.status_code == 200
    assert "password" not in str(listed(client)[NEW_CLERK]) and PASSWORD not in client.get(
        "/accounts", headers=ADMIN).text

    granted = client.post("/accounts/grants", json={"account": NEW_CLERK, "cluster_id": ids["cluster"],
                                                    "effective_date": "2019-01-01", "reason": "Thư ký của cụm"},
                          headers=ADMIN)
    assert granted.status_code == 201, granted.text
    assert listed(client)[NEW_CLERK]["grants"] == [
        {"scope": "cluster", "scope_id": ids["cluster"], "since": "2019-01-01"}]
    writers = client.get(f"/access/clusters/{ids['cluster']}/writers", params={"on": "2019-06-01"}, headers=ADMIN)
    assert [(g["account"], g["granted_by"]) for g in writers.json()["grants"]
            if g["scope"] == "cluster"] == [(NEW_CLERK, "Quản trị hệ thống")]  # the admin is the provenance

    revoked = client.post("/accounts/revocations", json={"account": NEW_CLERK, "cluster_id": ids["cluster"],
                                                         "effective_date": "2020-01-01"}, headers=ADMIN)
    assert revoked.status_code == 201, revoked.text
    assert listed(client)[NEW_CLERK]["grants"] == []
    again = client.post("/accounts/revocations", json={"account": NEW_CLERK, "cluster_id": ids["cluster"]},
                        headers=ADMIN)
    assert (again.status_code, again.json()["rule"]) == (409, "revoke-a-held-grant")

    assert client.post("/accounts/disabled", json={"account": NEW_CLERK}, headers=ADMIN).status_code == 201
    assert listed(client)[NEW_CLERK]["disabled"] is True
    assert client.post("/auth/token", json={"name": NEW_CLERK, "password": PASSWORD}).status_code == 401
    token = bearer(Role.CLERK, NEW_CLERK)  # a token issued before: refused on this process at once
    assert client.get("/log", headers=token).status_code == 401


def test_a_name_has_one_account_in_nfc(client: TestClient) -> None:
    assert add(client).status_code == 201
    for name in (NEW_CLERK, " " + unicodedata.normalize("NFD", NEW_CLERK)):
        duplicate = add(client, name=name, role="auditor", password="một mật khẩu khác hẳn")
        assert duplicate.status_code == 409
        assert duplicate.json()["rule"] == "account-name-unique"
    assert listed(client)[NEW_CLERK]["role"] == "clerk"  # the first account is unchanged
    assert add(client, name=NEW_CLERK + " 2").status_code == 201  # the near miss: another name


def test_only_an_admin_manages_accounts(client: TestClient) -> None:
    for headers in (CLERK, AUDITOR):
        assert client.get("/accounts", headers=headers).status_code == 403
        assert add(client, headers=headers).status_code == 403
        assert client.post("/accounts/disabled", json={"account": NEW_CLERK}, headers=headers).status_code == 403
        grant = client.post("/accounts/grants", json={"account": NEW_CLERK, "authority_id": str(uuid4())},
                            headers=headers)
        assert grant.status_code == 403
    assert client.get("/accounts").status_code == 401
    assert NEW_CLERK not in listed(client)  # nothing was stored


def test_bad_input_names_the_field_and_stores_nothing(client: TestClient) -> None:
    short = add(client, password="ngắn")
    assert short.status_code == 422 and short.json()["detail"][0]["loc"] == ["body", "password"]
    assert "ngắn" not in short.text  # the password is never echoed
    assert add(client, role="subscriber").status_code == 422  # services get tokens, not passwords
    assert add(client, name="   ").status_code == 422
    assert listed(client) == {}
    both = client.post("/accounts/grants", json={"account": NEW_CLERK, "authority_id": str(uuid4()),
                                                 "cluster_id": str(uuid4())}, headers=ADMIN)
    assert both.status_code == 422
    unknown = client.post("/accounts/grants", json={"account": "Người chưa có tài khoản",
                                                    "authority_id": str(uuid4())}, headers=ADMIN)
    assert (unknown.status_code, unknown.json()["rule"]) == (409, "account-must-exist")
    assert client.post("/accounts/disabled", json={"account": "Người chưa có tài khoản"},
                       headers=ADMIN).json()["rule"] == "account-must-exist"


def test_accounts_are_listed_the_vietnamese_way(client: TestClient) -> None:
    for name in ("Đặng Văn Bình", "Dương Thị An", "Bùi Văn Cường"):
        assert add(client, name=name).status_code == 201
    assert list(listed(client)) == ["Bùi Văn Cường", "Dương Thị An", "Đặng Văn Bình"]
