"""Helpers for the browser tests of the record and correction forms: fill a form by its
Vietnamese labels, record, and set a year up quickly through the ledger's API (for tests
whose subject is a later step)."""

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from playwright.sync_api import Locator, Page, expect

from tests.web.conftest import Stack

CATP = "Công an thành phố Hà Nội"


def field(page: Page, label: str) -> Locator:
    """The control labelled exactly so (a required one's label ends with its mark, " *"), or with that #id."""
    if label.startswith("#"):
        return page.locator(label)
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def fill(page: Page, values: dict[str, str | list[str]]) -> None:
    """Each value into the control labelled so, or with that #id; a list picks several."""
    for label, value in values.items():
        control = field(page, label)
        tag = control.evaluate("e => e.tagName")
        if tag == "SELECT":
            control.select_option(label=value)
        elif control.get_attribute("type") == "checkbox":
            control.set_checked(bool(value))
        else:
            control.fill(str(value))


def record(page: Page, values: dict[str, str | list[str]]) -> dict[str, str]:
    """Fill the open form, record it, and return the receipt's query (entity_id, the new ids)."""
    fill(page, values)
    page.get_by_role("button", name="Ghi nhận", exact=True).click()
    expect(page.locator("#recorded")).to_be_visible()
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def open_form(page: Page, stack: Stack, type_name: str, **prefill: str) -> None:
    query = "&".join(f"{k}={v}" for k, v in prefill.items())
    page.goto(f"{stack.web_url}/record/{type_name}" + (f"?{query}" if query else ""))
    expect(page.get_by_role("heading", level=1)).to_be_visible()


class LedgerApi:
    """The demo clerk on the ledger's API, for setting up what a test does not look at."""

    def __init__(self, stack: Stack) -> None:
        name, password = stack.accounts["clerk"]
        self.http = httpx.Client(base_url=stack.ledger_url, timeout=30)
        token = self.http.post("/auth/token", json={"name": name, "password": password}).json()["access_token"]
        self.http.headers["Authorization"] = f"Bearer {token}"
        authorities = self.http.get("/catalogue/authorities", params={"q": "Công an thành phố"}).json()["entries"]
        self.catp = next(a["id"] for a in authorities if a["name"] == CATP)

    def record(self, type_name: str, **body: Any) -> dict[str, Any]:
        answer = self.http.post(f"/facts/{type_name}", json=body)
        assert answer.status_code == 201, answer.text
        receipt: dict[str, Any] = answer.json()
        return receipt

    def year_with_units(self, cluster: str, year: int, units: list[str], max_points: int = 100) -> dict[str, Any]:
        """A cluster of new CATP units, its year opened with one criterion ("1") adopted."""
        day = f"{year}-01-02"
        ids = {name: self.record("UnitRegistered", effective_date=f"{year}-01-01", name=name,
                                 authority_id=self.catp)["ids"]["unit_id"] for name in units}
        cluster_id = self.record("ClusterFormed", effective_date=f"{year}-01-01", name=cluster,
                                 authority_id=self.catp)["ids"]["cluster_id"]
        for unit_id in ids.values():
            self.record("UnitJoined", effective_date=day, cluster_id=cluster_id, unit_id=unit_id)
        self.record("YearOpened", effective_date=day, cluster_id=cluster_id, year=year)
        self.record("CriteriaAdopted", effective_date=day, cluster_id=cluster_id, year=year,
                    criteria=[{"code": "1", "title": "Công tác chuyên môn", "max_points": str(max_points)}])
        return {"cluster_id": cluster_id, "units": ids, "year": year}

    def score(self, setup: dict[str, Any], unit: str, points: str, *, day: str = "") -> dict[str, Any]:
        return self.record("ScoreRecorded", effective_date=day or f"{setup['year']}-06-30",
                           cluster_id=setup["cluster_id"], year=setup["year"], unit_id=setup["units"][unit],
                           criterion_code="1", points=points, kind="self")


def standings_order(page: Page) -> list[str]:
    return [re.sub(r"\s+", " ", text).strip()
            for text in page.locator("section[aria-labelledby=standings] tbody tr td:nth-child(2)").all_inner_texts()]
