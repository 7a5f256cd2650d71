#!/usr/bin/env python
"""`ledger verify` against reading the log raw, like with like, same run (SQLite).

On bench_replay.py's generated history (`--history FILE` keeps and reuses it):

  one process     fast_verify.verify (every link and content hash checked) against one
                  raw reader: the events' rows read in pages of 5,000, nothing decoded, with
                  `select_notifications` (what bench_replay calls the raw read) and with
                  bare SQL rows (what verify itself reads).
  N processes     verify --workers N against N raw readers reading their own share of the
                  positions at the same time (wall time of the whole, start-up included).

Also times the old `verify.walk`, for contrast. Each measure is taken twice, alternating,
and the faster kept (the machine is shared). Target: verify at least 50% of the raw read.

    .venv/bin/python bench/bench_verify.py --events 1000000 --history /tmp/history.sqlite --workers 2
"""

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from bench_replay import generate
from rich.console import Console
from rich.table import Table
from thidua_ledger.application import Ledger
from thidua_ledger.audit import fast_verify
from thidua_ledger.audit.verify import walk
from thidua_ledger.settings import Settings

TARGET = 0.50
console = Console(width=max(Console().width, 120))


class Unsnapshotted(Ledger):
    """For generating a history fast: verify and the raw reads never look at snapshots."""

    snapshotting_intervals = {}  # noqa: RUF012 - read by eventsourcing


def history(path: Path, events: int) -> None:
    if not path.exists():
        ledger = Unsnapshotted(env=Settings(store="sqlite", sqlite_path=path).eventstore_env())
        console.print(f"generating about {events:,} events on SQLite (no snapshots)…")
        generate(ledger, events, 2000)
        ledger.close()


def open_ledger(path: Path) -> Ledger:
    return Ledger(env={**Settings(store="sqlite", sqlite_path=path).eventstore_env(), "CREATE_TABLE": "false"})


def read_notifications(path: Path, after: int, stop: int, batch: int = 5000) -> int:
    ledger, count = open_ledger(path), 0
    while rows := ledger.recorder.select_notifications(start=after, limit=batch, stop=stop,
                                                       inclusive_of_start=False):
        count += len(rows)
        after = rows[-1].id
    ledger.close()
    return count


def read_rows(path: Path, after: int, stop: int, batch: int = 5000) -> int:
    ledger, count = open_ledger(path), 0
    recorder: Any = ledger.recorder
    while after < stop:
        count += len(recorder.raw_events(after, min(after + batch, stop)))
        after += batch
    ledger.close()
    return count


def verify_one(path: Path) -> int:
    ledger = open_ledger(path)
    report = fast_verify.verify(ledger.recorder)
    ledger.close()
    assert report.ok, report
    return report.checked


def verify_many(path: Path, workers: int) -> int:
    ledger = open_ledger(path)
    opener = partial(fast_verify.settings_recorder, Settings(store="sqlite", sqlite_path=path))
    report = fast_verify.verify(ledger.recorder, workers, opener)
    ledger.close()
    assert report.ok, report
    return report.checked


def walk_one(path: Path) -> int:
    ledger = open_ledger(path)
    report = walk(ledger.recorder)
    ledger.close()
    assert report.ok, report
    return report.checked


def in_parallel(reader: Any, path: Path, head: int, workers: int) -> int:
    """N readers, each on its share of the positions, at the same time."""
    step = -(-head // workers)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return sum(pool.map(partial(reader, path), range(0, head, step),
                            [min(s + step, head) for s in range(0, head, step)]))


def rate(task: Any) -> float:
    started = time.perf_counter()
    count = task()
    return count / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=200_000, help="size of the generated history (default 200,000)")
    parser.add_argument("--history", type=Path, help="keep the generated history in this SQLite file, and reuse it")
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds; the best of each kept")
    parser.add_argument("--walk", action="store_true", help="also time the old verify.walk")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-verify-") as folder:
        path = args.history or Path(folder) / "ledger.sqlite"
        history(path, args.events)
        ledger = open_ledger(path)
        head = ledger.position()
        ledger.close()
        n = args.workers
        tasks = {
            "raw read, select_notifications": lambda: read_notifications(path, 0, head),
            "raw read, SQL rows": lambda: read_rows(path, 0, head),
            "verify (fast path)": lambda: verify_one(path),
            f"{n} raw readers in parallel, select_notifications":
                lambda: in_parallel(read_notifications, path, head, n),
            f"{n} raw readers in parallel, SQL rows": lambda: in_parallel(read_rows, path, head, n),
            f"verify --workers {n}": lambda: verify_many(path, n),
        }
        if args.walk:
            tasks["verify.walk (before)"] = lambda: walk_one(path)
        best: dict[str, float] = {}
        for round_ in range(args.rounds):
            for name, task in tasks.items():
                with console.status(f"round {round_ + 1}: {name}…"):
                    best[name] = max(best.get(name, 0.0), rate(task))
    table = Table(title=f"ledger verify over {head:,} events (SQLite), best of {args.rounds}; "
                        f"target ≥ {TARGET:.0%} of the raw read", title_justify="left")
    for column in ("measure", "events/s", "÷ raw (notifications)", "÷ raw (SQL rows)"):
        table.add_column(column, justify="left" if column == "measure" else "right")
    for name, value in best.items():
        parallel = name.startswith(f"{n} ") or "--workers" in name
        base = (f"{n} raw readers in parallel, select_notifications", f"{n} raw readers in parallel, SQL rows") \
            if parallel else ("raw read, select_notifications", "raw read, SQL rows")
        table.add_row(name, f"{value:,.0f}", f"{value / best[base[0]]:.0%}", f"{value / best[base[1]]:.0%}")
    console.print(table)
    console.print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} shared cores: read the ratios.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
