"""One API client per store for a whole test module: each test makes its own cluster
(fresh ids), so tests share the database without sharing data, and the module pays for one
application start and one PostgreSQL schema per store, not one per test."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from thidua_ledger.api.app import create_app
from thidua_ledger.settings import Settings

from tests.services import PostgresServer
from tests.tokens import SIGNING_KEY_FILE


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def shared_client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("ledger") / "ledger.sqlite"
        settings = Settings(store="sqlite", sqlite_path=path, signing_key_file=SIGNING_KEY_FILE)
        with TestClient(create_app(settings)) as client:
            yield client
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with server.connect() as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    settings = Settings(store="postgres", postgres_host=server.host, postgres_port=server.port,
                        postgres_user=server.user, postgres_password=server.password,
                        postgres_dbname=server.dbname, postgres_schema=schema, signing_key_file=SIGNING_KEY_FILE)
    try:
        with TestClient(create_app(settings)) as client:
            yield client
    finally:
        with server.connect() as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
