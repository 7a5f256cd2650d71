"""From the ledger's feed to the projections: exactly once, and end to end over real HTTP
with the follower thread the app starts."""

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID, uuid4

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from pydantic import SecretStr
from thidua_documents.api.app import create_app
from thidua_documents.projections import apply_page
from thidua_documents.settings import Settings
from thidua_documents.sources import FeedSource, catch_up
from thidua_events.facts import Role
from thidua_ledger.api.app import create_app as create_ledger_app
from thidua_ledger.api.server import SERVER_OPTIONS
from thidua_ledger.settings import Settings as LedgerSettings

from tests.documents import requests
from tests.documents.conftest import Docs, register_world
from tests.documents.reading import open_docx
from tests.documents.world import ADMIN, CLERK, SUBSCRIBER_TOKEN, World, build_world
from tests.tokens import SIGNING_KEY_FILE, mint, token_id

TABLES = ("proj_authorities", "proj_units", "proj_unit_names", "proj_postings", "proj_clusters",
          "proj_memberships", "proj_year_facts", "proj_awards")


def counts(docs: Docs) -> dict[str, int]:
    with docs.store.transaction() as tx:
        return {table: tx.one(f"SELECT COUNT(*) FROM {table}")[0] for table in TABLES}  # type: ignore[index]


def test_every_published_event_is_projected(docs: Docs, ledger: TestClient) -> None:
    published = ledger.get("/log?limit=1000", headers=CLERK).json()
    assert docs.client.get("/projection").json()["position"] == published["head"]
    by_type: dict[str, int] = {}
    for event in published["events"]:
        by_type[event["type"]] = by_type.get(event["type"], 0) + 1
    found = counts(docs)
    assert found["proj_clusters"] == by_type["ClusterFormed"]
    assert found["proj_unit_names"] == by_type["UnitRegistered"] + by_type["UnitRenamed"]
    assert found["proj_awards"] == by_type["AwardConferred"] + by_type["AwardProposed"]


def test_a_page_read_twice_is_applied_once(docs: Docs, ledger: TestClient) -> None:
    before = counts(docs)
    page = docs.source.read(0)
    position = docs.client.get("/projection").json()["position"]
    assert apply_page(docs.store, page.events, page.next_after) == position
    assert counts(docs) == before


def test_a_page_is_applied_in_one_transaction(docs: Docs, world: World) -> None:
    before = counts(docs)
    position = docs.client.get("/projection").json()["position"]
    world.record("UnitRenamed", effective_date="2019-06-01", unit_id=world.units["tccb"], name="Phòng Tổ chức")
    page = docs.source.read(position)
    # An event that does not decode after one that applied: the whole page rolls back.
    broken = [*page.events, page.events[0].model_copy(update={"position": page.events[0].position + 1,
                                                               "data": {}})]
    with pytest.raises(ValueError):
        apply_page(docs.store, broken, page.next_after + 10_000)
    assert counts(docs) == before
    assert docs.client.get("/projection").json()["position"] == position


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def ledger_server(tmp_path: Path) -> Iterator[str]:
    """The real ledger app served over HTTP in a thread."""
    settings = LedgerSettings(store="sqlite", sqlite_path=tmp_path / "ledger.sqlite",
                              signing_key_file=SIGNING_KEY_FILE)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_ledger_app(settings), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on", **SERVER_OPTIONS))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the ledger did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def wait_for(condition: object, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_the_follower_keeps_the_documents_up_with_the_ledger_over_http(any_store: Settings,
                                                                      ledger_server: str) -> None:
    settings = any_store.model_copy(update={"ledger_url": ledger_server, "poll_interval": 0.05,
                                            "ledger_token": SecretStr(SUBSCRIBER_TOKEN)})
    with httpx.Client(base_url=ledger_server) as ledger, TestClient(create_app(settings), headers=CLERK) as docs:
        world = build_world(ledger)  # type: ignore[arg-type]  # the same API, over the wire
        head = ledger.get("/log?limit=1", headers=CLERK).json()["head"]
        wait_for(lambda: docs.get("/projection").json()["position"] >= head)
        assert docs.get("/projection").json()["following"]
        register_world(docs, world)
        issued = docs.post(f"/documents/decrees/{world.decree_2016}", json=requests.decree(world))
        assert issued.status_code == 201 and issued.json()["position"] == head
        # A fact recorded now reaches the documents without anyone asking.
        decree = str(uuid4())
        world.record("AwardConferred", effective_date="2018-03-01", decree_id=decree, decree_no="30/QĐ-CATP",
                     decree_date="2018-03-01", authority_id=world.authority, signer="Thiếu tướng Đinh Văn Toản",
                     signer_title="KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC", award_kind="Giấy khen", year=2017,
                     recipients=[{"kind": "collective", "unit_id": world.units["dao_tao"]}])
        response = None

        def issued_now() -> bool:
            nonlocal response
            response = docs.post(f"/documents/decrees/{decree}", json=requests.decree(world))
            return response.status_code == 201

        wait_for(issued_now)
        assert response is not None
        doc = open_docx(docs.get(f"/documents/{response.json()['document_id']}/file").content)
        assert doc.tables[0].rows[1].cells[0].text == "Số: 30/QĐ-CATP"
        assert "Phòng Đào tạo" in [c.text for t in doc.tables for r in t.rows for c in r.cells]


def test_a_service_token_is_rotated_through_its_file_without_a_restart(docs: Docs, ledger: TestClient,
                                                                     world: World, tmp_path: Path) -> None:
    token_file = tmp_path / "feed.token"
    token_file.write_text(mint(Role.SUBSCRIBER, "Dịch vụ văn bản") + "\n")
    source = FeedSource(client=ledger, token=lambda: token_file.read_text().strip(), page_size=50)
    head = catch_up(docs.store, source)
    # The old token is revoked (it leaked, or its week is over); the operator writes a new one.
    revoked = ledger.post("/facts/TokenRevoked", headers=ADMIN, json={
        "effective_date": "2020-01-01", "token_id": token_id(token_file.read_text().strip())})
    assert revoked.status_code == 201
    with pytest.raises(Exception, match="401 Unauthorized"):  # the client's HTTPStatusError
        catch_up(docs.store, source)
    token_file.write_text(mint(Role.SUBSCRIBER, "Dịch vụ văn bản"))
    assert catch_up(docs.store, source) == head + 1  # the revocation itself is in the log


def test_stated_counts_reach_the_documents_year(docs: Docs, world: World) -> None:
    """"8 đơn vị" and "4 đợt thi đua" are in the documents' own fold of a year, beside the units
    it names, so a document can print the count and never take the named ones as complete."""
    from thidua_documents.snapshot import Snapshot
    from thidua_documents.yearview import fold

    world.year_fact("MembersCounted", "2019-11-14", 2019, count=8)
    world.year_fact("DrivesCounted", "2019-11-14", 2019, count=4)
    position = docs.client.get("/projection").json()["position"]
    page = docs.source.read(position)
    apply_page(docs.store, page.events, page.next_after)
    with docs.store.transaction() as tx:
        record = fold(Snapshot(tx, page.next_after).year_facts(UUID(world.cluster), 2019))
    assert (record.members_stated, record.drives_stated) == (8, 4)
