"""No secret has a default: a PostgreSQL store without a password, or services without
their keys, refuse to start rather than run on an empty secret."""

import pytest
from pydantic import ValidationError
from thidua_documents.settings import Settings as DocumentsSettings
from thidua_ledger.settings import Settings as LedgerSettings


@pytest.mark.parametrize("settings", [LedgerSettings, DocumentsSettings])
def test_the_postgres_store_has_no_default_password(settings: type, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POSTGRES_PASSWORD", raising=False)
    for password in (None, ""):
        with pytest.raises(ValidationError, match="set POSTGRES_PASSWORD"):
            settings(store="postgres", postgres_password=password)
    assert settings(store="sqlite").postgres_password is None  # SQLite needs none


def test_the_ledger_has_no_default_signing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("THIDUA_SIGNING_KEY_FILE", raising=False)
    monkeypatch.delenv("THIDUA_TOKEN_JWKS", raising=False)
    with pytest.raises(RuntimeError, match="THIDUA_SIGNING_KEY_FILE"):
        LedgerSettings().public_keys()
    with pytest.raises(RuntimeError, match="THIDUA_SIGNING_KEY_FILE"):
        LedgerSettings().signing_key()


def test_the_documents_service_has_no_signing_key_to_hold() -> None:
    """It verifies with public keys only: there is no setting through which it could sign."""
    assert not [name for name in DocumentsSettings.model_fields if "sign" in name or "private" in name]
