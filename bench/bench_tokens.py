#!/usr/bin/env python
"""What checking a bearer token adds to a current read of the ledger.

The same ledger (SQLite, the articles' scenario loaded) is served by three uvicorn
subprocesses over the same file:

  verified    `create_app()` as deployed: every request's token is verified (Ed25519
              signature by kid, issuer, audience, lifetime) and checked against the
              revocation list, which is read again from the store every 2 seconds;
  unverified  the same app, the same dependencies and header, with its Verifier replaced
              by one that believes the header: no token work at all;
  control     a second unverified server: how far two identical servers differ here.

One keep-alive client reads `GET /clusters/{Cụm 4}/years/2019` (members, leader, deputy,
flag holder; no clock parameters: a current read) from each, alternating in chunks so both
see the same background load. It also times `Verifier.read` alone, in this process.

Target: verification adds at most 5% to the read, by the median latency and by the servers'
CPU time per read (verified / unverified - 1); the mean is shown too, but on a shared
machine other load moves it most.
Exits 0 whether or not the target is met.

    .venv/bin/python bench/bench_tokens.py [--n 2000] [--chunk 100]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
from fastapi import FastAPI
from rich.console import Console
from rich.table import Table
from support import bench_signing_key
from thidua_events.facts import Role
from thidua_events.tokens import DEFAULT_ISSUER, Principal, issue_token

TARGET = 0.05
BENCH = Path(__file__).resolve().parent
console = Console(width=max(Console().width, 110))


def verified_app() -> FastAPI:
    """The deployed app, loaded the same way as the other (uvicorn --factory)."""
    from thidua_ledger.api.app import create_app

    return create_app()


class NoCheck:
    """Stands in for the Verifier: the caller is whoever the header says, unchecked."""

    revocations = None

    def read_bearer(self, token: str | None) -> Principal:
        return Principal("Thanh tra viên", Role.AUDITOR)


def unverified_app() -> FastAPI:
    """The deployed app with its Verifier replaced once started: the request still goes
    through the same dependencies (FastAPI's dependency_overrides would not do: it inspects
    an override's signature again on every request, which costs more than verifying)."""
    from thidua_ledger.api.app import create_app

    app = create_app()
    started = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with started(app):
            app.state.verifier = NoCheck()
            yield

    app.router.lifespan_context = lifespan
    return app


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a server process, from /proc (Linux): unlike wall time,
    hardly moved by other work on a shared machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def server(env: dict[str, str], app: str) -> Iterator[tuple[str, int]]:
    with contextlib.closing(__import__("socket").socket()) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", app, "--factory", "--app-dir", str(BENCH), "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning", "--no-access-log"], env={**os.environ, **env})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"{app} exited with status {process.returncode}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit(f"{app} did not answer /health within 60 s")
            time.sleep(0.1)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=15)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000, help="timed reads per server")
    parser.add_argument("--chunk", type=int, default=100, help="reads per turn before switching server")
    args = parser.parse_args()

    from thidua_ledger.application import open_ledger
    from thidua_ledger.scenario import cluster_id, load
    from thidua_ledger.settings import Settings

    directory = Path(tempfile.mkdtemp(prefix="bench-tokens-"))
    try:
        key_file, db = directory / "signing.key", directory / "ledger.sqlite"
        key = bench_signing_key(key_file)
        ledger = open_ledger(Settings(sqlite_path=db))
        load(ledger)
        ledger.close()
        env = {"LEDGER_STORE": "sqlite", "LEDGER_SQLITE_PATH": str(db), "THIDUA_SIGNING_KEY_FILE": str(key_file)}
        token = issue_token(key, DEFAULT_ISSUER, "Thanh tra viên", Role.AUDITOR, ["ledger"])
        path = f"/clusters/{cluster_id('cum-4')}/years/2019"
        apps = {"verified": "verified_app", "unverified": "unverified_app", "control": "unverified_app"}
        with contextlib.ExitStack() as stack:
            servers = {name: stack.enter_context(server(env, f"bench_tokens:{app}")) for name, app in apps.items()}
            clients = {name: httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"})
                       for name, (url, _) in servers.items()}
            pids = {name: pid for name, (_, pid) in servers.items()}
            latencies: dict[str, list[float]] = {name: [] for name in clients}
            for name, client in clients.items():  # warm up, and check both answer the same
                answers = {client.get(path).text for _ in range(100)}
                assert len(answers) == 1 and '"members"' in answers.pop(), f"{name} did not read the year"
            cpu = {name: server_cpu(pid) for name, pid in pids.items()}
            for turn in range(0, args.n, args.chunk):
                # The order turns round by round: none always follows another.
                order = list(clients.items())
                shift = turn // args.chunk % len(order)
                for name, client in order[shift:] + order[:shift]:
                    for _ in range(args.chunk):
                        t0 = time.perf_counter()
                        response = client.get(path)
                        latencies[name].append(time.perf_counter() - t0)
                        if response.status_code != 200:
                            raise SystemExit(f"{name}: {response.status_code} {response.text}")
            cpu = {name: (server_cpu(pid) - cpu[name]) / args.n for name, pid in pids.items()}
            for client in clients.values():
                client.close()
        verify_cost = _verify_alone(key, token)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    _report(latencies, cpu, verify_cost, args)
    return 0


