"""The web workplace's pages against the ledger calls they wrap (issue 15), same run, SQLite.

The three services run as `make run` runs them (the demo scenario, the demo clerk; each its own
process, as the browser tests start them). Interleaved, `--rounds` times each:

- the cluster-year page, `GET /clusters/{cụm 4}/years/2019` on the web service, signed in, against
  the ledger calls it makes, one after the other with the clerk's token (the year, its record,
  its standings, its awards);
- the search page, `GET /search?q=cum 4`, against its catalogue searches (six kinds).

Target: each page's p50 and p95 at most 1.5x those of its calls. Run:

    .venv/bin/python bench/bench_web_pages.py [--rounds 200]
"""

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.web.conftest import start_stack  # the stack the browser tests run

console = Console(width=200)
TARGET = 1.5
KINDS = ["clusters", "units", "authorities", "people", "decrees", "award-kinds"]  # the search page's, in order


def signed_in_browser(web_url: str, name: str, password: str) -> httpx.Client:
    browser = httpx.Client(base_url=web_url, follow_redirects=False)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/sign-in").text)
    assert csrf, "no CSRF field on the sign-in page"
    answer = browser.post("/sign-in", data={"name": name, "password": password, "next": "/search",
                                            "csrf_token": csrf[1]})
    assert answer.status_code == 303, answer.text
    return browser


def timed(call: Callable[[], None]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def ok(response: httpx.Response) -> None:
    if response.status_code != 200:
        raise SystemExit(f"{response.request.url}: {response.status_code} {response.text[:300]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=200)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory(prefix="bench-web-") as home:
        stack = start_stack(Path(home) / "stack")
        try:
            name, password = stack.accounts["clerk"]
            browser = signed_in_browser(stack.web_url, name, password)
            token = httpx.post(stack.ledger_url + "/auth/token", json={"name": name, "password": password})
            api = httpx.Client(base_url=stack.ledger_url,
                               headers={"Authorization": f"Bearer {token.json()['access_token']}"})
            found = api.get("/catalogue/clusters", params={"q": "cum thi dua so 4"}).json()["entries"]
            cluster = next(c["id"] for c in found if c["name"] == "Cụm thi đua số 4")
            year = f"/clusters/{cluster}/years/2019"

            def year_calls() -> None:
                for path in (year, year + "/record", year + "/standings"):
                    ok(api.get(path))
                ok(api.get("/awards", params={"cluster_id": cluster, "year": 2019}))

            def search_calls() -> None:
                for kind in KINDS:
                    ok(api.get(f"/catalogue/{kind}", params={"q": "cum 4", "limit": 20}))

            runs: dict[str, Callable[[], None]] = {
                "cluster-year: ledger calls": year_calls,
                "cluster-year: page": lambda: ok(browser.get(year)),
                "search: ledger calls": search_calls,
                "search: page": lambda: ok(browser.get("/search", params={"q": "cum 4"})),
            }
            for run in runs.values():  # warm up: connections, caches, templates
                for _ in range(10):
                    run()
            samples: dict[str, list[float]] = {label: [] for label in runs}
            for _ in range(rounds):
                for label, run in runs.items():
                    samples[label].append(timed(run))
        finally:
            stack.stop()
    report(samples, rounds)


def report(samples: dict[str, list[float]], rounds: int) -> None:
    table = Table(title=f"web pages vs the ledger calls they wrap ({rounds} rounds each, interleaved, SQLite)")
    for column in ("", "p50 ms", "p95 ms", "p50 ratio", "p95 ratio", f"target ≤ {TARGET}x"):
        table.add_column(column)
    for page in ("cluster-year", "search"):
        calls, shown = samples[f"{page}: ledger calls"], samples[f"{page}: page"]
        base = (statistics.median(calls), statistics.quantiles(calls, n=20)[-1])
        own = (statistics.median(shown), statistics.quantiles(shown, n=20)[-1])
        table.add_row(f"{page}: ledger calls", f"{base[0]:.1f}", f"{base[1]:.1f}", "1.00", "1.00", "")
        ratios = (own[0] / base[0], own[1] / base[1])
        table.add_row(f"{page}: page", f"{own[0]:.1f}", f"{own[1]:.1f}", f"{ratios[0]:.2f}", f"{ratios[1]:.2f}",
                      "met" if max(ratios) <= TARGET else "NOT met")
    console.print(table)


if __name__ == "__main__":
    main()
