"""The ledger is served by uvicorn with httptools and uvloop (api.server), by `ledger serve` and
by every test and benchmark that starts it, and answers over them as it does in process."""

import http.client
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn
from thidua_ledger import cli
from thidua_ledger.api.app import create_app
from thidua_ledger.api.server import SERVER_FLAGS, SERVER_OPTIONS
from thidua_ledger.settings import Settings
from typer.testing import CliRunner
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from tests.api.conftest import ADMIN
from tests.api.served import served

LIMIT = 4096


def test_the_ledger_is_served_with_httptools_on_uvloop() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None: ...

    config = uvicorn.Config(app, **SERVER_OPTIONS)  # type: ignore[arg-type]
    config.load()
    assert config.http_protocol_class is HttpToolsProtocol
    assert config.get_loop_factory().__module__.startswith("uvloop")  # type: ignore[union-attr]
    assert SERVER_FLAGS == ["--http", "httptools", "--loop", "uvloop"]


def test_ledger_serve_serves_with_the_servers_options(monkeypatch: pytest.MonkeyPatch) -> None:
    called: dict[str, Any] = {}
    monkeypatch.setattr(cli.uvicorn, "run", lambda *args, **options: called.update(options))
    assert CliRunner().invoke(cli.app, ["serve", "--port", "8123"]).exit_code == 0
    assert {name: called[name] for name in SERVER_OPTIONS} == SERVER_OPTIONS


@pytest.fixture
def server(ledger_settings: Settings) -> Iterator[str]:
    with served(create_app(ledger_settings.model_copy(update={"max_body_bytes": LIMIT}))) as url:
        yield url


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        connection.request("POST", "/facts/AuthorityRegistered", body, headers)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


BODY = (b'{"effective_date": "2015-01-01", "authority_id": "6f1c1b9e-9a57-4c1e-8f6b-0d5f3f1e2a01", '
        b'"name": "C\xc3\xb4ng an t\xe1\xbb\x89nh B\xe1\xba\xafc Ninh", "symbol": "CABN"}')


def test_a_command_over_the_server_is_recorded(server: str) -> None:
    status, body = post(server, BODY, {**ADMIN, "Content-Type": "application/json"})
    assert status == 201, body


def test_a_declared_body_over_the_limit_is_refused_over_the_server(server: str) -> None:
    status, body = post(server, BODY + b" " * LIMIT, {**ADMIN, "Content-Type": "application/json"})
    assert status == 413 and b"body-within-size-limit" in body


def test_a_chunked_body_over_the_limit_is_refused_over_the_server(server: str) -> None:
    status, body = post(server, iter([BODY, b" " * LIMIT]),  # type: ignore[arg-type]
                        {**ADMIN, "Content-Type": "application/json"})  # no length: http.client sends it chunked
    assert status == 413 and b"body-within-size-limit" in body


def test_a_body_that_is_not_valid_is_answered_422_over_the_server(server: str) -> None:
    status, body = post(server, b'{"effective_date": "2015-01-01"}', {**ADMIN, "Content-Type": "application/json"})
    assert status == 422, body
