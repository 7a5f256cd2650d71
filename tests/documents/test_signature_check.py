"""An auditor asks the documents service to verify an issued document's signed PDF: against
the trust root alone, and against the SHA-256 the register recorded."""

import shutil
import sqlite3
from pathlib import Path

import pytest
from thidua_documents.preview import soffice
from thidua_documents.settings import Settings
from thidua_documents.testca import make_body_key

from tests.documents import requests
from tests.documents.conftest import Docs, sqlite_settings
from tests.documents.world import World
from tests.services import unavailable


@pytest.fixture
def docs_settings(tmp_path: Path) -> Settings:
    if soffice() is None or shutil.which("pdftotext") is None:
        unavailable("LibreOffice", "soffice or pdftotext is not installed (make preview-tools)")
    return sqlite_settings(tmp_path).model_copy(update={"body_keys_dir": tmp_path / "keys",
                                                        "trust_root": tmp_path / "keys" / "ca.pem"})


def test_a_signed_document_verifies_until_its_stored_file_is_changed(
        docs: Docs, world: World, docs_settings: Settings, tmp_path: Path) -> None:
    issued = docs.client.post(f"/documents/decrees/{world.decree_2016}", json=requests.decree(world)).json()
    document = issued["document_id"]
    assert docs.client.get(f"/documents/{document}/signed.pdf/verification").status_code == 404  # not signed yet
    make_body_key(tmp_path / "keys", issued["issuer_key"], "Công an thành phố Hà Nội")
    assert docs.client.post(f"/documents/{document}/signed.pdf").status_code == 201
    good = docs.client.get(f"/documents/{document}/signed.pdf/verification").json()
    assert (good["bottom_line"], good["intact"], good["trusted"], good["unchanged"]) == (True, True, True, True)
    assert "Công an thành phố Hà Nội" in good["signer"]
    with sqlite3.connect(docs_settings.sqlite_path) as db:  # one byte of the stored file, changed behind its back
        content = bytearray(db.execute("SELECT content FROM register_signed_pdfs WHERE document_id = ?",
                                       (document,)).fetchone()[0])
        content[len(content) // 3] ^= 0x01
        db.execute("UPDATE register_signed_pdfs SET content = ? WHERE document_id = ?", (bytes(content), document))
    bad = docs.client.get(f"/documents/{document}/signed.pdf/verification").json()
    assert bad["bottom_line"] is False and bad["unchanged"] is False
