"""The fact lane runs each command off the event loop, in threads of its own that live as long
as the app serves, and two commands wait for each other only where the store makes them (a
ledger on PostgreSQL takes writers side by side)."""

import asyncio
import json
import threading
from typing import Any
from uuid import uuid4

import httpx
import pytest
from fastapi.testclient import TestClient
from thidua_ledger.api.app import create_app
from thidua_ledger.api.fact_routes import FactRoutes
from thidua_ledger.settings import Settings

from tests.api.conftest import ADMIN

HEADERS = {**ADMIN, "Content-Type": "application/json"}


def authority() -> bytes:
    return json.dumps({"effective_date": "2015-01-01", "authority_id": str(uuid4()),
                       "name": "Công an tỉnh Bắc Ninh", "symbol": "CABN"}).encode()


def lane_of(app: Any) -> FactRoutes:
    return next(route for route in app.router.routes if isinstance(route, FactRoutes))


def test_a_plain_command_runs_in_the_lanes_threads_off_the_event_loop(
        ledger_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(ledger_settings)
    ran_in: list[str] = []
    with TestClient(app) as client:
        original = app.state.ledger.record

        def record(*args: Any, **options: Any) -> Any:
            ran_in.append(threading.current_thread().name)
            return original(*args, **options)

        monkeypatch.setattr(app.state.ledger, "record", record)
        assert client.post("/facts/AuthorityRegistered", headers=HEADERS, content=authority()).status_code == 201
    assert len(ran_in) == 1 and ran_in[0].startswith("fact-lane")


def test_the_lanes_threads_end_with_the_app(ledger_settings: Settings) -> None:
    app = create_app(ledger_settings)
    with TestClient(app) as client:
        assert client.post("/facts/AuthorityRegistered", headers=HEADERS, content=authority()).status_code == 201
        assert lane_of(app).threads is not None
    assert lane_of(app).threads is None
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("fact-lane")]


def test_two_commands_are_in_the_ledger_at_once(ledger_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each waits inside the ledger until the other has come in too: run one after the other,
    the first would wait in vain (and the barrier break after 10 s)."""
    app = create_app(ledger_settings)
    both_inside = threading.Barrier(2, timeout=10)

    async def two_commands() -> list[int]:
        async with app.router.lifespan_context(app):
            original = app.state.ledger.record

            def record(*args: Any, **options: Any) -> Any:
                both_inside.wait()
                return original(*args, **options)

            monkeypatch.setattr(app.state.ledger, "record", record)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://ledger") as client:
                answers = await asyncio.gather(*(client.post("/facts/AuthorityRegistered", headers=HEADERS,
                                                             content=authority()) for _ in range(2)))
        return [answer.status_code for answer in answers]

    assert asyncio.run(two_commands()) == [201, 201]
