"""A real ledger app per test, the documents app reading its feed, and the world recorded in it."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from thidua_documents.api.app import create_app, ledger_revocations
from thidua_documents.ledger_client import LedgerWriter
from thidua_documents.settings import Settings
from thidua_documents.sources import FeedSource, catch_up
from thidua_ledger.api.app import create_app as create_ledger_app
from thidua_ledger.settings import Settings as LedgerSettings

from tests.documents.world import CLERK, SUBSCRIBER_TOKEN, World, build_world
from tests.services import PostgresServer
from tests.tokens import JWKS_FILE, SIGNING_KEY_FILE


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[TestClient]:
    settings = LedgerSettings(store="sqlite", sqlite_path=tmp_path / "ledger.sqlite",
                              signing_key_file=SIGNING_KEY_FILE)
    with TestClient(create_ledger_app(settings)) as client:
        yield client


@pytest.fixture
def world(ledger: TestClient) -> World:
    return build_world(ledger)


def sqlite_settings(tmp_path: Path) -> Settings:
    return Settings(store="sqlite", sqlite_path=tmp_path / "documents.sqlite", token_jwks=str(JWKS_FILE))


def postgres_settings(server: PostgresServer, schema: str) -> Settings:
    return Settings(store="postgres", postgres_host=server.host, postgres_port=server.port,
                    postgres_user=server.user, postgres_password=server.password,
                    postgres_dbname=server.dbname, postgres_schema=schema, token_jwks=str(JWKS_FILE))


@pytest.fixture
def docs_settings(tmp_path: Path) -> Settings:
    return sqlite_settings(tmp_path)


@pytest.fixture(params=["sqlite", "postgres"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Documents settings on each store the service supports."""
    if request.param == "sqlite":
        return sqlite_settings(tmp_path)
    return postgres_settings(request.getfixturevalue("postgres"), request.getfixturevalue("pg_schema"))


class Docs:
    """The documents API, synchronised with the ledger on demand (no follower thread).
    `client` calls it with a clerk's token; `calling_as` with any other (or none)."""

    def __init__(self, client: TestClient, ledger: TestClient) -> None:
        self.client = client
        self.source = FeedSource(client=ledger, token=SUBSCRIBER_TOKEN, page_size=50)

    @property
    def store(self):  # type: ignore[no-untyped-def]
        return self.client.app.state.store  # type: ignore[attr-defined]

    @property
    def register(self):  # type: ignore[no-untyped-def]
        return self.client.app.state.register  # type: ignore[attr-defined]

    def calling_as(self, headers: dict[str, str]) -> TestClient:
        """The same running app, for another caller: not entered, so it starts nothing again."""
        return TestClient(self.client.app, headers=headers)

    def sync(self) -> int:
        return catch_up(self.store, self.source)


def open_docs(settings: Settings, ledger: TestClient, world: World | None = None) -> Iterator[Docs]:
    """The documents app; with `world`, its issuing bodies and legal instruments registered."""
    revocations = ledger_revocations(settings, client=ledger)  # the ledger's list, over its API
    app = create_app(settings, follow=False, revocations=revocations, ledger=LedgerWriter(client=ledger))
    with TestClient(app, headers=CLERK) as client:
        docs = Docs(client, ledger)
        docs.sync()
        if world is not None:
            register_world(client, world)
        yield docs


def register_world(client: TestClient, world: World) -> None:
    """The world's issuing bodies (the city police numbering all its documents in one series,
    the Ministry and the cluster one series per type) and one legal instrument."""
    for kind, body_id, symbol, series in (("authority", world.authority, None, "common"),
                                          ("authority", world.ministry, None, "per_type"),
                                          ("cluster", world.cluster, "CTĐ4", "per_type"),
                                          ("unit", world.units["tham_muu"], None, "per_type")):
        response = client.post("/documents/issuing-bodies", json={
            "kind": kind, "id": body_id, "series": series, **({"symbol": symbol} if symbol else {})})
        assert response.status_code == 201, response.text
    response = client.post("/documents/legal-instruments", json=LAW)
    assert response.status_code == 201, response.text
    world.law = response.json()["instrument_id"]


# Test data: the world's law, dated before every document of the world.
LAW = {"title": "Luật Thi đua, khen thưởng", "number": "15/2003/QH11", "issued_on": "2003-11-26",
       "in_force_from": "2004-07-01"}


@pytest.fixture
def docs(docs_settings: Settings, ledger: TestClient, world: World) -> Iterator[Docs]:
    yield from open_docs(docs_settings, ledger, world)


@pytest.fixture
def docs_any_store(any_store: Settings, ledger: TestClient, world: World) -> Iterator[Docs]:
    yield from open_docs(any_store, ledger, world)
