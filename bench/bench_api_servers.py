#!/usr/bin/env python
"""The HTTP server's own CPU per plain command: the ledger's app with the ledger taken out.

Each server serves `create_stub_app()`: the real `create_app()` (middleware, the fact lane,
the endpoint, the thread-pool hop, the receipt) with `Ledger.record`, `Ledger.command` and
the clerk's scope check replaced by stubs, so what is left is the app's own work and the
server's. One keep-alive http.client connection posts the same UnitRegistered command
`--n` times; the server's CPU (its whole process tree, from /proc) per request is printed
for each server, the servers alternating round by round (`--rounds`). Read the median and
the minimum: the machine is shared.

    .venv/bin/python bench/bench_api_servers.py [--n 3000] [--rounds 4] [--servers h11,httptools+uvloop,granian]
"""

import argparse
import contextlib
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from support import bench_signing_key

KEY_ENV = "BENCH_API_SERVERS_KEY"
UVICORN = [sys.executable, "-m", "uvicorn", "bench_api_servers:create_stub_app", "--factory", "--host", "127.0.0.1",
           "--log-level", "warning", "--no-access-log", "--no-proxy-headers"]
GRANIAN = [str(Path(sys.executable).with_name("granian")), "--interface", "asgi", "--factory", "--host", "127.0.0.1",
           "--log-level", "warning", "--no-access-log", "--workers", "1"]
SERVERS = {
    "h11": [*UVICORN, "--http", "h11", "--loop", "asyncio"],
    "httptools": [*UVICORN, "--http", "httptools", "--loop", "asyncio"],
    "httptools+uvloop": [*UVICORN, "--http", "httptools", "--loop", "uvloop"],
    "granian": [*GRANIAN, "bench_api_servers:create_stub_app"],
    "granian-uvloop-st": [*GRANIAN, "--loop", "uvloop", "--runtime-mode", "st", "bench_api_servers:create_stub_app"],
}


def create_stub_app() -> Any:
    """create_app() on an empty SQLite store, the ledger's work stubbed out (in the server)."""
    import thidua_ledger.api.commands as commands
    from thidua_ledger.api.app import create_app
    from thidua_ledger.application import Ledger, Receipt
    from thidua_ledger.settings import Settings

    entity = uuid.uuid4()
    Ledger.record = lambda self, *args, **options: Receipt(entity, 1, 1)
    Ledger.command = lambda self: contextlib.nullcontext()
    commands.check_clerk_may_record = lambda *args: None
    return create_app(Settings(store="sqlite", sqlite_path=Path(tempfile.mkdtemp()) / "ledger.sqlite",
                               signing_key_file=Path(os.environ[KEY_ENV])))


def tree_cpu(root: int) -> float:
    """CPU seconds (user + system) of `root` and its descendants (granian serves in a child)."""
    children: dict[int, list[int]] = {}
    spent: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
                spent[int(entry)] = int(fields[11]) + int(fields[12])
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += spent.get(pid, 0)
        todo += children.get(pid, [])
    return total / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def serving(command: list[str], key_file: Path) -> Iterator[tuple[http.client.HTTPConnection, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    here = str(Path(__file__).resolve().parent)
    env = {**os.environ, KEY_ENV: str(key_file),
           "PYTHONPATH": os.pathsep.join([here, os.environ.get("PYTHONPATH", "")])}
    process = subprocess.Popen([*command, "--port", str(port)], env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request("GET", "/health")
                connection.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit(f"{command[0]} did not answer /health") from None
                time.sleep(0.1)
        yield connection, process.pid
        connection.close()
    finally:
        process.terminate()
        process.wait(timeout=15)


def per_request(command: list[str], key_file: Path, n: int, headers: dict[str, str],
                body: bytes) -> tuple[float, float]:
    """Server and client CPU µs per request."""
    with serving(command, key_file) as (connection, pid):
        def post() -> None:
            connection.request("POST", "/facts/UnitRegistered", body, headers)
            answer = connection.getresponse()
            answer.read()
            if answer.status != 201:
                raise SystemExit(f"answered {answer.status}")
        for _ in range(300):  # warm-up
            post()
        server, client = tree_cpu(pid), time.process_time()
        for _ in range(n):
            post()
        return 1e6 * (tree_cpu(pid) - server) / n, 1e6 * (time.process_time() - client) / n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=3000, help="requests per server and round (default 3000)")
    parser.add_argument("--rounds", type=int, default=4, help="rounds, the servers' order reversed each round")
    installed = [name for name, command in SERVERS.items() if shutil.which(command[0])]  # granian is optional
    parser.add_argument("--servers", default=",".join(installed),
                        help=f"comma-separated, of: {', '.join(SERVERS)} (default: those installed)")
    args = parser.parse_args()
    names = [name.strip() for name in args.servers.split(",") if name.strip()]
    if not names or set(names) - set(SERVERS):
        parser.error(f"--servers takes {', '.join(SERVERS)}")
    from thidua_events.facts import Role
    from thidua_events.tokens import DEFAULT_ISSUER, issue_token

    key_file = Path(tempfile.mkdtemp(prefix="bench-keys-")) / "signing.key"
    token = issue_token(bench_signing_key(key_file), DEFAULT_ISSUER, "Thư ký (bench)", Role.CLERK, ["ledger"])
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = json.dumps({"effective_date": "2016-01-01", "name": "Phòng Cảnh sát kinh tế",
                       "authority_id": str(uuid.uuid4()), "source_ref": "BB-bench"}).encode()
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for round_ in range(args.rounds):
        for name in names if round_ % 2 == 0 else names[::-1]:
            server, client = per_request(SERVERS[name], key_file, args.n, headers, body)
            figures[name].append((server, client))
            print(f"round {round_} {name:18s} server {server:5.0f} µs/request, client {client:4.0f} µs "
                  f"(load {os.getloadavg()[0]:.1f})", flush=True)
    print(f"\nServer CPU per plain command, stubbed ledger, {args.n} requests × {args.rounds} rounds (µs):")
    for name, rows in figures.items():
        servers = sorted(server for server, _ in rows)
        print(f"  {name:18s} median {statistics.median(servers):5.0f}  min {servers[0]:5.0f}  "
              f"client median {statistics.median(client for _, client in rows):4.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
