#!/usr/bin/env python
"""Many writers on PostgreSQL through the API: 8 clients on 8 clusters against 1 client, same run.

One uvicorn (`--server-workers` processes) serves a fresh PostgreSQL schema. Set-up (untimed,
as an admin): an authority, a grant for the clerk, nine clusters of ten joined units, each
with 2019 and 2020 opened, its pledge adopted and criteria adopted. Then, as the clerk:

  1 client    one client process records `--per-client` scores on cluster 0's 2019;
  8 clients   `--clients` processes at once, each recording `--per-client` scores on a
              cluster of its own (1..8), 2019;
  1 client    again, on cluster 0's 2020 (the two single runs bracket the parallel one).

Each client is a process of its own (not a thread) with one keep-alive connection, sending
one request at a time. Throughput = commands / wall time from the common start to the last
answer. Afterwards: every year holds exactly the scores its client was told were recorded
(0 lost updates), and the hash chain verifies. Target: 8 clients ≥ 1.5x one client.

    set -a; . var/postgres/postgres.env; set +a
    .venv/bin/python bench/bench_writers.py [--per-client 150] [--clients 8] [--server-workers 2]
"""

import argparse
import json
import multiprocessing
import os
import sys
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from typing import Any

import httpx
from bench_ledger_api import (
    ACTOR,
    CRITERIA,
    LEAVES,
    SERVER_FLAGS,
    SIGNING_KEY,
    SOURCE_REF,
    fresh_store,
    uvicorn_server,
)
from rich.console import Console
from rich.table import Table
from thidua_events.facts import Role
from thidua_events.tokens import DEFAULT_ISSUER, issue_token
from thidua_ledger.application import Ledger
from thidua_ledger.audit import fast_verify
from thidua_ledger.domain.year import EmulationYear, year_id

TARGET = 1.5
UNITS = 10
console = Console(width=max(Console().width, 120))


def setup_requests(clusters: int) -> tuple[list[tuple[str, dict[str, Any]]], list[tuple[str, list[str]]]]:
    authority = str(uuid.uuid4())
    requests: list[tuple[str, dict[str, Any]]] = [
        ("AuthorityRegistered", {"effective_date": "2015-01-01", "authority_id": authority,
                                 "name": "Công an thành phố Hà Nội", "symbol": "CATP", "place": "Hà Nội"}),
        ("ScopeGranted", {"effective_date": "2015-01-01", "account": ACTOR, "authority_id": authority})]
    made = []
    for number in range(clusters):
        cluster, units = str(uuid.uuid4()), [str(uuid.uuid4()) for _ in range(UNITS)]
        requests.append(("ClusterFormed", {"effective_date": "2015-01-01", "cluster_id": cluster,
                                           "name": f"Cụm thi đua số {number + 1}", "authority_id": authority}))
        for n, unit in enumerate(units):
            requests.append(("UnitRegistered", {"effective_date": "2015-01-01", "unit_id": unit,
                                                "name": f"Phòng số {n + 1} cụm {number + 1}",
                                                "authority_id": authority}))
            requests.append(("UnitJoined", {"effective_date": "2015-01-01", "cluster_id": cluster, "unit_id": unit}))
        for year in (2019, 2020):
            key = {"cluster_id": cluster, "year": year}
            requests += [
                ("YearOpened", {"effective_date": f"{year}-01-02", **key, "movement": "Vì an ninh Tổ quốc"}),
                ("PledgeDrafted", {"effective_date": f"{year}-01-10", **key, "drafted_by_unit_id": units[0],
                                   "title": "Giao ước thi đua"}),
                ("PledgeAdopted", {"effective_date": f"{year}-01-15", **key}),
                ("CriteriaAdopted", {"effective_date": f"{year}-01-15", **key, "criteria": CRITERIA})]
        made.append((cluster, units))
    return requests, made


def score_bodies(cluster: str, units: list[str], year: int, count: int) -> list[bytes]:
    slots = [(u, code, by) for code in LEAVES for u in units for by in [None, *units] if by != u]
    if count > len(slots):
        raise SystemExit(f"--per-client {count} is more than a year's {len(slots)} score slots")
    bodies = []
    for unit, code, by in slots[:count]:
        body: dict[str, Any] = {"effective_date": f"{year}-10-01", "cluster_id": cluster, "year": year,
                                "score_id": str(uuid.uuid4()), "unit_id": unit, "criterion_code": code,
                                "points": str(Decimal(LEAVES[code]) / 4), "kind": "cross" if by else "self",
                                "source_ref": SOURCE_REF}
        if by:
            body["scored_by_unit_id"] = by
        bodies.append(json.dumps(body).encode())
    return bodies