def _verify_alone(key: object, token: str, n: int = 2000) -> tuple[float, float]:
    """Seconds per `Verifier.read`: of a token seen before (as a client resends it), and of
    a token seen for the first time (signature and claims checked); revocations cached."""
    from thidua_events.tokens import PublicKeys, RevocationList, Revoked, Verifier, key_set

    keys = PublicKeys.from_jwks(key_set([key.public_jwk]))  # type: ignore[attr-defined]
    verifier = Verifier(keys, DEFAULT_ISSUER, "ledger", revocations=RevocationList(Revoked))
    verifier.read(token)
    start = time.perf_counter()
    for _ in range(n):
        verifier.read(token)
    again = (time.perf_counter() - start) / n
    fresh = [issue_token(key, DEFAULT_ISSUER, "Thanh tra viên", Role.AUDITOR, ["ledger"])  # type: ignore[arg-type]
             for _ in range(n // 4)]
    start = time.perf_counter()
    for each in fresh:
        verifier.read(each)
    first = (time.perf_counter() - start) / len(fresh)
    return again, first


def _report(latencies: dict[str, list[float]], cpu: dict[str, float], verify_cost: tuple[float, float],
            args: argparse.Namespace) -> None:
    mean = {name: statistics.fmean(values) for name, values in latencies.items()}
    median = {name: statistics.median(values) for name, values in latencies.items()}
    overhead = mean["verified"] / mean["unverified"] - 1
    table = Table(title=f"A current read (GET /clusters/{{Cụm 4}}/years/2019), {args.n} per server")
    for column in ("server", "reads", "mean ms", "p50 ms", "p99 ms", "server CPU ms/read"):
        table.add_column(column, justify="right" if column != "server" else "left")
    for name, values in latencies.items():
        p99 = statistics.quantiles(values, n=100)[98]
        table.add_row(name, str(len(values)), f"{mean[name] * 1000:.3f}", f"{median[name] * 1000:.3f}",
                      f"{p99 * 1000:.3f}", f"{cpu[name] * 1000:.3f}")
    console.print(table)
    by_median = median["verified"] / median["unverified"] - 1
    by_cpu = cpu["verified"] / cpu["unverified"] - 1
    verdict = "MEETS TARGET" if max(by_median, by_cpu) <= TARGET else "ABOVE TARGET"
    noise_median = median["control"] / median["unverified"] - 1
    noise_cpu = cpu["control"] / cpu["unverified"] - 1
    console.print(f"control (a second unverified server, the noise floor): {noise_median:+.1%} median, "
                  f"{noise_cpu:+.1%} CPU")
    console.print(f"token verification adds {by_median:+.1%} to the median read and {by_cpu:+.1%} to the "
                  f"servers' CPU per read (mean latency: {overhead:+.1%}, the most moved by other load); "
                  f"target at most {TARGET:.0%}: {verdict}")
    again, first = verify_cost
    console.print(f"Verifier.read alone: {again * 1e6:.0f} µs for a token seen before "
                  f"({again / median['unverified']:.2%} of the median read), {first * 1e6:.0f} µs the first "
                  f"time a token is seen ({first / median['unverified']:.1%})")


if __name__ == "__main__":
    raise SystemExit(main())
