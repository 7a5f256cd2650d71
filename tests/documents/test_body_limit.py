"""A request body has a ceiling on the documents service too (body-within-size-limit): 413
naming the rule before a declared body is read and once a chunked one passes it; nothing is
registered. A body of exactly the limit is read as ever."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from thidua_documents.settings import Settings

from tests.documents.conftest import Docs, open_docs

LIMIT = 4096
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def small(docs_settings: Settings, ledger: TestClient) -> Iterator[Docs]:
    yield from open_docs(docs_settings.model_copy(update={"max_body_bytes": LIMIT}), ledger)


def law(number: str, size: int) -> bytes:
    """A legal instrument's body of exactly `size` bytes (JSON padded with spaces)."""
    body = json.dumps({"title": "Luật Thi đua, khen thưởng", "number": number, "issued_on": "2003-11-26",
                       "in_force_from": "2004-07-01"}).encode()
    return body + b" " * (size - len(body))


def chunks(body: bytes, size: int = 1000) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start:start + size]


def instruments(docs: Docs) -> Any:
    return docs.client.get("/documents/legal-instruments").json()


def refused(response: Any) -> bool:
    return response.status_code == 413 and response.json()["rule"] == "body-within-size-limit"


def test_the_default_limit_is_one_mib() -> None:
    assert Settings().max_body_bytes == 1024 * 1024


def test_a_declared_length_over_the_limit_is_refused_and_nothing_is_registered(small: Docs) -> None:
    before = instruments(small)
    assert refused(small.client.post("/documents/legal-instruments", content=law("1/2003/QH11", LIMIT + 1),
                                     headers=JSON))
    assert instruments(small) == before


def test_a_chunked_body_over_the_limit_is_refused_and_nothing_is_registered(small: Docs) -> None:
    before = instruments(small)
    response = small.client.post("/documents/legal-instruments", content=chunks(law("2/2003/QH11", LIMIT + 1)),
                                 headers=JSON)
    assert "content-length" not in response.request.headers
    assert refused(response)
    assert instruments(small) == before


def test_a_body_of_exactly_the_limit_is_registered(small: Docs) -> None:
    response = small.client.post("/documents/legal-instruments", content=chunks(law("3/2003/QH11", LIMIT)),
                                 headers=JSON)
    assert response.status_code == 201, response.text
