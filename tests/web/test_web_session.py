"""Signing in to the web workplace: the ledger issues, the web app keeps the token in an
encrypted cookie, every POST carries the session's CSRF token, failed sign-ins are counted under
the browser's address, and a backend's trouble is a page in Vietnamese, never a 500."""

import re
import secrets
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from thidua_web.app import create_app
from thidua_web.session import COOKIE, Session, SessionCodec
from thidua_web.settings import Settings

from tests.web.conftest import ROOT, Stack, free_port

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def browser_at(stack: Stack, address: str = "127.0.0.1") -> httpx.Client:
    """A client of the web app that connects from `address` (any 127.x.y.z reaches 127.0.0.1)."""
    return httpx.Client(base_url=stack.web_url, transport=httpx.HTTPTransport(local_address=address))


def csrf_of(client: httpx.Client | TestClient, path: str = "/sign-in") -> str:
    match = CSRF.search(client.get(path).text)
    assert match, "the page has no CSRF field"
    return match[1]


def sign_in(client: httpx.Client | TestClient, name: str, password: str) -> httpx.Response:
    return client.post("/sign-in", data={"name": name, "password": password, "next": "/search",
                                         "csrf_token": csrf_of(client)})


def test_a_post_without_this_sessions_csrf_token_is_refused(stack: Stack) -> None:
    name, password = stack.accounts["clerk"]
    with browser_at(stack) as browser, browser_at(stack) as other:
        csrf_of(browser)
        missing = browser.post("/sign-in", data={"name": name, "password": password})
        assert missing.status_code == 403 and "Phiên làm việc không khớp" in missing.text
        # The near miss: a real token, but another session's.
        foreign = browser.post("/sign-in", data={"name": name, "password": password, "csrf_token": csrf_of(other)})
        assert foreign.status_code == 403
        assert COOKIE not in foreign.cookies or "search" not in foreign.headers.get("location", "")
        assert sign_in(browser, name, password).status_code == 303  # and with its own, it signs in


def test_sign_out_needs_the_csrf_token_too(stack: Stack) -> None:
    name, password = stack.accounts["auditor"]
    with browser_at(stack) as browser:
        assert sign_in(browser, name, password).headers["location"] == "/search"
        token = csrf_of(browser, "/search")
        assert browser.post("/sign-out").status_code == 403  # a link on another site cannot sign anyone out
        assert browser.get("/search").status_code == 200
        assert browser.post("/sign-out", data={"csrf_token": token}).status_code == 303
        assert browser.get("/search").headers["location"].startswith("/sign-in")


def test_the_session_cookie_is_httponly_samesite_and_hides_the_token(stack: Stack) -> None:
    name, password = stack.accounts["clerk"]
    with browser_at(stack) as browser:
        answer = sign_in(browser, name, password)
        cookie = answer.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
        assert "Secure" not in cookie  # plain HTTP on 127.0.0.1; WEB_SECURE_COOKIES=1 behind TLS
        assert "eyJ" not in browser.cookies[COOKIE]  # a JWT's header is not readable in it
        # An altered cookie is no session at all.
        value = browser.cookies[COOKIE]
        browser.cookies.set(COOKIE, value[:-4] + ("AAAA" if not value.endswith("AAAA") else "BBBB"))
        assert browser.get("/search").headers["location"].startswith("/sign-in")


def test_secure_cookies_are_marked_secure(tmp_path: Path) -> None:
    settings = Settings(session_key="k" * 40, secure_cookies=True, ledger_url=f"http://127.0.0.1:{free_port()}")
    with TestClient(create_app(settings)) as client:
        assert "Secure" in client.get("/sign-in").headers["set-cookie"]


def test_a_wrong_password_is_refused_in_vietnamese_and_the_name_stays(stack: Stack) -> None:
    name, _ = stack.accounts["clerk"]
    with browser_at(stack, "127.0.9.1") as browser:
        answer = sign_in(browser, name, "không phải mật khẩu")
        assert answer.status_code == 401
        assert "Tên đăng nhập hoặc mật khẩu không đúng" in answer.text
        assert f'value="{name}"' in answer.text
        assert COOKIE not in answer.cookies or browser.get("/search").status_code == 303


