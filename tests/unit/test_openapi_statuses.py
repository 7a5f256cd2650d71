"""OpenAPI that tells the truth (issue 14, §5): the schema of both services, walked.

What each route answers in the tests is checked against this schema by the recorder in
tests/openapi_statuses.py at the end of every session; here, the rules every operation keeps.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from thidua_documents.api.app import create_app as create_documents_app
from thidua_documents.settings import Settings as DocumentsSettings
from thidua_ledger.api.app import create_app as create_ledger_app
from thidua_ledger.settings import Settings as LedgerSettings

from tests import openapi_statuses
from tests.tokens import JWKS_FILE, SIGNING_KEY_FILE

UNGUARDED = {"/health"}  # answers without a token, and without the store (its own 503 aside)


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FastAPI]:
    folder = tmp_path_factory.mktemp("openapi")
    ledger = create_ledger_app(LedgerSettings(store="sqlite", sqlite_path=folder / "ledger.sqlite",
                                              signing_key_file=SIGNING_KEY_FILE))
    documents = create_documents_app(DocumentsSettings(store="sqlite", sqlite_path=folder / "documents.sqlite",
                                                       token_jwks=str(JWKS_FILE)), follow=False)
    return {"ledger": ledger, "documents": documents}


def operations(app: FastAPI) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in app.openapi()["paths"].items():
        for method, operation in methods.items():
            yield path, method.upper(), operation


@pytest.mark.parametrize("service", ["ledger", "documents"])
def test_every_refusal_is_documented_with_its_body(apps: dict[str, FastAPI], service: str) -> None:
    bare = [f"{method} {path}: {status}" for path, method, operation in operations(apps[service])
            for status, response in operation["responses"].items()
            if not status.startswith("2") and "application/json" not in response.get("content", {})]
    assert bare == []


@pytest.mark.parametrize("service", ["ledger", "documents"])
def test_every_guarded_route_documents_401_and_503(apps: dict[str, FastAPI], service: str) -> None:
    missing = [f"{method} {path}: {status}" for path, method, operation in operations(apps[service])
               if path not in UNGUARDED for status in ("401", "503") if status not in operation["responses"]]
    assert missing == []


@pytest.mark.parametrize("service", ["ledger", "documents"])
def test_every_route_that_takes_input_documents_422(apps: dict[str, FastAPI], service: str) -> None:
    missing = [f"{method} {path}" for path, method, operation in operations(apps[service])
               if (operation.get("parameters") or operation.get("requestBody")) and "422" not in operation["responses"]]
    assert missing == []


def test_every_write_documents_403_and_409(apps: dict[str, FastAPI]) -> None:
    missing = [f"{path}: {status}" for path, method, operation in operations(apps["ledger"])
               if path.startswith("/facts/") for status in ("403", "409") if status not in operation["responses"]]
    assert missing == []


def test_the_recorder_notes_an_answer_under_its_route_and_names_an_undocumented_one(
        apps: dict[str, FastAPI]) -> None:
    with TestClient(apps["ledger"]) as client:
        assert client.get("/catalogue/units").status_code == 401
    key = ("thidua_ledger", "/catalogue/{kind}", "GET")
    assert 401 in openapi_statuses.SEEN[key]
    assert not [line for line in openapi_statuses.undocumented() if "/catalogue/{kind}" in line]
    documented = openapi_statuses.DOCUMENTED[key]
    openapi_statuses.DOCUMENTED[key] = documented - {"401"}  # the near miss: as if it were not documented
    try:
        assert "thidua_ledger GET /catalogue/{kind}: 401" in openapi_statuses.undocumented()
    finally:
        openapi_statuses.DOCUMENTED[key] = documented
