"""A request body has a ceiling (body-within-size-limit): above it the ledger answers 413 naming
the rule, before reading a declared body and as soon as a chunked one passes it, and nothing is
recorded. A body of exactly the limit is read and recorded as ever."""

import json
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from thidua_ledger.api.app import create_app
from thidua_ledger.settings import Settings

from tests.api.conftest import ADMIN, AUDITOR

LIMIT = 4096


@pytest.fixture
def small(ledger_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(ledger_settings.model_copy(update={"max_body_bytes": LIMIT}))) as test_client:
        yield test_client


def authority(size: int) -> bytes:
    """An AuthorityRegistered body of exactly `size` bytes (JSON padded with spaces)."""
    body = json.dumps({"effective_date": "2015-01-01", "authority_id": str(uuid4()),
                       "name": "Công an thành phố Hà Nội", "symbol": "CATP"}).encode()
    return body + b" " * (size - len(body))


def head(client: TestClient) -> Any:
    return client.get("/log?limit=1", headers=AUDITOR).json()["head"]


def chunks(body: bytes, size: int = 1000) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start:start + size]


def refused(response: Any, limit: int = LIMIT) -> bool:
    return response.status_code == 413 and response.json()["rule"] == "body-within-size-limit" \
        and str(limit) in response.json()["detail"]


def test_the_default_limit_is_one_mib() -> None:
    assert Settings().max_body_bytes == 1024 * 1024


def test_a_declared_length_over_the_limit_is_refused_and_nothing_is_recorded(small: TestClient) -> None:
    before = head(small)
    response = small.post("/facts/AuthorityRegistered", content=authority(LIMIT + 1),
                          headers={**ADMIN, "Content-Type": "application/json"})
    assert refused(response)
    assert head(small) == before


def test_a_chunked_body_over_the_limit_is_refused_and_nothing_is_recorded(small: TestClient) -> None:
    before = head(small)
    response = small.post("/facts/AuthorityRegistered", content=chunks(authority(LIMIT + 1)),
                          headers={**ADMIN, "Content-Type": "application/json"})
    assert "content-length" not in response.request.headers  # the near miss: no length declared
    assert refused(response)
    assert head(small) == before


def test_a_chunked_body_over_the_limit_is_refused_on_the_slow_lane_too(small: TestClient) -> None:
    # A charset in the content type sends the fact past the fast lane, to FastAPI's own reading.
    response = small.post("/facts/AuthorityRegistered", content=chunks(authority(LIMIT * 3)),
                          headers={**ADMIN, "Content-Type": "application/json; charset=utf-8"})
    assert refused(response)


def test_a_body_of_exactly_the_limit_is_recorded(small: TestClient) -> None:
    declared = small.post("/facts/AuthorityRegistered", content=authority(LIMIT),
                          headers={**ADMIN, "Content-Type": "application/json"})
    streamed = small.post("/facts/AuthorityRegistered", content=chunks(authority(LIMIT)),
                          headers={**ADMIN, "Content-Type": "application/json"})
    assert (declared.status_code, streamed.status_code) == (201, 201)


def proposal(size: int) -> bytes:
    """An AwardProposed body of exactly `size` bytes (JSON padded with spaces)."""
    body = json.dumps({"effective_date": "2019-12-01", "authority_id": str(uuid4()), "award_kind": "Bằng khen",
                       "year": 2019, "recipients": [{"kind": "collective", "unit_id": str(uuid4())}]}).encode()
    return body + b" " * (size - len(body))


@pytest.mark.parametrize("fact", ["AwardProposed", "AwardConferred", "AwardRevoked"])
def test_a_fact_that_lists_recipients_has_the_award_limit(ledger_settings: Settings, fact: str) -> None:
    # A proposal sheet of 5000 rows, each with a sentence of achievement, is over 1 MiB of JSON.
    settings = ledger_settings.model_copy(update={"max_body_bytes": LIMIT, "max_award_body_bytes": 3 * LIMIT})
    with TestClient(create_app(settings)) as client:
        read = client.post(f"/facts/{fact}", content=chunks(proposal(3 * LIMIT)),
                           headers={**ADMIN, "Content-Type": "application/json"})
        assert read.status_code != 413  # read, then judged by the rules
        assert refused(client.post(f"/facts/{fact}", content=chunks(proposal(3 * LIMIT + 1)),
                                   headers={**ADMIN, "Content-Type": "application/json"}), 3 * LIMIT)


def test_the_award_limit_is_sixteen_mib_by_default() -> None:
    assert Settings().max_award_body_bytes == 16 * 1024 * 1024
