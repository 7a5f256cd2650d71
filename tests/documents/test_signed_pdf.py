"""Signed PDFs (Nghị định 30/2020, Điều 5, 13.7; Phụ lục I §II.7): PDF/A signed with the
issuing body's key (PAdES), the images where the decree draws them, verified offline."""

import hashlib
import io
import shutil
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from thidua_documents.preview import soffice
from thidua_documents.settings import Settings
from thidua_documents.signing import find_signer_line, load_root, verify
from thidua_documents.testca import make_body_key, make_ca

from tests.documents import requests
from tests.documents.conftest import Docs, sqlite_settings
from tests.documents.world import SIGNER_2016, World
from tests.services import unavailable


@pytest.fixture
def docs_settings(tmp_path: Path) -> Settings:
    if soffice() is None or shutil.which("pdftotext") is None:
        unavailable("LibreOffice", "soffice or pdftotext is not installed (make preview-tools)")
    return sqlite_settings(tmp_path).model_copy(update={"body_keys_dir": tmp_path / "keys"})


def _signed_decree(docs: Docs, world: World, keys: Path) -> tuple[dict, bytes]:
    issued = docs.client.post(f"/documents/decrees/{world.decree_2016}", json=requests.decree(world))
    assert issued.status_code == 201, issued.text
    entry = issued.json()
    make_body_key(keys, entry["issuer_key"], "Công an thành phố Hà Nội")
    made = docs.client.post(f"/documents/{entry['document_id']}/signed.pdf")
    assert made.status_code == 201, made.text
    download = docs.client.get(f"/documents/{entry['document_id']}/signed.pdf")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/pdf"
    return made.json(), download.content


def test_a_signed_decree_verifies_offline_and_a_changed_byte_fails_signature_and_register(
        docs: Docs, world: World, tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    recorded, pdf = _signed_decree(docs, world, keys)
    root = load_root(keys / "ca.pem")
    good = verify(pdf, root)
    assert good.bottom_line and good.intact and good.trusted
    assert "Công an thành phố Hà Nội" in good.signer
    assert hashlib.sha256(pdf).hexdigest() == recorded["sha256"]
    changed = bytearray(pdf)
    changed[len(changed) // 3] ^= 0x01  # inside the signed range
    bad = verify(bytes(changed), root)
    assert not bad.bottom_line
    assert hashlib.sha256(bytes(changed)).hexdigest() != recorded["sha256"]


def test_a_signature_from_another_authority_is_not_trusted(docs: Docs, world: World, tmp_path: Path) -> None:
    _, pdf = _signed_decree(docs, world, tmp_path / "keys")
    stranger = load_root(make_ca(tmp_path / "another-ca"))
    assert not verify(pdf, stranger).bottom_line


def test_the_signed_pdf_is_pdfa_and_its_images_sit_between_the_title_and_the_signer(
        docs: Docs, world: World, tmp_path: Path) -> None:
    _, pdf = _signed_decree(docs, world, tmp_path / "keys")
    assert b"pdfaid:part" in pdf and (b'pdfaid:part="2"' in pdf or b"<pdfaid:part>2</pdfaid:part>" in pdf)
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    widget = reader.embedded_signatures[0].sig_field
    x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
    page, name_line, _ = find_signer_line(pdf, SIGNER_2016)
    assert page == 0  # the decree's own page, not the attached list
    assert y0 <= name_line.y1 + 8 and y1 > name_line.y1 + 30  # above the signer's name
    # the seal reaches a third into the signature: the field is wider on the left
    centre = (name_line.x0 + name_line.x1) / 2
    assert centre - x0 > x1 - centre


def test_without_the_body_s_key_no_signed_pdf_is_made(docs: Docs, world: World) -> None:
    issued = docs.client.post(f"/documents/decrees/{world.decree_2016}", json=requests.decree(world))
    document = issued.json()["document_id"]
    response = docs.client.post(f"/documents/{document}/signed.pdf")
    assert response.status_code == 503
    assert "no signing key" in response.json()["detail"]
    assert docs.client.get(f"/documents/{document}/signed.pdf").status_code == 404


def test_a_document_changed_in_the_store_after_issuing_is_not_signed(docs: Docs, world: World,
                                                                       tmp_path: Path) -> None:
    # Someone with write access to the documents store swaps an issued decree's file before it is
    # signed: the body's key must not sign what the register never issued.
    issued = docs.client.post(f"/documents/decrees/{world.decree_2016}", json=requests.decree(world))
    assert issued.status_code == 201, issued.text
    entry = issued.json()
    make_body_key(tmp_path / "keys", entry["issuer_key"], "Công an thành phố Hà Nội")
    # A draft of the same decree: its signer, its text, "DỰ THẢO" on it and no number.
    forged = docs.client.post(f"/documents/decrees/{world.decree_2016}/draft", json=requests.decree(world)).content
    with docs.store.transaction(write=True) as tx:
        tx.execute("UPDATE register_entries SET content = ? WHERE document_id = ?", (forged, entry["document_id"]))
    assert docs.client.get(f"/documents/{entry['document_id']}/file").content == forged
    refused = docs.client.post(f"/documents/{entry['document_id']}/signed.pdf")
    assert refused.status_code == 409, refused.text
    assert refused.json()["rule"] == "sign-only-what-was-issued"
    assert docs.client.get(f"/documents/{entry['document_id']}/signed.pdf").status_code == 404
