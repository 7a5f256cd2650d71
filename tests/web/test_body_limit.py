"""A clerk's form has a ceiling too (body-within-size-limit): above it the web app answers 413
with a page in Vietnamese naming the rule, before reading a declared body and once a chunked
one passes the limit. The routes that take a file (a proposals sheet, an audit digest) have
their own, larger limit. No backend is needed: nothing past the limit reaches one."""

import re
from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest
from fastapi.testclient import TestClient
from thidua_events import body_limit
from thidua_web import clients, errors
from thidua_web.app import create_app
from thidua_web.settings import Settings

from tests.web.conftest import free_port

LIMIT = 4096
UPLOAD_LIMIT = 3 * LIMIT
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def web() -> Iterator[TestClient]:
    settings = Settings(session_key="k" * 40, ledger_url=f"http://127.0.0.1:{free_port()}",
                        documents_url=f"http://127.0.0.1:{free_port()}",
                        max_body_bytes=LIMIT, max_upload_bytes=UPLOAD_LIMIT)
    with TestClient(create_app(settings)) as client:
        yield client


def sign_in_form(client: TestClient, size: int) -> bytes:
    """The sign-in form with this session's CSRF token, padded to exactly `size` bytes."""
    match = CSRF.search(client.get("/sign-in").text)
    assert match
    body = urlencode({"name": "Trần Văn Thư ký", "password": "x", "next": "/search", "csrf_token": match[1],
                      "note": ""}).encode()
    return body + b"x" * (size - len(body))


def chunks(body: bytes, size: int = 1000) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start:start + size]


def refused_in_vietnamese(response: object) -> bool:
    text: str = response.text  # type: ignore[attr-defined]
    return response.status_code == 413 and "Dữ liệu gửi lên quá lớn" in text \
        and "body-within-size-limit" in text and "<html" in text  # type: ignore[attr-defined]


def test_the_page_names_the_limit_as_a_clerk_reads_it(web: TestClient) -> None:
    response = web.post("/sign-in", content=sign_in_form(web, LIMIT + 1), headers=FORM)
    assert refused_in_vietnamese(response)
    assert "Giới hạn của biểu mẫu này: 4 KB." in response.text  # not "0 MB"
    assert [errors.size_vi(n) for n in (1024 * 1024, 6 * 1024 * 1024, 1536 * 1024, 512)] == [
        "1 MB", "6 MB", "1,5 MB", "0,5 KB"]


def test_the_default_limits() -> None:
    settings = Settings(session_key="k" * 40)
    assert (settings.max_body_bytes, settings.max_upload_bytes) == (1024 * 1024, 6 * 1024 * 1024)


def test_a_form_with_a_declared_length_over_the_limit_gets_a_vietnamese_page(web: TestClient) -> None:
    assert refused_in_vietnamese(web.post("/sign-in", content=sign_in_form(web, LIMIT + 1), headers=FORM))


def test_a_chunked_form_over_the_limit_gets_a_vietnamese_page(web: TestClient) -> None:
    response = web.post("/sign-in", content=chunks(sign_in_form(web, LIMIT + 1)), headers=FORM)
    assert "content-length" not in response.request.headers
    assert refused_in_vietnamese(response)


def test_a_form_of_exactly_the_limit_is_read(web: TestClient) -> None:
    # Read and checked (its CSRF token is this session's): the sign-in then finds no ledger.
    response = web.post("/sign-in", content=chunks(sign_in_form(web, LIMIT)), headers=FORM)
    assert response.status_code == 503 and "Hệ thống đang bận" in response.text


def multipart(client: TestClient, size: int) -> tuple[bytes, dict[str, str]]:
    match = CSRF.search(client.get("/sign-in").text)
    assert match
    boundary = "thidua-boundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{match[1]}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"sheet\"; filename=\"de-nghi.xlsx\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return head + b"x" * (size - len(head) - len(tail)) + tail, {
        "Content-Type": f"multipart/form-data; boundary={boundary}"}


def test_an_upload_route_takes_a_file_above_the_form_limit_up_to_its_own(web: TestClient) -> None:
    body, headers = multipart(web, UPLOAD_LIMIT)
    response = web.post("/proposals/import", content=body, headers=headers, follow_redirects=False)
    assert response.status_code == 303 and "/sign-in" in response.headers["location"]  # read, then: sign in
    body, headers = multipart(web, UPLOAD_LIMIT + 1)
    assert refused_in_vietnamese(web.post("/proposals/import", content=chunks(body), headers=headers))


def test_a_backends_refusal_of_a_body_too_large_is_a_vietnamese_page(web: TestClient) -> None:
    # What the ledger answers to a body above its limit (a batch the web app forwards, say).
    answer = httpx.Response(413, content=body_limit.refusal(1024 * 1024, "stored"),
                            headers={"Content-Type": "application/json"})

    def forward() -> None:
        raise clients._refusal("ledger", answer)

    web.app.add_api_route("/test-forwarded-413", forward)  # type: ignore[attr-defined]
    response = web.get("/test-forwarded-413")
    assert refused_in_vietnamese(response)
    assert "Yêu cầu không thực hiện được" not in response.text  # the near miss: the generic page
