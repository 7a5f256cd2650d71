"""Both services answer their health endpoints through their real ASGI apps."""

from pathlib import Path

from fastapi.testclient import TestClient
from thidua_documents.api.app import create_app as create_documents_app
from thidua_documents.settings import Settings as DocumentsSettings
from thidua_ledger.api.app import create_app as create_ledger_app
from thidua_ledger.settings import Settings as LedgerSettings

from tests.tokens import JWKS_FILE


def test_ledger_health_reads_the_event_store(ledger_settings: LedgerSettings) -> None:
    with TestClient(create_ledger_app(ledger_settings)) as client:
        response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok", "service": "ledger", "store": ledger_settings.store, "position": 0,
    }


def test_documents_health_reads_its_own_store(tmp_path: Path) -> None:
    settings = DocumentsSettings(sqlite_path=tmp_path / "documents.sqlite", token_jwks=str(JWKS_FILE))
    with TestClient(create_documents_app(settings)) as client:
        response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["service"] == "documents"
    assert (tmp_path / "documents.sqlite").exists()
