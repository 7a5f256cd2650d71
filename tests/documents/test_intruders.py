"""An intruder against the documents service, which holds only the issuer's public keys:
forged tokens, tokens for another service, revoked tokens. Each refused naming why; no
document is numbered."""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from thidua_documents.api.app import create_app
from thidua_events.facts import Role

from tests.documents import requests
from tests.documents.conftest import Docs, open_docs, sqlite_settings
from tests.documents.world import ADMIN, CLERK_ACCOUNT, World
from tests.tokens import bearer, forgeries, mint, token_id

BOUND = 0.3  # seconds: the revocation list's max_age in these tests


@pytest.fixture
def docs_quick(tmp_path: Path, ledger: TestClient, world: World) -> Iterator[Docs]:
    """The documents service reading the ledger's revocations every BOUND seconds."""
    settings = sqlite_settings(tmp_path).model_copy(update={"revocations_max_age": BOUND})
    yield from open_docs(settings, ledger)


@pytest.mark.parametrize("forgery", list(forgeries(Role.ADMIN, CLERK_ACCOUNT)))
def test_a_forged_token_cannot_issue_a_document(docs: Docs, world: World, forgery: str) -> None:
    token, why = forgeries(Role.ADMIN, CLERK_ACCOUNT)[forgery]
    response = docs.calling_as({"Authorization": f"Bearer {token}"}).post(
        f"/documents/decrees/{world.decree_2016}", json=requests.decree(world))
    assert response.status_code == 401, response.text
    assert why in response.json()["detail"]
    assert docs.client.get("/documents").json() == []


def test_a_token_for_the_ledger_only_is_refused_by_the_documents_service(docs: Docs, world: World) -> None:
    ledger_only = bearer(Role.CLERK, CLERK_ACCOUNT, audience=("ledger",))
    response = docs.calling_as(ledger_only).post(f"/documents/decrees/{world.decree_2016}", json=requests.decree(world))
    assert response.status_code == 401
    assert response.json()["detail"] == "the token is not for this service (audience 'documents')"
    assert docs.client.get("/documents").json() == []


def refused_within_bound(docs: Docs, headers: dict[str, str]) -> str:
    started = time.monotonic()
    while (response := docs.calling_as(headers).get("/documents")).status_code == 200:
        assert time.monotonic() - started <= BOUND + 0.5, "the revocation did not reach the documents service"
        time.sleep(0.05)
    assert response.status_code == 401
    return str(response.json()["detail"])


def test_a_token_revoked_in_the_ledger_is_refused_by_the_documents_service(docs_quick: Docs,
                                                                          ledger: TestClient) -> None:
    token = mint(Role.CLERK, CLERK_ACCOUNT)
    headers = {"Authorization": f"Bearer {token}"}
    assert docs_quick.calling_as(headers).get("/documents").status_code == 200
    revoked = ledger.post("/facts/TokenRevoked", json={"effective_date": "2020-01-01",
                                                       "token_id": token_id(token)}, headers=ADMIN)
    assert revoked.status_code == 201
    assert refused_within_bound(docs_quick, headers) == "the token has been revoked"


def test_a_disabled_account_is_refused_by_the_documents_service(docs_quick: Docs, ledger: TestClient,
                                                               world: World) -> None:
    assert docs_quick.client.get("/documents").status_code == 200
    disabled = ledger.post("/facts/AccountDisabled", json={"effective_date": "2020-01-01",
                                                           "account": CLERK_ACCOUNT}, headers=ADMIN)
    assert disabled.status_code == 201
    detail = refused_within_bound(docs_quick, docs_quick.client.headers)  # type: ignore[arg-type]
    assert detail == f"the access of '{CLERK_ACCOUNT}' has been revoked"
    issued = docs_quick.client.post(f"/documents/decrees/{world.decree_2016}", json=requests.decree(world))
    assert issued.status_code == 401
    assert docs_quick.calling_as(ADMIN).get("/documents").json() == []


def test_without_the_revocation_list_the_documents_service_refuses_rather_than_guess(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path).model_copy(update={"ledger_url": "http://127.0.0.1:9"})  # nothing there
    with TestClient(create_app(settings, follow=False), headers=bearer(Role.CLERK, CLERK_ACCOUNT)) as client:
        response = client.get("/documents")
    assert response.status_code == 503
    assert response.json()["detail"].startswith("the revocation list cannot be read")
