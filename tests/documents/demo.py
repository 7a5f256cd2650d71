"""The demo's documents: the scenario of the five articles (what `make run` loads), drafted
through the documents API, as a clerk would open them.

The request bodies hold only what a clerk adds; the names in them are marked as test input
(the articles name no secretary or representative), never read as facts of the articles.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from thidua_ledger import scenario
from thidua_ledger.api.app import create_app as create_ledger_app
from thidua_ledger.cli_access import grant_demo_clerk
from thidua_ledger.settings import Settings as LedgerSettings

from tests.documents.conftest import Docs, open_docs, sqlite_settings
from tests.documents.world import CLERK_ACCOUNT
from tests.tokens import SIGNING_KEY_FILE

CHAIR = "Chủ tọa (dữ liệu thử)"
SECRETARY = "Thư ký (dữ liệu thử)"
MINUTES = {"chair": CHAIR, "secretary": SECRETARY}


@dataclass(frozen=True)
class DemoDocument:
    """One document of the demo: the route that drafts it and what the clerk sends."""

    name: str
    path: str
    body: dict[str, Any]
    parent: str  # the issuing body's parent, as the header prints it
    issuer: str  # the issuing body


def _cluster(key: str) -> str:
    return f"/documents/clusters/{scenario.cluster_id(key)}/years"


CATP, TUHN, BCA = "CÔNG AN THÀNH PHỐ HÀ NỘI", "THÀNH ỦY HÀ NỘI", "BỘ CÔNG AN"
CUM_4 = "CỤM THI ĐUA SỐ 4"
CUM_VP_DU = "CỤM THI ĐUA VĂN PHÒNG CÁC ĐẢNG ỦY KHỐI VÀ CÁC ĐẢNG ỦY TRỰC THUỘC THÀNH ỦY HÀ NỘI"
CUM_2 = "CỤM THI ĐUA SỐ 2 – KHỐI CÁC ĐƠN VỊ TRỰC THUỘC BỘ TRƯỞNG BỘ CÔNG AN"
CUM_5 = "CỤM THI ĐUA SỐ 5"
REPORT = {"signer": "Người ký (dữ liệu thử)", "signer_title": "TM. CỤM THI ĐUA / CỤM TRƯỞNG"}

DEMO: list[DemoDocument] = [
    DemoDocument("cum4-2016-review-minutes", f"{_cluster('cum-4')}/2016/review-minutes", MINUTES, CATP, CUM_4),
    DemoDocument("cum4-2016-flag-minutes", f"{_cluster('cum-4')}/2016/flag-handover-minutes",
                 {"giver_representative": "Đại diện bên giao (dữ liệu thử)",
                  "receiver_representative": "Đại diện bên nhận (dữ liệu thử)"},
                 CATP, CUM_4),
    DemoDocument("cum4-2016-report", f"{_cluster('cum-4')}/2016/report", REPORT, CATP, CUM_4),
    DemoDocument("cumvpdu-2017-pledge-minutes", f"{_cluster('cum-vp-du')}/2017/pledge-minutes", MINUTES, TUHN,
                 CUM_VP_DU),
    DemoDocument("cumvpdu-2017-pledge", f"{_cluster('cum-vp-du')}/2017/pledge", {}, TUHN, CUM_VP_DU),
    DemoDocument("cum2-2018-pledge-minutes", f"{_cluster('cum-2')}/2018/pledge-minutes",
                 {**MINUTES, "place": "Hà Nội"}, BCA, CUM_2),
    DemoDocument("cum2-2018-pledge", f"{_cluster('cum-2')}/2018/pledge", {"place": "Hà Nội"}, BCA, CUM_2),
    DemoDocument("cum5-2018-pledge-minutes", f"{_cluster('cum-5')}/2018/pledge-minutes", MINUTES, CATP, CUM_5),
    DemoDocument("cum5-2018-pledge", f"{_cluster('cum-5')}/2018/pledge", {}, CATP, CUM_5),
    DemoDocument("cum4-2019-review-minutes", f"{_cluster('cum-4')}/2019/review-minutes", MINUTES, CATP, CUM_4),
    DemoDocument("cum4-2019-report", f"{_cluster('cum-4')}/2019/report", REPORT, CATP, CUM_4),
]


def open_demo(folder: Path) -> Iterator[Docs]:
    """A ledger holding the demo scenario and a documents service that has read it all."""
    ledger_settings = LedgerSettings(store="sqlite", sqlite_path=folder / "ledger.sqlite",
                                     signing_key_file=SIGNING_KEY_FILE)
    with TestClient(create_ledger_app(ledger_settings)) as ledger:
        scenario.load(ledger.app.state.ledger)  # type: ignore[attr-defined]
        # As `make run` does: the clerk issuing the demo's documents holds its authorities.
        grant_demo_clerk(ledger.app.state.ledger, CLERK_ACCOUNT)  # type: ignore[attr-defined]
        yield from open_docs(sqlite_settings(folder), ledger)


def draft_all(docs: Docs, folder: Path) -> dict[str, Path]:
    """Every demo document drafted to `folder`, by name."""
    written = {}
    for document in DEMO:
        response = docs.client.post(f"{document.path}/draft", json=document.body)
        assert response.status_code == 200, (document.name, response.text)
        path = folder / f"{document.name}.docx"
        path.write_bytes(response.content)
        written[document.name] = path
    return written