def test_failed_sign_ins_count_under_the_browsers_address_not_the_web_apps(stack: Stack) -> None:
    name, password = stack.accounts["admin"]
    guesser = f"127.{secrets.randbelow(200) + 20}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"
    with browser_at(stack, guesser) as browser:
        for attempt in range(5):  # the ledger's MAX_FAILURES per address
            assert sign_in(browser, f"Người đoán {attempt}", "sai").status_code == 401
        held = sign_in(browser, name, password)
        assert held.status_code == 429 and "Đăng nhập sai quá nhiều lần" in held.text
    # The near miss: another browser behind the same web app signs in at once.
    with browser_at(stack, "127.0.8.1") as other:
        assert sign_in(other, name, password).status_code == 303


def test_a_refused_token_sends_the_person_back_to_sign_in(stack: Stack) -> None:
    codec = SessionCodec(stack.env["WEB_SESSION_KEY"].encode())
    forged = Session.anonymous().signed_in_as("not.a-token.at-all", "Thư ký", "clerk", 3600)
    with browser_at(stack) as browser:
        browser.cookies.set(COOKIE, codec.dumps(forged))
        answer = browser.get("/search?q=cum")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/sign-in?next=/search%3Fq%3Dcum"


def test_a_ledger_that_does_not_answer_gives_the_busy_page_not_a_500() -> None:
    settings = Settings(session_key="k" * 40, ledger_url=f"http://127.0.0.1:{free_port()}")
    with TestClient(create_app(settings)) as client:
        answer = sign_in(client, "Thư ký", "mật khẩu")
        assert answer.status_code == 503
        assert "Hệ thống đang bận" in answer.text and answer.headers["retry-after"]
        assert '<html lang="vi">' in answer.text


def test_every_page_forbids_scripts_from_elsewhere_and_serves_its_own_htmx(stack: Stack) -> None:
    with browser_at(stack) as browser:
        page = browser.get("/sign-in")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert re.search(r'<script src="/static/vendor/htmx.min.js"', page.text)
        assert "http" not in "".join(re.findall(r'(?:src|href)="([^"]+)"', page.text))
        served = browser.get("/static/vendor/htmx.min.js")
    locked = ROOT / "services/web/node_modules/htmx.org/dist/htmx.min.js"  # what package-lock.json pins
    assert served.status_code == 200 and served.content == locked.read_bytes()


@pytest.mark.parametrize("query", ["as_of=01/06/2017", "known_at=3", "known_at_time=2099-01-01T00:00"])
def test_links_keep_the_clocks_and_a_banner_names_them(stack: Stack, query: str) -> None:
    name, password = stack.accounts["auditor"]
    with browser_at(stack) as browser:
        sign_in(browser, name, password)
        page = browser.get(f"/authorities?{query}")
        assert page.status_code == 200
        assert "Đang xem sổ cái" in page.text
        key = query.split("=")[0]
        links = re.findall(r'href="(/authorities/[^"]+)"', page.text)
        assert links and all(f"{key}=" in link for link in links)


def test_the_clocks_reach_the_ledger(stack: Stack) -> None:
    name, password = stack.accounts["clerk"]
    with browser_at(stack) as browser:
        sign_in(browser, name, password)
        now = browser.get("/search?q=cum 4")
        assert "Cụm thi đua số 4" in now.text
        # At position 1 the ledger knew no cluster: the same search finds nothing.
        then = browser.get("/search?q=cum 4&known_at=1")
        assert "Cụm thi đua số 4" not in then.text and "Không tìm thấy kết quả" in then.text


def test_a_clock_that_is_not_a_date_is_a_400_page_naming_it(stack: Stack) -> None:
    name, password = stack.accounts["clerk"]
    with browser_at(stack) as browser:
        sign_in(browser, name, password)
        page = browser.get("/search?as_of=31/02/2019")
        assert page.status_code == 400 and "as_of" in page.text


@pytest.mark.parametrize("key", ["khóa-1", "a\x00b", "tab\there", "x" * 201])
def test_a_form_key_the_ledger_would_refuse_is_a_form_page_not_a_500(stack: Stack, key: str) -> None:
    """The form's hidden Idempotency-Key comes back from the browser: anything may be in it."""
    with browser_at(stack) as browser:
        assert sign_in(browser, *stack.accounts["clerk"]).status_code == 303
        token = csrf_of(browser, "/record/UnitRenamed")
        answer = browser.post("/record/UnitRenamed", data={"csrf_token": token, "_key": key,
                                                           "effective_date": "2016-01-01"})
        assert answer.status_code < 500, answer.text[:2000]
        assert 'name="_key"' in answer.text  # the form, with what was entered
