"""What `make run` signs shows its images (Phụ lục I §II.7): the demo's documents issued over
the articles' scenario, signed with the keys and images deploy/local/demo_keys.py makes for
`make run`, and read back with poppler's `pdfimages -list`: the signer's image and the body's
seal are in the PDF, not only an invisible signature."""

import io
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pyhanko.pdf_utils.reader import PdfFileReader
from thidua_documents.preview import soffice
from thidua_documents.signing import find_signer_line, load_root, verify
from thidua_ledger import scenario
from thidua_ledger.api.app import create_app as create_ledger_app
from thidua_ledger.cli_access import grant_demo_clerk
from thidua_ledger.demo_documents import issue_demo
from thidua_ledger.settings import Settings as LedgerSettings

from tests.documents.conftest import Docs, open_docs, sqlite_settings
from tests.documents.world import CLERK_ACCOUNT
from tests.services import unavailable
from tests.tokens import SIGNING_KEY_FILE

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Docs]:
    """`make run` in one process: the scenario, its documents, and its demo keys."""
    if soffice() is None or shutil.which("pdftotext") is None or shutil.which("pdfimages") is None:
        unavailable("LibreOffice", "soffice, pdftotext or pdfimages is not installed (make preview-tools)")
    keys = tmp_path / "document-keys"
    subprocess.run([sys.executable, str(REPO / "deploy/local/demo_keys.py"), str(keys)], check=True, timeout=120)
    settings = sqlite_settings(tmp_path).model_copy(update={"body_keys_dir": keys})
    ledger_settings = LedgerSettings(store="sqlite", sqlite_path=tmp_path / "demo-ledger.sqlite",
                                     signing_key_file=SIGNING_KEY_FILE)
    with TestClient(create_ledger_app(ledger_settings)) as ledger:
        scenario.load(ledger.app.state.ledger)  # type: ignore[attr-defined]
        # As `make run` does: the clerk issuing the demo's documents holds its authorities.
        grant_demo_clerk(ledger.app.state.ledger, CLERK_ACCOUNT)  # type: ignore[attr-defined]
        for docs in open_docs(settings, ledger):
            issue_demo(docs.client)
            yield docs


def images(pdf: bytes, tmp_path: Path) -> list[str]:
    """The rows of `pdfimages -list` (one per image drawn), its two header lines dropped."""
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    listed = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True,
                            timeout=60).stdout.splitlines()
    return listed[2:]


def signed(demo: Docs, path: str, body: dict[str, Any]) -> bytes:
    issued = demo.client.post(path, json=body)
    assert issued.status_code == 201, issued.text
    document = issued.json()["document_id"]
    assert demo.client.post(f"/documents/{document}/signed.pdf").status_code == 201
    return demo.client.get(f"/documents/{document}/signed.pdf").content


def cluster_year(cluster: str, year: int) -> str:
    return f"/documents/clusters/{scenario.cluster_id(cluster)}/years/{year}"


def test_the_demo_flag_handover_minutes_signed_as_make_run_signs_show_the_seal_and_signature(
        demo: Docs, tmp_path: Path) -> None:
    """The reviewer's case: Cụm 4, 2016, issued with its missing parts given. It used to get an
    invisible signature (no single signer found), pixel-identical to the preview."""
    pdf = signed(demo, f"{cluster_year('cum-4', 2016)}/flag-handover-minutes",
                 {"giver_representative": "Đại tá Trần Văn Giao", "receiver_representative": "Đại tá Phạm Văn Nhận",
                  "ended_at": "11 giờ 45", "venue": "Hội trường Công an tỉnh", "witness": "Đại tá Lê Văn Chứng"})
    assert images(pdf, tmp_path), "no image in the signed flag-handover minutes"
    # over the giver's representative (ĐẠI DIỆN BÊN GIAO, on the left), under the title
    widget = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures[0].sig_field
    x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
    _, name_line, _ = find_signer_line(pdf, "Đại tá Trần Văn Giao")
    assert y0 <= name_line.y1 + 8 and y1 > name_line.y1 + 30
    assert x0 < name_line.x1 and x1 > name_line.x0
    assert verify(pdf, load_root(demo_root(demo))).bottom_line


def demo_root(demo: Docs) -> Path:
    return Path(demo.client.app.state.settings.body_keys_dir) / "ca.pem"  # type: ignore[attr-defined]