def client(url: str, token: str, bodies: list[bytes], start_at: float) -> tuple[int, list[int], float]:
    """One client process: waits for the common start, sends, returns (recorded, other statuses, end)."""
    with httpx.Client(base_url=url, timeout=60, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"}) as http:
        http.get("/health")  # the connection is open before the clock starts
        time.sleep(max(0.0, start_at - time.time()))
        recorded, refused = 0, []
        for body in bodies:
            answer = http.post("/facts/ScoreRecorded", content=body)
            if answer.status_code == 201:
                recorded += 1
            else:
                refused.append(answer.status_code)
        return recorded, refused, time.time()


def run_clients(pool: ProcessPoolExecutor, url: str, token: str, work: list[list[bytes]]) -> tuple[float, list[Any]]:
    start_at = time.time() + 3.0  # every process has started and connected by then
    futures = [pool.submit(client, url, token, bodies, start_at) for bodies in work]
    results = [f.result() for f in futures]
    return max(end for _, _, end in results) - start_at, results


def serialised_section(ledger: Ledger, cluster: tuple[str, list[str]], skip: int, n: int = 100) -> tuple[float, float]:
    """(median, mean) ms of the insert transactions of `n` direct commands: the span the chain's
    lock is held (from the insert that takes it to the commit that frees it)."""
    from thidua_events.facts import FACTS, Provenance

    recorder: Any = ledger.recorder
    insert, spans = recorder.insert_events, []

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return insert(*args, **kwargs)
        finally:
            spans.append(time.perf_counter() - started)

    recorder.insert_events = timed
    clerk = Provenance(actor=ACTOR, role=Role.CLERK, source_ref=SOURCE_REF)
    for body in score_bodies(*cluster, 2020, skip + n)[skip:]:
        fields = json.loads(body)
        fields.pop("source_ref")
        ledger.record(FACTS["ScoreRecorded"].model_validate(fields), clerk)
    del recorder.insert_events
    spans.sort()
    return 1000 * spans[len(spans) // 2], 1000 * sum(spans) / len(spans)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-client", type=int, default=150, help="scores each client records (default 150)")
    parser.add_argument("--clients", type=int, default=8, help="clients in the parallel run (default 8)")
    parser.add_argument("--server-workers", type=int, default=2, help="uvicorn worker processes (default 2)")
    args = parser.parse_args()
    n, m = args.clients, args.per_client
    clerk = issue_token(SIGNING_KEY, DEFAULT_ISSUER, ACTOR, Role.CLERK, ["ledger"])
    admin = issue_token(SIGNING_KEY, DEFAULT_ISSUER, "Quản trị (bench)", Role.ADMIN, ["ledger"])
    setup, clusters = setup_requests(n + 1)
    command = [sys.executable, "-m", "uvicorn", "thidua_ledger.api.app:create_app", "--factory",
               "--host", "127.0.0.1", "--workers", str(args.server_workers), *SERVER_FLAGS]
    with fresh_store("postgres", "writers") as store, uvicorn_server(store, command) as (url, _):
        with console.status(f"set-up: {n + 1} clusters of {UNITS} units, two years each…"), \
                httpx.Client(base_url=url, timeout=60, headers={"Authorization": f"Bearer {admin}"}) as http:
            for name, body in setup:
                answer = http.post(f"/facts/{name}", json={**body, "source_ref": SOURCE_REF})
                if answer.status_code != 201:
                    raise SystemExit(f"set-up {name} answered {answer.status_code}: {answer.text}")
        single = [score_bodies(*clusters[0], 2019, m)], [score_bodies(*clusters[0], 2020, m)]
        many = [score_bodies(*clusters[k + 1], 2019, m) for k in range(n)]
        runs: list[tuple[str, float, list[Any]]] = []
        with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn")) as pool:
            for label, work in (("1 client", single[0]), (f"{n} clients", many), ("1 client, again", single[1])):
                with console.status(f"{label}: {m * len(work)} scores…"):
                    elapsed, results = run_clients(pool, url, clerk, work)
                runs.append((label, elapsed, results))
        with console.status("checking every year and the chain…"):
            ledger = Ledger(env={**store.settings.eventstore_env(), "CREATE_TABLE": "false"})
            first = uuid.UUID(clusters[0][0])
            expected = {year_id(first, 2019): runs[0][2][0][0], year_id(first, 2020): runs[2][2][0][0]}
            for k in range(n):
                expected[year_id(uuid.UUID(clusters[k + 1][0]), 2019)] = runs[1][2][k][0]
            lost = 0
            for entity_id, recorded in expected.items():
                year = ledger.get(EmulationYear, entity_id)
                lost += abs(len(year.scores) - recorded)
            chain = fast_verify.verify(ledger.recorder)
            held = serialised_section(ledger, clusters[0], m)
            ledger.close()
    rates = {label: m * len(results) / elapsed for label, elapsed, results in runs}
    single_rate = (rates["1 client"] + rates["1 client, again"]) / 2
    table = Table(title=f"PostgreSQL through the API ({args.server_workers} uvicorn workers): {n} clients on {n} "
                        f"clusters vs 1 client, {m} scores per client; target ≥ {TARGET}x", title_justify="left")
    for column in ("run", "commands", "wall s", "commands/s", "÷ 1 client", "refused"):
        table.add_column(column, justify="left" if column == "run" else "right")
    for label, elapsed, results in runs:
        refused = sum(len(r[1]) for r in results)
        table.add_row(label, str(sum(r[0] for r in results)), f"{elapsed:.2f}", f"{rates[label]:,.0f}",
                      f"{rates[label] / single_rate:.2f}x", str(refused))
    console.print(table)
    console.print(f"serialised section (events table locked until commit: insert, chain head read, links "
                  f"hashed, chain row inserted, commit), one writer in this process: median {held[0]:.2f} ms, "
                  f"mean {held[1]:.2f} ms per command: at most {1000 / held[0]:,.0f} commands/s into one ledger, "
                  "however many API processes or machines write to it.")
    console.print(f"lost updates: {lost}; chain: {'intact' if chain.ok else chain.finding}, {chain.checked} events; "
                  f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} shared cores (read the ratio).")
    return 0 if lost == 0 and chain.ok else 1


if __name__ == "__main__":
    sys.exit(main())
