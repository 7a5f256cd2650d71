"""Accessibility of the main pages, in a real browser: axe-core (npm, the lockfile's; injected by
the test, never served to people) finds no violation of serious or critical impact at 1280 px and
at a 390 px phone; every input has a label; and a keyboard alone (Tab and Enter) signs in,
searches and opens a cluster-year."""

import importlib.util
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import ROOT, SCREENSHOTS, Stack, sign_in

AXE = ROOT / "services" / "web" / "node_modules" / "axe-core" / "axe.min.js"
CLUSTER_4 = "Cụm thi đua số 4"
WIDTHS = {"desktop": 1280, "phone": 390}


def cluster_4_id(page: Page, stack: Stack) -> str:
    page.goto(stack.web_url + "/search?q=cum+thi+dua+so+4")
    href = page.get_by_role("link", name=CLUSTER_4, exact=True).get_attribute("href") or ""
    return href.split("/")[2]


def main_pages(page: Page, stack: Stack) -> dict[str, str]:
    """The pages a clerk and an admin use, by name, as paths (read once, as the admin)."""
    cluster = cluster_4_id(page, stack)
    page.goto(stack.web_url + "/authorities")
    authority = (page.get_by_role("link", name="Công an thành phố Hà Nội").first.get_attribute("href") or "")
    page.goto(stack.web_url + authority)
    unit = page.locator("a[href^='/units/']").first.get_attribute("href") or ""
    pages = {"search": "/search?q=cum 4", "authorities": "/authorities", "authority": authority,
             "cluster": f"/clusters/{cluster}", "cluster-year": f"/clusters/{cluster}/years/2019",
             "unit": unit, "accounts": "/admin/accounts", "not-found": "/clusters/not-a-cluster"}
    if importlib.util.find_spec("thidua_web.pages.record"):  # the record forms, once merged
        pages["record"] = f"/record?cluster_id={cluster}&year=2019"
        pages["record-score"] = f"/record/ScoreRecorded?cluster_id={cluster}&year=2019"
    return pages


@pytest.fixture(scope="module")
def admin_page(browser: Browser, stack: Stack) -> Iterator[Callable[[int], Page]]:
    """A page signed in as the admin at a given width; the page's CSP is bypassed only so the test
    can inject axe-core (the app itself serves no such script)."""
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: make install runs npm ci for the web assets")
    contexts: list[Any] = []

    def at(width: int) -> Page:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN", bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, stack, "admin")
        return page

    yield at
    for context in contexts:
        context.close()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def unlabelled_inputs(page: Page) -> list[str]:
    """Every visible input, select and textarea has a name a screen reader reads (its label)."""
    return page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
        .filter(el => el.type !== 'hidden')
        .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                      && !el.getAttribute('aria-labelledby'))
        .map(el => el.outerHTML.slice(0, 120))""")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_main_pages_have_no_serious_accessibility_violations(
        admin_page: Callable[[int], Page], stack: Stack, width: str) -> None:
    page = admin_page(WIDTHS[width])
    found: dict[str, Any] = {}
    for name, path in main_pages(page, stack).items():
        page.goto(stack.web_url + path)
        if violations := axe_violations(page):
            found[name] = violations
        if unlabelled := unlabelled_inputs(page):
            found[f"{name} (inputs without a label)"] = unlabelled
        # Nothing is cut off at the phone's width: the page does not scroll sideways.
        wider = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if wider > 0:
            found[f"{name} (wider than the screen by {wider} px)"] = []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"accessibility_{width}_{name}.png"), full_page=True)
    assert found == {}


def test_the_sign_in_page_has_no_serious_accessibility_violations(browser: Browser, stack: Stack) -> None:
    for width in WIDTHS.values():
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN", bypass_csp=True)
        page = context.new_page()
        page.goto(stack.web_url + "/sign-in")
        assert axe_violations(page) == [] and unlabelled_inputs(page) == []
        context.close()


def tab_to(page: Page, pattern: str, limit: int = 80) -> None:
    """Press Tab until the focused element's text or label matches `pattern` (as a person would)."""
    wanted = re.compile(pattern)
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => { const el = document.activeElement; "
                                "return (el.innerText || el.value || el.getAttribute('aria-label') || '').trim() }")
        if wanted.fullmatch(focused):
            return
    raise AssertionError(f"Tab never reached {pattern!r}")


def test_a_keyboard_alone_signs_in_searches_and_opens_a_cluster_year(page: Page, stack: Stack) -> None:
    name, password = stack.accounts["clerk"]
    page.goto(stack.web_url + "/sign-in")
    expect(page.get_by_label("Tên đăng nhập")).to_be_focused()  # the form is where the keyboard starts
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Mật khẩu")).to_be_focused()
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/search$"))
    expect(page.get_by_role("searchbox")).to_be_focused()
    page.keyboard.type("cum 4")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/search\?q=cum"))
    tab_to(page, CLUSTER_4)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(CLUSTER_4)
    tab_to(page, "Năm 2019")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{CLUSTER_4}: năm 2019")
    # The skip link is the first stop and takes the keyboard to the content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Bỏ qua, đến nội dung chính")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_the_checks_find_what_they_look_for(browser: Browser) -> None:
    """The near miss: an input without a label and grey-on-grey text are found, so silence means clean."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_content('<html lang="vi"><title>x</title><main><input name="q">'
                     '<p style="color:#aaa;background:#bbb">chữ mờ</p></main></html>')
    assert {v["id"] for v in axe_violations(page)} >= {"label", "color-contrast"}
    assert len(unlabelled_inputs(page)) == 1
    context.close()
