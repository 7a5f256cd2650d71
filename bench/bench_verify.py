#!/usr/bin/env python
"""`ledger verify` against reading the log raw, like with like, same run (SQLite or PostgreSQL).

On bench_replay.py's generated history (`--history FILE` keeps and reuses it on SQLite,
`--schema NAME` on PostgreSQL):

  one process     fast_verify.verify with progress (every link and content hash checked)
                  against one raw reader, which reads pages of positions as verify does
                  (2,000) in plain cursor rows, nothing decoded, three ways:
                    events and chain rows   every column verify reads: the events' rows and
                                            their chain rows (like for like), joined in one
                                            query or apart in two; the faster is the baseline
                    events rows             the events' rows only (the log alone)
                    select_notifications    eventsourcing's own read (bench_replay's raw read)
  N processes     verify --workers N against N raw readers of events and chain rows, each
                  reading its own share of the positions at the same time (start-up
                  included in both).

Each measure is taken `--rounds` times, alternating; the best wall rate and the least CPU
time are kept (the machine is shared: read the CPU ratios). CPU counts the worker processes.
Target: verify at least 50% of the raw read.

    .venv/bin/python bench/bench_verify.py --events 1000000 --history /tmp/history.sqlite --workers 2
"""

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import psycopg
from bench_replay import generate
from psycopg import sql
from rich.console import Console
from rich.table import Table
from support import postgres_params
from thidua_ledger.application import Ledger
from thidua_ledger.audit import fast_verify
from thidua_ledger.audit.verify import walk
from thidua_ledger.settings import Settings

TARGET = 0.50
BATCH = fast_verify.PAGE  # the raw readers read pages as verify does
console = Console(width=max(Console().width, 120))


class Unsnapshotted(Ledger):
    """For generating a history fast: verify and the raw reads never look at snapshots."""

    name = Ledger.name  # the same tables on PostgreSQL, whose names follow the application's
    snapshotting_intervals = {}  # noqa: RUF012 - read by eventsourcing


def history(settings: Settings, events: int) -> None:
    ledger = Unsnapshotted(env=settings.eventstore_env())
    if not ledger.position():
        console.print(f"generating about {events:,} events on {settings.store} (no snapshots)…")
        generate(ledger, events, 2000)
    ledger.close()


def open_ledger(settings: Settings) -> Ledger:
    return Ledger(env={**settings.eventstore_env(), "CREATE_TABLE": "false"})


def read_notifications(settings: Settings, after: int, stop: int) -> int:
    ledger, count = open_ledger(settings), 0
    while rows := ledger.recorder.select_notifications(start=after, limit=BATCH, stop=stop,
                                                       inclusive_of_start=False):
        count += len(rows)
        after = rows[-1].id
    ledger.close()
    return count


def read_events(settings: Settings, after: int, stop: int) -> int:
    ledger, count = open_ledger(settings), 0
    recorder: Any = ledger.recorder
    while after < stop:
        count += len(recorder.raw_events(after, min(after + BATCH, stop)))
        after += BATCH
    ledger.close()
    return count


def read_events_and_chain(settings: Settings, after: int, stop: int, joined: bool = True) -> int:
    """The rows verify reads: each event's (position, id, version, topic, state) and its
    chain row's (position, id, version, content, hash, moment), a page at a time, in one
    joined query or in two (whichever a store reads faster is the baseline)."""
    ledger, count = open_ledger(settings), 0
    recorder: Any = ledger.recorder
    pos = "rowid" if settings.store == "sqlite" else "notification_id"
    both = (f"SELECT e.{pos}, e.originator_id, e.originator_version, e.topic, e.state, c.position, "
            "c.originator_id, c.originator_version, c.content, c.hash, c.recorded_at "
            f"FROM {{events}} e LEFT JOIN {{chain}} c ON c.position = e.{pos} AND c.position > ? AND c.position <= ? "
            f"WHERE e.{pos} > ? AND e.{pos} <= ? ORDER BY e.{pos}")
    chain = ("SELECT position, originator_id, originator_version, content, hash, recorded_at FROM {chain} "
             "WHERE position > ? AND position <= ? ORDER BY position")
    while after < stop:
        top = min(after + BATCH, stop)
        if joined:
            count += len(recorder.query(both, (after, top, after, top)))
        else:
            count += len(recorder.raw_events(after, top))
            recorder.query(chain, (after, top))
        after = top
    ledger.close()
    return count


def verify_one(settings: Settings) -> int:
    ledger, reached = open_ledger(settings), []
    report = fast_verify.verify(ledger.recorder, progress=reached.append)  # as `ledger verify --progress`
    ledger.close()
    assert report.ok and reached, report
    return report.checked


def verify_many(settings: Settings, workers: int) -> int:
    ledger, reached = open_ledger(settings), []
    report = fast_verify.verify(ledger.recorder, workers, partial(fast_verify.settings_recorder, settings),
                                progress=reached.append)
    ledger.close()
    assert report.ok and reached, report
    return report.checked


def walk_one(settings: Settings) -> int:
    ledger = open_ledger(settings)
    report = walk(ledger.recorder)
    ledger.close()
    assert report.ok, report
    return report.checked


