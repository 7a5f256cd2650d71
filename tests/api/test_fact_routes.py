"""The fast lane for fact commands (api.fact_routes) answers exactly as the plain routes do.

Each request goes to two apps on stores of their own with the same history: one as served,
one with the lane taken out, so FastAPI's route answers everything. The near misses are
the requests the lane must hand over; the plain ones are those it takes."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from thidua_events.facts import Role
from thidua_ledger.api.app import create_app
from thidua_ledger.api.fact_routes import FactRoutes
from thidua_ledger.settings import Settings

from tests.tokens import SIGNING_KEY_FILE, bearer

ADMIN = bearer(Role.ADMIN, "Quản trị hệ thống")
AUDITOR = bearer(Role.AUDITOR, "Lê Thị Thanh tra")
AUTHORITY = "6f1c1b9e-9a57-4c1e-8f6b-0d5f3f1e2a01"
UNIT = {"effective_date": "2016-01-01", "name": "Phòng Cảnh sát hình sự", "authority_id": AUTHORITY}


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, TestClient]]:
    def app(name: str, lane: bool) -> Any:
        path: Path = tmp_path_factory.mktemp(name) / "ledger.sqlite"
        served = create_app(Settings(store="sqlite", sqlite_path=path, signing_key_file=SIGNING_KEY_FILE))
        if not lane:
            served.router.routes[:] = [r for r in served.router.routes if not isinstance(r, FactRoutes)]
        return served

    with TestClient(app("lane", True)) as lane, TestClient(app("routed", False)) as routed:
        for client in (lane, routed):
            assert client.post("/facts/AuthorityRegistered", headers=ADMIN, json={
                "effective_date": "2015-01-01", "authority_id": AUTHORITY, "name": "Công an tỉnh Bắc Ninh",
                "symbol": "CABN", "place": "Bắc Ninh"}).status_code == 201
        yield lane, routed


def both(apps: tuple[TestClient, TestClient], path: str, headers: dict[str, str] | list[tuple[str, str]],
         content: bytes) -> tuple[Any, Any]:
    answers = []
    for client in apps:
        response = client.post(path, headers=headers, content=content)
        body = response.json() if response.content else None
        answers.append((response.status_code, body))
    return answers[0], answers[1]


JSON = {"Content-Type": "application/json"}
UNIT_BODY = ('{"effective_date": "2016-01-01", "name": "Phòng Cảnh sát kinh tế", '
             f'"authority_id": "{AUTHORITY}"}}').encode()
NEAR_MISSES = {
    "no token": ({**JSON}, UNIT_BODY),
    "not a bearer token": ({**JSON, "Authorization": "Basic dXNlcjpwYXNz"}, UNIT_BODY),
    "a forged token": ({**JSON, "Authorization": "Bearer abc.def.ghi"}, UNIT_BODY),
    "an auditor's token (reads only)": ({**JSON, **AUDITOR}, UNIT_BODY),
    "no content type": ({**ADMIN}, UNIT_BODY),
    "text, not JSON": ({**ADMIN, "Content-Type": "text/plain"}, UNIT_BODY),
    "not JSON": ({**ADMIN, **JSON}, b'{"effective_date": '),
    "an empty body": ({**ADMIN, **JSON}, b""),
    "a list, not an object": ({**ADMIN, **JSON}, b"[]"),
    "a field missing": ({**ADMIN, **JSON}, b'{"effective_date": "2016-01-01"}'),
    "an empty Idempotency-Key": ({**ADMIN, **JSON, "Idempotency-Key": ""}, UNIT_BODY),
    "an Idempotency-Key one too long": ({**ADMIN, **JSON, "Idempotency-Key": "k" * 201}, UNIT_BODY),
    "a forged token and a bad body": ({**JSON, "Authorization": "Bearer abc.def.ghi"}, b"{"),
}


@pytest.mark.parametrize("case", NEAR_MISSES)
def test_a_request_the_lane_hands_over_is_answered_as_the_route_answers_it(
        apps: tuple[TestClient, TestClient], case: str) -> None:
    headers, content = NEAR_MISSES[case]
    lane, routed = both(apps, "/facts/UnitRegistered", headers, content)
    assert lane == routed
    assert lane[0] != 201


def test_two_idempotency_keys_are_answered_as_the_route_answers_them(apps: tuple[TestClient, TestClient]) -> None:
    headers = [*ADMIN.items(), *JSON.items(), ("Idempotency-Key", "first"), ("Idempotency-Key", "second")]
    lane, routed = both(apps, "/facts/UnitRegistered", headers, UNIT_BODY.replace(b"kinh", b"ma"))
    assert lane[0] == routed[0]
    assert set(lane[1]) == set(routed[1])


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8"])
def test_a_plain_command_taken_by_the_lane_gets_the_route_s_receipt(
        apps: tuple[TestClient, TestClient], content_type: str) -> None:
    body = UNIT_BODY.replace(b"kinh t\xe1\xba\xbf", content_type[-5:].encode())
    lane, routed = both(apps, "/facts/UnitRegistered", {**ADMIN, "Content-Type": content_type,
                                                         "Idempotency-Key": f"lane-{content_type}"}, body)
    assert lane[0] == routed[0] == 201
    assert set(lane[1]) == set(routed[1]) == {"entity_id", "version", "position", "ids"}
    assert (lane[1]["version"], lane[1]["position"]) == (routed[1]["version"], routed[1]["position"])


def test_a_rule_broken_in_the_lane_is_refused_as_on_the_route(apps: tuple[TestClient, TestClient]) -> None:
    registered = ('{"effective_date": "2016-01-01", "authority_id": "' + AUTHORITY + '", '
                  '"name": "Công an tỉnh Bắc Ninh", "symbol": "CABN", "place": "Bắc Ninh"}').encode()
    lane, routed = both(apps, "/facts/AuthorityRegistered", {**ADMIN, **JSON}, registered)
    assert lane == routed
    assert lane[0] == 409


TOKEN = ADMIN["Authorization"].removeprefix("Bearer ")
# How a header may be written that the lane reads itself (one pass over the raw headers), not
# through Starlette's Headers and FastAPI's HTTPBearer: it must read each as they do.
HEADERS_AS_FASTAPI_READS_THEM = {
    "the scheme in lower case": [("Authorization", f"bearer {TOKEN}"), *JSON.items()],
    "spaces around the token": [("Authorization", f"Bearer   {TOKEN}  "), *JSON.items()],
    "a scheme and no token": [("Authorization", "Bearer "), *JSON.items()],
    "a token and no scheme": [("Authorization", TOKEN), *JSON.items()],
    "a good token, then a forged one": [*ADMIN.items(), ("Authorization", "Bearer abc.def.ghi"), *JSON.items()],
    "a forged token, then a good one": [("Authorization", "Bearer abc.def.ghi"), *ADMIN.items(), *JSON.items()],
    "JSON, then text": [*ADMIN.items(), *JSON.items(), ("Content-Type", "text/plain")],
    "text, then JSON": [*ADMIN.items(), ("Content-Type", "text/plain"), *JSON.items()],
    "JSON in capitals, with spaces": [*ADMIN.items(), ("Content-Type", " Application/JSON ; charset=utf-8")],
}


@pytest.mark.parametrize("case", HEADERS_AS_FASTAPI_READS_THEM)
def test_the_lane_reads_each_header_as_fastapi_reads_it(apps: tuple[TestClient, TestClient], case: str) -> None:
    body = UNIT_BODY.replace(b"kinh t\xe1\xba\xbf", case.encode())
    lane, routed = both(apps, "/facts/UnitRegistered", HEADERS_AS_FASTAPI_READS_THEM[case], body)
    assert lane[0] == routed[0]
    assert lane[1] == routed[1] if lane[0] != 201 else set(lane[1]) == set(routed[1])
