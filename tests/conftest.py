"""Fixtures shared by every suite: the real services and per-test isolation."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from thidua_ledger.settings import Settings

from tests.integration.own_broker import own_broker  # noqa: F401 (a fixture: a broker to stop and start)
from tests.services import PostgresServer, kafka_broker, postgres_server
from tests.tokens import SIGNING_KEY_FILE

# Every status answered in a test is documented in the OpenAPI of its route (issue 14).
pytest_plugins = ["tests.openapi_statuses"]


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    with postgres_server() as server:
        yield server


@pytest.fixture(scope="session")
def kafka() -> Iterator[str]:
    """The bootstrap address of a running Kafka broker."""
    with kafka_broker() as bootstrap:
        yield bootstrap


@pytest.fixture
def pg_schema(postgres: PostgresServer) -> Iterator[str]:
    """A schema of its own for one test, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with postgres.connect() as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    yield name
    with postgres.connect() as conn:
        conn.execute(f'DROP SCHEMA "{name}" CASCADE')


@pytest.fixture
def topic() -> str:
    """A Kafka topic name of its own for one test."""
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(params=["sqlite", "postgres"])
def ledger_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Ledger settings for each supported store, isolated to one test."""
    if request.param == "sqlite":
        return Settings(store="sqlite", sqlite_path=tmp_path / "ledger.sqlite",
                        signing_key_file=SIGNING_KEY_FILE)
    server: PostgresServer = request.getfixturevalue("postgres")
    return Settings(
        store="postgres", postgres_host=server.host, postgres_port=server.port,
        postgres_user=server.user, postgres_password=server.password,
        postgres_dbname=server.dbname, postgres_schema=request.getfixturevalue("pg_schema"),
        signing_key_file=SIGNING_KEY_FILE,
    )