def in_parallel(reader: Any, settings: Settings, head: int, workers: int) -> int:
    """N readers, each on its share of the positions, at the same time."""
    step = -(-head // workers)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return sum(pool.map(partial(reader, settings), range(0, head, step),
                            [min(s + step, head) for s in range(0, head, step)]))


def _apart(reader: Any, settings: Settings, after: int, stop: int) -> int:
    return reader(settings, after, stop, joined=False)


def cpu() -> float:
    """This process's CPU time and its finished children's."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


@dataclass
class Measure:
    rate: float = 0.0  # events per second of wall time, the best round
    cpu: float = float("inf")  # CPU seconds per event, the least round


def measure(task: Any, best: Measure) -> None:
    started, used = time.perf_counter(), cpu()
    count = task()
    wall, spent = time.perf_counter() - started, cpu() - used
    best.rate, best.cpu = max(best.rate, count / wall), min(best.cpu, spent / count)


def store_settings(args: argparse.Namespace, folder: str) -> Settings:
    if args.store == "sqlite":
        return Settings(store="sqlite", sqlite_path=args.history or Path(folder) / "ledger.sqlite")
    pg = postgres_params()
    with psycopg.connect(host=pg["POSTGRES_HOST"], port=int(pg["POSTGRES_PORT"]), user=pg["POSTGRES_USER"],
                         password=pg["POSTGRES_PASSWORD"], dbname=pg["POSTGRES_DBNAME"], autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(args.schema)))
    return Settings(store="postgres", postgres_host=pg["POSTGRES_HOST"], postgres_port=int(pg["POSTGRES_PORT"]),
                    postgres_user=pg["POSTGRES_USER"], postgres_password=pg["POSTGRES_PASSWORD"],
                    postgres_dbname=pg["POSTGRES_DBNAME"], postgres_schema=args.schema)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=200_000, help="size of the generated history (default 200,000)")
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--history", type=Path, help="SQLite: keep the generated history in this file, and reuse it")
    parser.add_argument("--schema", default="bench_verify",
                        help="PostgreSQL: the schema that keeps the generated history (reused; default bench_verify)")
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds; the best of each kept")
    parser.add_argument("--walk", action="store_true", help="also time the old verify.walk")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-verify-") as folder:
        settings = store_settings(args, folder)
        history(settings, args.events)
        ledger = open_ledger(settings)
        head = ledger.position()
        ledger.close()
        n = args.workers
        joined, apart = "raw read, events and chain rows joined", "raw read, events and chain rows apart"
        events, notes = "raw read, events rows", "raw read, select_notifications"
        p_joined, p_apart = f"{n} raw readers in parallel, joined", f"{n} raw readers in parallel, apart"
        tasks = {
            joined: lambda: read_events_and_chain(settings, 0, head),
            apart: lambda: read_events_and_chain(settings, 0, head, joined=False),
            events: lambda: read_events(settings, 0, head),
            notes: lambda: read_notifications(settings, 0, head),
            "verify (fast path, with progress)": lambda: verify_one(settings),
            p_joined: lambda: in_parallel(read_events_and_chain, settings, head, n),
            p_apart: lambda: in_parallel(partial(_apart, read_events_and_chain), settings, head, n),
            f"verify --workers {n}": lambda: verify_many(settings, n),
        }
        if args.walk:
            tasks["verify.walk (before)"] = lambda: walk_one(settings)
        best = {name: Measure() for name in tasks}
        for round_ in range(args.rounds):
            for name, task in tasks.items():
                with console.status(f"round {round_ + 1}: {name}…"):
                    measure(task, best[name])
    table = Table(title=f"ledger verify over {head:,} events ({args.store}), best of {args.rounds}; "
                        f"target ≥ {TARGET:.0%} of the raw read of the same rows (÷ raw: the faster of "
                        "joined and apart)", title_justify="left")
    # the baseline: the faster way of reading the events and their chain rows
    one = Measure(max(best[joined].rate, best[apart].rate), min(best[joined].cpu, best[apart].cpu))
    many = Measure(max(best[p_joined].rate, best[p_apart].rate), min(best[p_joined].cpu, best[p_apart].cpu))
    for column in ("measure", "events/s", "CPU µs/event", "÷ raw (wall)", "÷ raw (CPU)", "÷ events rows",
                   "÷ notifications"):
        table.add_column(column, justify="left" if column == "measure" else "right")
    for name, m in best.items():
        if name.startswith(f"{n} ") or "--workers" in name:
            table.add_row(name, f"{m.rate:,.0f}", f"{m.cpu * 1e6:.2f}", f"{m.rate / many.rate:.0%}",
                          f"{many.cpu / m.cpu:.0%}", "", "")
        else:
            table.add_row(name, f"{m.rate:,.0f}", f"{m.cpu * 1e6:.2f}", f"{m.rate / one.rate:.0%}",
                          f"{one.cpu / m.cpu:.0%}", f"{m.rate / best[events].rate:.0%}",
                          f"{m.rate / best[notes].rate:.0%}")
    console.print(table)
    console.print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} shared cores: read the ratios.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
