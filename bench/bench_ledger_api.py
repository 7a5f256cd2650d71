#!/usr/bin/env python
"""Recording through the HTTP API against recording straight into `Ledger.record`.

For each store (SQLite in a temporary file, PostgreSQL in a fresh schema) the same
planned commands are recorded twice, each time into a fresh store of its own:

  direct  `Ledger.record(fact, provenance)` in this process, facts built beforehand;
  api     `POST /facts/{FactType}` over real HTTP (one keep-alive httpx client, or
          http.client with `--client stdlib`, one
          request at a time) to a real uvicorn serving `create_app(settings)` in a
          subprocess.

The plan: an authority, clusters of 10 joined units, emulation years opened with a
pledge and criteria adopted (untimed set-up), then the timed commands, mostly
ScoreRecorded (self and cross scores), some ScoreCorrected and each unit's PledgeSigned.
Every year command loads its EmulationYear (the latest snapshot, if the Ledger takes
them, plus the events since), so the commands are spread over several years
(`--per-year` each) to keep the load cost per command bounded and the same in both
paths. Each path is warmed up on a year of its own before timing, and the two paths
alternate in chunks of `--chunk` commands so both see the same background load.

Target: API throughput at least 60% of direct throughput. The script prints the
figures and exits 0 whether or not the target is met (non-zero only on errors).
See bench/README.md for how to read the output.

    set -a; . var/postgres/postgres.env; set +a
    .venv/bin/python bench/bench_ledger_api.py [--n 1000] [--stores sqlite,postgres]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import http.client
import json
import math
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table
from support import bench_signing_key, postgres_params
from thidua_events.facts import FACTS, Fact, Provenance, Role
from thidua_events.tokens import DEFAULT_ISSUER, issue_token
from thidua_ledger.api.server import SERVER_FLAGS as LEDGER_SERVER_FLAGS
from thidua_ledger.application import open_ledger
from thidua_ledger.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.60  # API throughput / direct throughput
ACTOR = "Thư ký Cụm thi đua (bench)"
KEY_FILE = Path(tempfile.mkdtemp(prefix="bench-keys-")) / "signing.key"
SIGNING_KEY = bench_signing_key(KEY_FILE)
SOURCE_REF = "BB-bench"
UNITS_PER_CLUSTER = 10
FIRST_YEAR, LAST_YEAR = 2016, 2025  # timed years of each cluster; 2015 is the warm-up year
WARMUP_YEAR = 2015
SERVER_FLAGS = ["--log-level", "warning", "--no-access-log", *LEDGER_SERVER_FLAGS]  # as `ledger serve` serves

console = Console(width=max(Console().width, 120))  # the table stays whole in logs

# A realistic scale (thang điểm): leaves are what units are scored on.
CRITERIA = [
    {"code": "1", "title": "Công tác xây dựng lực lượng", "max_points": "30", "children": [
        {"code": "1.1", "title": "Công tác chính trị tư tưởng", "max_points": "10"},
        {"code": "1.2", "title": "Công tác tổ chức cán bộ", "max_points": "10"},
        {"code": "1.3", "title": "Công tác đào tạo, huấn luyện", "max_points": "10"},
    ]},
    {"code": "2", "title": "Kết quả công tác chuyên môn", "max_points": "50", "children": [
        {"code": "2.1", "title": "Phòng ngừa, đấu tranh tội phạm", "max_points": "25"},
        {"code": "2.2", "title": "Quản lý hành chính về trật tự xã hội", "max_points": "15"},
        {"code": "2.3", "title": "Cải cách hành chính", "max_points": "10"},
    ]},
    {"code": "3", "title": "Phong trào thi đua, khen thưởng", "max_points": "20"},
]
LEAVES = {"1.1": 10, "1.2": 10, "1.3": 10, "2.1": 25, "2.2": 15, "2.3": 10, "3": 20}


# ---------------------------------------------------------------------------- the plan

Command = tuple[str, dict[str, Any]]  # (fact type name, JSON-ready fact fields)


@dataclass
class Plan:
    setup: list[Command] = field(default_factory=list)
    warmup: list[Command] = field(default_factory=list)
    timed: list[Command] = field(default_factory=list)
    years: int = 0
    clusters: int = 0

    def mix(self) -> str:
        counts: dict[str, int] = {}
        for name, body in self.timed:
            key = f"{name}/{body['kind']}" if name == "ScoreRecorded" else name
            counts[key] = counts.get(key, 0) + 1
        return ", ".join(f"{k} {100 * v / len(self.timed):.0f}%" for k, v in
                         sorted(counts.items(), key=lambda kv: -kv[1]))


def build_plan(n: int, per_year: int, warmup: int, seed: int = 2019) -> Plan:
    rng = random.Random(seed)

    def new_id() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    plan = Plan()
    authority = new_id()
    plan.setup.append(("AuthorityRegistered", {
        "effective_date": "2015-01-01", "authority_id": authority, "name": "Công an thành phố Hà Nội",
        "symbol": "CATP", "place": "Hà Nội"}))
    plan.setup.append(("ScopeGranted", {"effective_date": "2015-01-01", "account": ACTOR, "authority_id": authority}))

    def new_cluster(number: int) -> tuple[str, list[str]]:
        cluster = new_id()
        plan.setup.append(("ClusterFormed", {"effective_date": "2015-01-01", "cluster_id": cluster,
                                             "name": f"Cụm thi đua số {number}", "authority_id": authority}))
        units = []
        for u in range(UNITS_PER_CLUSTER):
            unit = new_id()
            plan.setup.append(("UnitRegistered", {"effective_date": "2015-01-01", "unit_id": unit,
                                                  "name": f"Phòng số {u + 1} cụm {number}",
                                                  "authority_id": authority}))
            plan.setup.append(("UnitJoined", {"effective_date": "2015-01-01", "cluster_id": cluster,
                                              "unit_id": unit}))
            units.append(unit)
        plan.clusters += 1
        return cluster, units

    def open_year(cluster: str, units: list[str], year: int) -> None:
        key = {"cluster_id": cluster, "year": year}
        plan.setup += [
            ("YearOpened", {"effective_date": f"{year}-01-02", **key, "movement": "Vì an ninh Tổ quốc"}),
            ("PledgeDrafted", {"effective_date": f"{year}-01-10", **key, "drafted_by_unit_id": units[0],
                               "title": "Giao ước thi đua"}),
            ("PledgeAdopted", {"effective_date": f"{year}-01-15", **key}),
            ("CriteriaAdopted", {"effective_date": f"{year}-01-15", **key, "criteria": CRITERIA}),
        ]

    def year_commands(cluster: str, units: list[str], year: int, count: int) -> list[Command]:
        """Each unit signs the pledge, then scores (self and cross) with a few corrections."""
        key = {"cluster_id": cluster, "year": year}
        commands: list[Command] = [
            ("PledgeSigned", {"effective_date": f"{year}-01-20", **key, "unit_id": unit})
            for unit in units[:count]]
        scores: list[tuple[str, str]] = []  # (score id, criterion code)
        # One self score per unit and criterion, one cross score per inspecting unit, unit and
        # criterion: each score takes a slot of its own, drawn at random; a second is a correction.
        self_slots = [(unit, code, None) for unit in units for code in LEAVES]
        cross_slots = [(unit, code, by) for unit in units for code in LEAVES for by in units if by != unit]
        rng.shuffle(self_slots)
        rng.shuffle(cross_slots)
        while len(commands) < count:
            if scores and rng.random() < 0.08:
                corrected, code = scores.pop(rng.randrange(len(scores)))
                score_id = new_id()
                commands.append(("ScoreCorrected", {
                    "effective_date": f"{year}-12-01", **key, "score_id": score_id,
                    "corrects_score_id": corrected, "points": _points(rng, code)}))
                scores.append((score_id, code))  # a correction can itself be corrected
                continue
            if not cross_slots and not self_slots:
                raise SystemExit(f"--per-year {count} is more than one year's score slots")
            cross = not self_slots or (rng.random() < 0.4 and bool(cross_slots))
            unit, code, by = (cross_slots if cross else self_slots).pop()
            score_id = new_id()
            body: dict[str, Any] = {"effective_date": f"{year}-10-01", **key, "score_id": score_id,
                                    "unit_id": unit, "criterion_code": code, "points": _points(rng, code),
                                    "kind": "self"}
            if cross:
                body["kind"] = "cross"
                body["scored_by_unit_id"] = by
            commands.append(("ScoreRecorded", body))
            scores.append((score_id, code))
        return commands

    cluster, units = new_cluster(1)
    open_year(cluster, units, WARMUP_YEAR)
    plan.warmup = year_commands(cluster, units, WARMUP_YEAR, warmup)
    remaining, year = n, FIRST_YEAR
    while remaining > 0:
        if year > LAST_YEAR:
            cluster, units = new_cluster(plan.clusters + 1)
            year = FIRST_YEAR
        count = min(per_year, remaining)
        open_year(cluster, units, year)
        plan.timed += year_commands(cluster, units, year, count)
        plan.years += 1
        remaining -= count
        year += 1
    return plan


def _points(rng: random.Random, code: str) -> str:
    return str(Decimal(rng.randrange(0, LEAVES[code] * 100 + 1)) / 100)


# ---------------------------------------------------------------------------- stores

@dataclass
class Store:
    settings: Settings
    env: dict[str, str]  # the same settings as the environment `create_app()` reads


@contextlib.contextmanager
def fresh_store(kind: str, label: str) -> Iterator[Store]:
    base_env = {"THIDUA_SIGNING_KEY_FILE": str(KEY_FILE), "LEDGER_STORE": kind}
    if kind == "sqlite":
        directory = Path(tempfile.mkdtemp(prefix=f"bench-{label}-"))
        path = directory / "ledger.sqlite"
        try:
            yield Store(Settings(store="sqlite", sqlite_path=path, signing_key_file=KEY_FILE),
                        {**base_env, "LEDGER_SQLITE_PATH": str(path)})
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        return
    import psycopg

    pg = postgres_params()
    schema = f"bench_{label}_{uuid.uuid4().hex[:10]}"
    connect = dict(host=pg["POSTGRES_HOST"], port=int(pg["POSTGRES_PORT"]), user=pg["POSTGRES_USER"],
                   password=pg["POSTGRES_PASSWORD"], dbname=pg["POSTGRES_DBNAME"], autocommit=True)
    with psycopg.connect(**connect) as conn:  # type: ignore[arg-type]
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield Store(Settings(store="postgres", postgres_host=pg["POSTGRES_HOST"],
                             postgres_port=int(pg["POSTGRES_PORT"]), postgres_user=pg["POSTGRES_USER"],
                             postgres_password=pg["POSTGRES_PASSWORD"], postgres_dbname=pg["POSTGRES_DBNAME"],
                             postgres_schema=schema, signing_key_file=KEY_FILE),
                    {**base_env, **pg, "LEDGER_POSTGRES_SCHEMA": schema})
    finally:
        with psycopg.connect(**connect) as conn:  # type: ignore[arg-type]
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


# ---------------------------------------------------------------------------- the two paths

@dataclass
class Result:
    store: str
    path: str
    latencies: list[float]  # seconds, one per command
    chunks: list[float]  # wall time of each chunk of commands
    head: int  # log position after the run (the two paths must agree)
    cpu: float  # CPU seconds spent on the timed commands: this process, plus the server's for the API

    @property
    def elapsed(self) -> float:
        return sum(self.chunks)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1)]


def process_cpu(pid: int | None = None) -> float:
    """CPU seconds (user + system, all threads) of this process, or of `pid` via /proc (Linux)."""
    if pid is None:
        return time.process_time()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def uvicorn_server(store: Store, command: list[str] | None = None) -> Iterator[tuple[str, int]]:
    """`uvicorn thidua_ledger.api.app:create_app --factory` in a subprocess; yields (URL, pid).

    `command` replaces `python -m uvicorn ...` (for experiments; `--port` is appended).
    """
    port = free_port()
    env = {**os.environ, **store.env}
    command = command or [sys.executable, "-m", "uvicorn", "thidua_ledger.api.app:create_app", "--factory",
                          "--host", "127.0.0.1", *SERVER_FLAGS]
    process = subprocess.Popen([*command, "--port", str(port)], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"uvicorn exited with status {process.returncode} before answering /health")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit("uvicorn did not answer /health within 60 s")
            time.sleep(0.1)
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class DirectPath:
    """`Ledger.record` in this process; the facts are built before the clock starts."""

    name = "direct"

    def __init__(self, store: Store) -> None:
        self.ledger = open_ledger(store.settings)
        self.provenance = Provenance(actor=ACTOR, role=Role.CLERK, source_ref=SOURCE_REF)

    def prepare(self, commands: list[Command]) -> list[Fact]:
        return [FACTS[name].model_validate(body) for name, body in commands]

    def send(self, fact: Fact) -> None:
        self.ledger.record(fact, self.provenance)

    def head(self) -> int:
        return self.ledger.position()

    def close(self) -> None:
        self.ledger.close()


class ApiPath:
    """POST /facts/{FactType} over one keep-alive connection; bodies serialised beforehand.

    `client` is httpx (what the web app uses) or the standard library's http.client, whose
    own cost per request is a fraction of httpx's: with it the figures show the server more
    than the client.
    """

    name = "api"

    def __init__(self, server: tuple[str, int], client: str = "httpx") -> None:
        url, self.server_pid = server
        clerk = issue_token(SIGNING_KEY, DEFAULT_ISSUER, ACTOR, Role.CLERK, ["ledger"])
        self.headers = {"Authorization": f"Bearer {clerk}", "Content-Type": "application/json"}
        # The set-up registers an authority and grants the clerk: an admin's work.
        admin = issue_token(SIGNING_KEY, DEFAULT_ISSUER, "Quản trị (bench)", Role.ADMIN, ["ledger"])
        self.admin = {**self.headers, "Authorization": f"Bearer {admin}"}
        self.client = httpx.Client(base_url=url, timeout=30)
        self.connection: http.client.HTTPConnection | None = None
        if client == "stdlib":
            host, port = url.removeprefix("http://").split(":")
            self.connection = http.client.HTTPConnection(host, int(port), timeout=30)

    def prepare(self, commands: list[Command]) -> list[tuple[str, bytes]]:
        return [(f"/facts/{name}", json.dumps({**body, "source_ref": SOURCE_REF}).encode())
                for name, body in commands]

    def send(self, request: tuple[str, bytes], admin: bool = False) -> None:
        path, body = request
        headers = self.admin if admin else self.headers
        if self.connection is not None:
            self.connection.request("POST", path, body, headers)
            answer = self.connection.getresponse()
            status, text = answer.status, answer.read()
        else:
            response = self.client.post(path, content=body, headers=headers)
            status, text = response.status_code, response.content
        if status != 201:
            raise SystemExit(f"POST {path} answered {status}: {text.decode(errors='replace')}")

    def head(self) -> int:
        return int(self.client.get("/health").json()["position"])

    def close(self) -> None:
        self.client.close()
        if self.connection is not None:
            self.connection.close()


def run_store(store_kind: str, plan: Plan, chunk: int, client: str = "httpx") -> list[Result]:
    """Both paths on fresh stores of their own, timed in alternating chunks of the same commands.

    Alternating (direct chunk, API chunk, direct chunk, ...) lets both paths see the same
    background load on a shared machine; each command's latency is timed on its own.
    """
    with contextlib.ExitStack() as stack:
        direct = DirectPath(stack.enter_context(fresh_store(store_kind, "direct")))
        stack.callback(direct.close)
        api = ApiPath(stack.enter_context(uvicorn_server(stack.enter_context(fresh_store(store_kind, "api")))),
                      client)
        stack.callback(api.close)
        paths: list[DirectPath | ApiPath] = [direct, api]
        latencies: dict[str, list[float]] = {p.name: [] for p in paths}
        chunks: dict[str, list[float]] = {p.name: [] for p in paths}
        cpu = dict.fromkeys(chunks, 0.0)
        for item in direct.prepare(plan.setup) + direct.prepare(plan.warmup):
            direct.send(item)
        for request in api.prepare(plan.setup):
            api.send(request, admin=True)
        for request in api.prepare(plan.warmup):
            api.send(request)
        prepared = {p.name: p.prepare(plan.timed) for p in paths}
        gc.collect()
        # The server's CPU is read from /proc in clock ticks (10 ms), so it is taken over the whole
        # timed loop (the server idles while the direct path runs); this process's CPU per chunk.
        server_cpu_start = process_cpu(api.server_pid)
        for begin in range(0, len(plan.timed), chunk):
            for path in paths:
                times = latencies[path.name]
                cpu_start = process_cpu()
                start = time.perf_counter()
                for item in prepared[path.name][begin:begin + chunk]:
                    t0 = time.perf_counter()
                    path.send(item)
                    times.append(time.perf_counter() - t0)
                chunks[path.name].append(time.perf_counter() - start)
                cpu[path.name] += process_cpu() - cpu_start
        cpu[api.name] += process_cpu(api.server_pid) - server_cpu_start
        return [Result(store_kind, p.name, latencies[p.name], chunks[p.name], p.head(), cpu[p.name])
                for p in paths]


# ---------------------------------------------------------------------------- report

def report(results: list[Result], plan: Plan, args: argparse.Namespace) -> None:
    import uvicorn

    table = Table(title=f"Ledger recording, API vs direct: {len(plan.timed)} commands per path "
                        f"(one event each); target API ≥ {100 * TARGET:.0f}% of direct throughput",
                  title_justify="left")
    for column in ("store", "path", "commands", "time s", "events/s", "p50 ms", "p99 ms", "CPU ms/cmd",
                   "API/direct", "verdict"):
        table.add_column(column, justify="left" if column in ("store", "path", "verdict") else "right")
    pairs = {store: tuple(next(r for r in results if r.store == store and r.path == p) for p in ("direct", "api"))
             for store in args.stores}
    for store, (direct, api) in pairs.items():
        ratio = api.throughput / direct.throughput
        verdict = "[green]meets target[/]" if ratio >= TARGET else "[red]BELOW TARGET[/]"
        for r in (direct, api):
            table.add_row(store, r.path, str(len(r.latencies)), f"{r.elapsed:.2f}", f"{r.throughput:,.0f}",
                          f"{1000 * r.percentile(50):.2f}", f"{1000 * r.percentile(99):.2f}",
                          f"{1000 * r.cpu / len(r.latencies):.2f}",
                          *((f"{100 * ratio:.0f}%", verdict) if r is api else ("", "")))
        table.add_section()
    console.print(table)
    for store, (direct, api) in pairs.items():
        if direct.head != api.head:
            console.print(f"[red]warning: {store}: the paths did different work "
                          f"(log head {direct.head} vs {api.head})[/]")
        n = len(direct.latencies)
        wall = 1000 * (statistics.fmean(api.latencies) - statistics.fmean(direct.latencies))
        cpu = 1000 * (api.cpu - direct.cpu) / n
        line = f"{store}: the API adds {wall:+.2f} ms per command (mean latency), {cpu:+.2f} ms CPU"
        if not math.isnan(api.cpu) and api.cpu > 0:
            line += f"; CPU-based API/direct {100 * direct.cpu / api.cpu:.0f}%"
        ratios = sorted(d / a for d, a in zip(direct.chunks, api.chunks, strict=True))
        if len(ratios) >= 4:
            deciles = statistics.quantiles(ratios, n=10)
            line += (f"; per chunk pair: median {100 * statistics.median(ratios):.0f}%, "
                     f"10th–90th percentile {100 * deciles[0]:.0f}–{100 * deciles[-1]:.0f}% ({len(ratios)} pairs)")
        console.print(line)
    console.print(
        f"[dim]CPU ms/cmd: CPU time (user + system) per timed command: the benchmark process for direct; "
        f"client + uvicorn process for api (PostgreSQL's own CPU is not counted in either). It is less "
        f"sensitive to other load than wall time: the CPU-based ratio estimates the ratio on a quiet machine.\n"
        f"Plan: {plan.clusters} cluster(s) × {UNITS_PER_CLUSTER} units, {plan.years} emulation years of "
        f"≤ {args.per_year} timed commands each (each command loads its year: snapshot + later events), "
        f"{len(plan.warmup)} warm-up commands per path on a year of their own; mix: {plan.mix()}.\n"
        f"Each path records into a fresh store of its own (SQLite temp file; PostgreSQL fresh schema, "
        f"dropped after); both end at the same log position. The paths alternate in chunks of "
        f"{args.chunk} commands so that both see the same background load.\n"
        f"API: uvicorn {uvicorn.__version__} in a subprocess serving create_app(), "
        f"{' '.join(SERVER_FLAGS)} ; one "
        f"keep-alive {'http.client' if args.client == 'stdlib' else 'httpx'} client, one request at a time; "
        f"latency is the client's round trip. Direct: "
        f"Ledger.record in this process, facts built before timing. "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs.[/]")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="timed commands per path and store (default 1000)")
    parser.add_argument("--stores", default="sqlite,postgres",
                        help="comma-separated: sqlite, postgres (default both)")
    parser.add_argument("--per-year", type=int, default=200,
                        help="timed commands per emulation year; bounds the replay per command (default 200)")
    parser.add_argument("--warmup", type=int, default=100, help="warm-up commands per path (default 100)")
    parser.add_argument("--chunk", type=int, default=50,
                        help="commands per path before switching to the other path (default 50)")
    parser.add_argument("--client", choices=["httpx", "stdlib"], default="httpx",
                        help="the API path's HTTP client: httpx (default, as the web app) or the standard "
                             "library's http.client (costs the client less, so the figures show the server)")
    args = parser.parse_args()
    args.stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    if not args.stores or set(args.stores) - {"sqlite", "postgres"}:
        parser.error("--stores takes sqlite and/or postgres")
    if args.n < 1 or args.per_year < UNITS_PER_CLUSTER or args.warmup < 1 or args.chunk < 1:
        parser.error("--n ≥ 1, --warmup ≥ 1, --chunk ≥ 1, --per-year ≥ 10")
    if "postgres" in args.stores:
        postgres_params()  # fail early with a clear message

    plan = build_plan(args.n, args.per_year, args.warmup)
    load = os.getloadavg()[0]
    if load > 0.5:
        console.print(f"[yellow]note: load average {load:.2f} before the run: something else is using "
                      "the CPUs: wall-clock figures are noisy; the CPU-based ratio and the chunk median less so[/]")
    results: list[Result] = []
    for store in args.stores:
        with console.status(f"{store}: direct and API paths, {len(plan.timed)} commands each…"):
            results += run_store(store, plan, args.chunk, args.client)
    report(results, plan, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
