"""A world for the documents and proposals journeys, built through the services' HTTP APIs:
the demo stack plus a signing key for CATP, CATP registered as an issuing body, a legal
instrument, an award kind in CATP's catalogue, a person, and one proposal from Cụm thi đua
số 4 (the forms of the web workplace record the rest of a clerk's year elsewhere).

tests/web/conftest.py imports the fixtures, so that every module shares one world."""

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from thidua_documents.testca import make_body_key
from thidua_ledger import scenario

from tests.web.conftest import Stack, start_stack

CATP = str(scenario.authority_id("catp"))
CUM_4 = str(scenario.cluster_id("cum-4"))
AWARD_KIND = "Giấy khen của Giám đốc Công an thành phố Hà Nội"
PERSON = "Nguyễn Văn Thử"
UNITS_2019 = {"p-tccb": "Phòng Tổ chức cán bộ", "p-tai-chinh": "Phòng Tài chính", "bao-antd": "Báo An ninh Thủ đô"}


@dataclass
class World:
    stack: Stack
    token: str
    proposal_id: str
    instrument_id: str
    person_id: str

    def ledger(self) -> httpx.Client:
        return httpx.Client(base_url=self.stack.ledger_url, timeout=30,
                            headers={"Authorization": f"Bearer {self.token}"})

    def documents(self) -> httpx.Client:
        return httpx.Client(base_url=self.stack.documents_url, timeout=120,
                            headers={"Authorization": f"Bearer {self.token}"})

    def wait_for_documents(self, position: int) -> None:
        """Until the documents service has read the ledger up to `position`."""
        with self.documents() as docs:
            deadline = time.monotonic() + 30
            while docs.get("/projection").json()["position"] < position:
                if time.monotonic() > deadline:
                    raise TimeoutError("the documents service did not catch up")
                time.sleep(0.2)


def record(ledger: httpx.Client, fact_type: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = ledger.post(f"/facts/{fact_type}", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert answer.status_code in (200, 201), answer.text
    result: dict[str, Any] = answer.json()
    return result


@pytest.fixture(scope="session", name="docs_stack")
def docs_stack_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    home = tmp_path_factory.mktemp("docs-stack")
    keys = home / "body-keys"
    make_body_key(keys, f"authority:{CATP}", "Công an thành phố Hà Nội")
    running = start_stack(home / "stack", documents_env={"DOCUMENTS_BODY_KEYS_DIR": str(keys)})
    yield running
    running.stop()


def clerk_token(stack: Stack) -> str:
    name, password = stack.accounts["clerk"]
    answer = httpx.post(stack.ledger_url + "/auth/token", json={"name": name, "password": password})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


@pytest.fixture(scope="session", name="world")
def world_fixture(docs_stack: Stack) -> World:
    token = clerk_token(docs_stack)
    built = World(docs_stack, token, "", "", "")
    with built.ledger() as ledger:
        record(ledger, "AwardKindRegistered", {"effective_date": "2019-01-01", "authority_id": CATP,
                                               "name": AWARD_KIND, "level": "commendation"})
        person = record(ledger, "PersonRegistered", {
            "effective_date": "2019-01-01", "full_name": PERSON, "unit_id": str(scenario.unit_id("p-tccb")),
            "rank": "Thiếu tá"})
        built.person_id = str(person["ids"]["person_id"])
        proposed = record(ledger, "AwardProposed", {
            "effective_date": "2019-11-20", "proposal_id": None, "authority_id": CATP, "award_kind": AWARD_KIND,
            "year": 2019, "cluster_id": CUM_4,
            "recipients": [{"kind": "collective", "unit_id": str(scenario.unit_id(key)),
                            "achievement": "Hoàn thành xuất sắc nhiệm vụ năm 2019"} for key in UNITS_2019]})
        built.proposal_id = str(proposed["ids"]["proposal_id"])
    with built.documents() as docs:
        body = docs.post("/documents/issuing-bodies", json={"kind": "authority", "id": CATP, "series": "common"})
        assert body.status_code in (201, 409), body.text
        instrument = docs.post("/documents/legal-instruments", json={
            "title": "Thông tư", "number": "12/2019/TT-BCA", "issued_on": "2019-05-29",
            "about": "của Bộ trưởng Bộ Công an quy định công tác thi đua, khen thưởng trong Công an nhân dân"})
        assert instrument.status_code == 201, instrument.text
        built.instrument_id = instrument.json()["instrument_id"]
    built.wait_for_documents(proposed["position"])
    return built
