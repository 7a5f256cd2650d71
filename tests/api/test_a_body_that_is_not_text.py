"""A body that is not UTF-8, sent as anything but JSON, is refused as FastAPI refuses any
body that is not JSON (422, naming the body), never a 500: the refusal echoes the body it
refuses, and those bytes could not be written as JSON text."""

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import ADMIN, AUDITOR

NOT_TEXT = b"\xff\xfe\x00binary"
CONTENT_TYPES = [None, "text/plain", "application/octet-stream", "application/x-www-form-urlencoded"]


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
@pytest.mark.parametrize(("path", "headers"), [("/facts/UnitRegistered", ADMIN), ("/audit/digest/check", AUDITOR)])
def test_a_body_that_is_not_utf8_is_refused_naming_the_body_not_a_500(
        client: TestClient, content_type: str | None, path: str, headers: dict[str, str]) -> None:
    sent = {**headers, **({"Content-Type": content_type} if content_type else {})}
    response = client.post(path, headers=sent, content=NOT_TEXT)
    assert response.status_code == 422, (response.status_code, response.text)
    assert response.json()["detail"][0]["loc"][0] == "body"
