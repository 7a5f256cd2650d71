"""The three services as they run for a person, and a real browser driving the web workplace.

`stack` (once per session): a ledger on SQLite with the articles' demo scenario and make run's
demo accounts, the documents service and the web workplace, each its own process (`ledger serve`,
`documents serve`, `web serve`) on a free port. It is shared: a test that records facts uses
`fresh_stack` (its own ledger, same shape) or records nothing the others read.

`page`: a Chromium page (Debian's, headless) of its own context; its last page is saved as
var/test-artifacts/screenshots/<test>.png. `signed_in(role)` signs the page in as the demo
clerk, auditor or admin through the sign-in form.
"""

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.services import unavailable

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SCREENSHOTS = ROOT / "var" / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("THIDUA_CHROMIUM", "/usr/bin/chromium")
CLERK = "Thư ký Cụm thi đua"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"no answer from {url} in {seconds} s:\n{log.read_text()[-3000:]}")


@dataclass
class Stack:
    """Running services: their addresses, the demo accounts' passwords, the processes."""

    home: Path
    ledger_url: str = ""
    documents_url: str = ""
    web_url: str = ""
    accounts: dict[str, tuple[str, str]] = field(default_factory=dict)  # role -> (name, password)
    env: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, name: str, args: list[str], env: dict[str, str], health: str) -> None:
        log = self.home / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen([str(BIN / args[0]), *args[1:]], env=env, stdout=out,
                                       stderr=subprocess.STDOUT, cwd=self.home)
        self.processes.append(process)
        wait_until_up(health, process, log)

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def start_stack(home: Path, *, trusted_proxies: str = "127.0.0.1", documents_env: dict[str, str] | None = None
                ) -> Stack:
    """make run's three services on SQLite under `home`, with the demo scenario and accounts;
    `documents_env` adds to the documents service's environment (e.g. DOCUMENTS_BODY_KEYS_DIR)."""
    home.mkdir(parents=True, exist_ok=True)
    stack = Stack(home)
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LEDGER_", "DOCUMENTS_", "WEB_", "THIDUA_"))}
    key = home / "signing.key"
    subprocess.run([str(BIN / "ledger"), "keys", "new", str(key)], check=True, capture_output=True, env=base)
    ledger_env = {**base, "THIDUA_SIGNING_KEY_FILE": str(key), "LEDGER_STORE": "sqlite",
                  "LEDGER_SQLITE_PATH": str(home / "ledger.sqlite"), "LEDGER_TRUSTED_PROXIES": trusted_proxies}
    loaded = subprocess.run([str(BIN / "ledger"), "load-demo", "--clerk", CLERK, "--accounts", str(home / "accounts")],
                            check=True, capture_output=True, text=True, env=ledger_env)
    for line in loaded.stdout.splitlines():
        if match := re.match(r"demo account\s+(\w+)\s+(.+?)\s+password: (\S+)$", line):
            stack.accounts[match[1]] = (match[2], match[3])
    ledger_port, documents_port, web_port = free_port(), free_port(), free_port()
    stack.ledger_url = f"http://127.0.0.1:{ledger_port}"
    stack.documents_url = f"http://127.0.0.1:{documents_port}"
    stack.web_url = f"http://127.0.0.1:{web_port}"
    try:
        stack.start("ledger", ["ledger", "serve", "--port", str(ledger_port)], ledger_env, stack.ledger_url + "/health")
        token = subprocess.run([str(BIN / "ledger"), "token", "--actor", "Dịch vụ văn bản", "--role", "subscriber"],
                               check=True, capture_output=True, text=True, env=ledger_env).stdout.strip()
        documents_env = {**base, "DOCUMENTS_STORE": "sqlite", "DOCUMENTS_SQLITE_PATH": str(home / "documents.sqlite"),
                         "DOCUMENTS_LEDGER_URL": stack.ledger_url, "DOCUMENTS_LEDGER_TOKEN": token,
                         "THIDUA_TOKEN_JWKS": stack.ledger_url + "/.well-known/jwks.json", **(documents_env or {})}
        stack.start("documents", ["documents", "serve", "--port", str(documents_port)], documents_env,
                    stack.documents_url + "/health")
        stack.env = {**base, "WEB_LEDGER_URL": stack.ledger_url, "WEB_DOCUMENTS_URL": stack.documents_url,
                     "WEB_SESSION_KEY": secrets.token_urlsafe(32)}
        stack.start("web", ["web", "serve", "--port", str(web_port)], stack.env, stack.web_url + "/sign-in")
    except BaseException:
        stack.stop()
        raise
    return stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("stack"))
    yield running
    running.stop()


@pytest.fixture
def fresh_stack(tmp_path: Path) -> Iterator[Stack]:
    """A stack of this test's own, for a test that records facts."""
    running = start_stack(tmp_path / "stack")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists():
        unavailable("Chromium", f"{CHROMIUM} is not installed (make install installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    try:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    finally:
        context.close()


def sign_in(page, stack: Stack, role: str) -> None:  # type: ignore[no-untyped-def]
    """Sign `page` in through the form as the demo account of `role` (clerk, auditor, admin)."""
    name, password = stack.accounts[role]
    page.goto(stack.web_url + "/sign-in")
    page.get_by_label("Tên đăng nhập").fill(name)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r".*/search$"))


@pytest.fixture
def signed_in(page, stack: Stack) -> Callable[[str], object]:  # type: ignore[no-untyped-def]
    """`signed_in("clerk")` → the page, signed in as that demo account, on the search page."""

    def as_role(role: str) -> object:
        sign_in(page, stack, role)
        return page

    return as_role


# The documents journeys' world (a stack with signing keys, one proposal), shared by their modules.
from tests.web.docs_world import docs_stack_fixture, world_fixture  # noqa: E402, F401
