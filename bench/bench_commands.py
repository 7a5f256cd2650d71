#!/usr/bin/env python
"""Commands on a year with a long history against eventsourcing's own append rate.

Three paths, each on a SQLite file of its own, alternating in chunks so all see the same
background load:

  library   eventsourcing's stock Application: one aggregate kept in memory, one event per
            "command" carrying the same fact fields, saved. No rules, no chain, no decoding:
            the ceiling an event-sourced write can reach on this store.
  ledger    `Ledger.record(ScoreRecorded)` with the entity cache (the default).
  no cache  the same with LEDGER_ENTITY_CACHE_SIZE=0: every command loads the year (its
            newest snapshot and the events since) and decodes it.

The ledgers' year first gets `--history` scores (untimed), so each timed command lands on
a year with a long history. Targets: the ledger at least 1,500 commands/s, reported with
its ratio to the library's rate.

    .venv/bin/python bench/bench_commands.py [--n 2000] [--history 3000] [--chunk 100] [--split] [--profile] [--reads N]
        [--snapshot]

`--split` then runs `--n` more commands on the cached ledger, summing the CPU time of each
phase (the head, the rules, the insert and commit, snapshots, the cache) without a
profiler's cost per call. `--profile` then runs `--n` more commands on the cached ledger under cProfile (after the
timed run, so its figures are not disturbed) and prints where their time goes. `--reads N`
then reads the cached ledger's year N times past its cache, as a query or a cold start does
(its newest snapshot and the events since, decoded and folded): the mean and median show
that what speeds up commands did not slow a cold read. `--snapshot` prints the size of one
snapshot of the year and the CPU to write, seal and read it back.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from rich.console import Console
from rich.table import Table
from thidua_events.facts import Provenance, Role
from thidua_events.facts.cluster import ClusterFormed, UnitJoined
from thidua_events.facts.organisation import AuthorityRegistered, UnitRegistered
from thidua_events.facts.year import (
    CriteriaAdopted,
    Criterion,
    PledgeAdopted,
    PledgeDrafted,
    ScoreKind,
    ScoreRecorded,
    YearOpened,
)
from thidua_ledger.application import HANDLERS, Ledger
from thidua_ledger.domain.snapshots import EntitySnapshot
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.settings import Settings

TARGET = 1500  # commands/s, direct, on SQLite
UNITS = 10
CLERK = Provenance(actor="Thư ký (bench)", role=Role.CLERK, source_ref="BB-bench")
console = Console(width=max(Console().width, 120))


class Tally(Aggregate):
    """The library's own baseline aggregate: it only counts."""

    def __init__(self) -> None:
        self.count = 0

    @event("Scored")
    def score(self, fields: dict[str, Any]) -> None:
        self.count += 1


@dataclass
class Path_:
    name: str
    send: Any
    chunks: list[float] = field(default_factory=list)
    cpu: float = 0.0
    done: int = 0

    @property
    def rate(self) -> float:
        return self.done / sum(self.chunks)


class Year:
    """A cluster of ten units and one year, its scale wide enough for many thousand scores."""

    def __init__(self, ledger: Ledger, leaves: int) -> None:
        self.ledger, self.cluster, self.units = ledger, uuid4(), [uuid4() for _ in range(UNITS)]
        authority, start = uuid4(), date(2015, 1, 1)
        record = ledger.record
        record(AuthorityRegistered(effective_date=start, authority_id=authority, name="Công an thành phố Hà Nội",
                                   symbol="CATP", place="Hà Nội"), CLERK)
        record(ClusterFormed(effective_date=start, cluster_id=self.cluster, name="Cụm thi đua số 1",
                             authority_id=authority), CLERK)
        for n, unit in enumerate(self.units):
            record(UnitRegistered(effective_date=start, unit_id=unit, name=f"Phòng số {n + 1}",
                                  authority_id=authority), CLERK)
            record(UnitJoined(effective_date=start, cluster_id=self.cluster, unit_id=unit), CLERK)
        key = {"cluster_id": self.cluster, "year": 2019}
        record(YearOpened(effective_date=date(2019, 1, 2), movement="Vì an ninh Tổ quốc", **key), CLERK)
        record(PledgeDrafted(effective_date=date(2019, 1, 10), drafted_by_unit_id=self.units[0],
                             title="Giao ước thi đua", **key), CLERK)
        record(PledgeAdopted(effective_date=date(2019, 1, 15), **key), CLERK)
        record(CriteriaAdopted(effective_date=date(2019, 1, 15), **key, criteria=tuple(
            Criterion(code=str(n), title=f"Tiêu chí {n}", max_points=Decimal(60)) for n in range(1, leaves + 1))),
            CLERK)
        # One self score per unit and criterion, one cross score per inspector: slots in random order.
        self.slots = [(u, str(c), by) for c in range(1, leaves + 1) for u in self.units
                      for by in [None, *self.units] if by != u]
        random.Random(2019).shuffle(self.slots)

    def scores(self, n: int) -> list[ScoreRecorded]:
        taken, self.slots = self.slots[:n], self.slots[n:]
        return [ScoreRecorded(effective_date=date(2019, 10, 1), cluster_id=self.cluster, year=2019,
                              score_id=uuid4(), unit_id=unit, criterion_code=code, points=Decimal("0.5"),
                              kind=ScoreKind.CROSS if by else ScoreKind.SELF, scored_by_unit_id=by)
                for unit, code, by in taken]


def ledger_path(name: str, directory: Path, cache: bool, history: int, n: int) -> tuple[Path_, Ledger, UUID]:
    """`n` commands may be sent (the timed ones, and those profiled after); with the ledger
    and its year's id."""
    env = Settings(store="sqlite", sqlite_path=directory / f"{name}.sqlite").eventstore_env()
    ledger = Ledger(env={**env, "LEDGER_ENTITY_CACHE_SIZE": "256" if cache else "0"})
    year = Year(ledger, leaves=(history + n) // (2 * UNITS) + 10)
    for fact in year.scores(history):
        ledger.record(fact, CLERK)
    facts = iter(year.scores(n))
    return Path_(name, lambda: ledger.record(next(facts), CLERK)), ledger, year_id(year.cluster, 2019)


def cold_reads(ledger: Ledger, entity_id: UUID, n: int) -> None:
    """Read the year `n` times as a read outside a command does, past the entity cache."""
    times, version = [], 0
    for _ in range(n):
        start = time.perf_counter()
        version = ledger.get(EmulationYear, entity_id).version
        times.append(1000 * (time.perf_counter() - start))
    console.print(f"cold read of the year at version {version:,} (its newest snapshot and the events since), "
                  f"{n} reads: mean {statistics.mean(times):.2f} ms, median {statistics.median(times):.2f} ms, "
                  f"min {min(times):.2f} ms")


def snapshot_costs(ledger: Ledger, entity_id: UUID, n: int = 20) -> None:
    """One snapshot of the year, taken `n` times: its stored bytes, and the CPU (medians) to
    write its state, encode and seal it, and read the newest stored one back (checked, decoded,
    its index rebuilt)."""
    year = ledger.get(EmulationYear, entity_id)
    assert ledger.snapshots is not None
    newest = ledger.stored_snapshots(entity_id, desc=True, limit=1)[0]
    taken = EntitySnapshot.take_at(year, 0, "0" * 64)

    def cpu(step: Any) -> float:
        gc.collect()
        spent = []
        for _ in range(n):
            start = time.process_time()
            step()
            spent.append(time.process_time() - start)
        return 1000 * statistics.median(spent)

    state = ledger.snapshots.mapper.to_stored_event(taken).state
    console.print(f"a snapshot of the year at version {year.version:,}: {len(state):,} bytes; CPU (median of {n}): "
                  f"state written {cpu(lambda: EntitySnapshot.take_at(year, 0, '0' * 64)):.2f} ms, encoded and "
                  f"sealed {cpu(lambda: ledger.snapshots.mapper.to_stored_event(taken)):.2f} ms, the newest read "
                  f"back {cpu(lambda: ledger.checked_snapshot(newest).mutate(None)):.2f} ms")


def profile(path: Path_, n: int, top: int = 30) -> None:
    """Run `n` more commands of `path` under cProfile; print the top entries by own and by
    cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        path.send()
    profiler.disable()
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(top)
        console.print(f"[bold]profile of {n} commands ({path.name}), by {order}[/bold]")
        print(_trim(out.getvalue()))


def split(path: Path_, ledger: Ledger, n: int) -> None:
    """Run `n` more commands of `path`, each phase's CPU time (`process_time`) summed on the
    way: without a profiler's cost per call, which inflates small calls."""
    spent: dict[str, float] = {}

    def timed(inner: Any, phase: str) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[phase] = spent.get(phase, 0.0) + time.process_time() - start
        return wrapper

    handlers = dict(HANDLERS)
    for fact_type, handler in handlers.items():
        HANDLERS[fact_type] = timed(handler, "the rules and the entities they read")
    phases = [(Ledger, "position", "the log's head, read from the store"),
              (Application, "_record", "the insert and its commit, events encoded"),
              (ledger.mapper, "to_stored_event", "of which encoding the events"),
              (Ledger, "_take_snapshots", "snapshots (one in a hundred commands)"),
              (Ledger, "_keep", "handing entities back to the cache")]
    originals = [(owner, name, getattr(owner, name)) for owner, name, _ in phases]
    for owner, name, phase in phases:
        setattr(owner, name, timed(getattr(owner, name), phase))
    try:
        gc.collect()
        start = time.process_time()
        for _ in range(n):
            path.send()
        total = time.process_time() - start
    finally:
        HANDLERS.update(handlers)
        for owner, name, inner in originals:
            setattr(owner, name, inner)
    table = Table(title=f"CPU of {n} more commands ({path.name}), by phase")
    for column in ("phase", "ms/cmd", "share"):
        table.add_column(column, justify="left" if column == "phase" else "right")
    table.add_row("all", f"{1000 * total / n:.3f}", "100%")
    for phase, seconds in spent.items():
        table.add_row(phase, f"{1000 * seconds / n:.3f}", f"{100 * seconds / total:.0f}%")
    console.print(table)


def _trim(report: str) -> str:
    """pstats' table without its preamble (the lines before the column titles)."""
    lines = report.splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    header = next((line for line in lines if "function calls" in line), "")
    return "\n".join([header.strip(), *lines[start:]])


def library_path(directory: Path, sample: ScoreRecorded) -> Path_:
    app: Application[UUID] = Application(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                                              "SQLITE_DBNAME": str(directory / "library.sqlite")})
    tally = Tally()
    app.save(tally)
    fields = sample.model_dump(mode="json")

    def send() -> None:
        tally.score(fields)
        app.save(tally)

    return Path_("library", send)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="timed commands per path (default 2000)")
    parser.add_argument("--history", type=int, default=3000, help="scores in the year before timing (default 3000)")
    parser.add_argument("--chunk", type=int, default=100, help="commands per path before switching (default 100)")
    parser.add_argument("--profile", action="store_true",
                        help="then profile --n more commands on the cached ledger (cProfile)")
    parser.add_argument("--split", action="store_true",
                        help="then run --n more commands on the cached ledger, timing each phase's CPU")
    parser.add_argument("--snapshot", action="store_true",
                        help="then print a year's snapshot's bytes and CPU to write, seal and read back")
    parser.add_argument("--reads", type=int, default=0,
                        help="then read the year N times past the cache, and print the mean and median")
    args = parser.parse_args()
    sent = (1 + args.profile + args.split) * args.n
    directory = Path(tempfile.mkdtemp(prefix="bench-commands-"))
    try:
        with console.status(f"recording {args.history} scores into each ledger's year…"):
            cached, ledger, year = ledger_path("ledger", directory, True, args.history, sent)
            uncached, other, _ = ledger_path("no cache", directory, False, args.history, sent)
        library = library_path(directory, ScoreRecorded(
            effective_date=date(2019, 10, 1), cluster_id=uuid4(), year=2019, score_id=uuid4(), unit_id=uuid4(),
            criterion_code="1", points=Decimal("0.5"), kind=ScoreKind.SELF))
        paths = [library, cached, uncached]
        gc.collect()
        with console.status(f"{args.n} commands per path, alternating in chunks of {args.chunk}…"):
            for begin in range(0, args.n, args.chunk):
                for path in paths:
                    count = min(args.chunk, args.n - begin)
                    # Untimed: the garbage the path before left, so that no path's chunk pays for
                    # another's (the no-cache path decodes the year on every command, and its
                    # garbage was collected on the ledger's clock: 1.27 against 0.77 ms of CPU a
                    # command at --history 3000). A path's own collections inside its chunk count.
                    gc.collect()
                    cpu, start = time.process_time(), time.perf_counter()
                    for _ in range(count):
                        path.send()
                    path.chunks.append(time.perf_counter() - start)
                    path.cpu += time.process_time() - cpu
                    path.done += count
        report(paths, args)
        if args.reads:
            cold_reads(ledger, year, args.reads)
        if args.snapshot:
            snapshot_costs(ledger, year)
        if args.split:
            split(cached, ledger, args.n)
        if args.profile:
            profile(cached, args.n)
        ledger.close()
        other.close()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return 0


def report(paths: list[Path_], args: argparse.Namespace) -> None:
    library, cached, uncached = paths
    table = Table(title=f"Commands on a year with {args.history}+ events (SQLite), {args.n} per path; "
                        f"target: ledger ≥ {TARGET:,} commands/s", title_justify="left")
    for column in ("path", "commands/s", "CPU ms/cmd", "÷ library", "chunk-pair median ÷ library"):
        table.add_column(column, justify="left" if column == "path" else "right")
    for path in paths:
        pairs = [lib / own for lib, own in zip(library.chunks, path.chunks, strict=True)]
        table.add_row(path.name, f"{path.rate:,.0f}", f"{1000 * path.cpu / path.done:.3f}",
                      f"{100 * path.rate / library.rate:.0f}%", f"{100 * statistics.median(pairs):.0f}%")
    console.print(table)
    verdict = "meets" if cached.rate >= TARGET else "BELOW"
    console.print(f"ledger {cached.rate:,.0f} commands/s ({verdict} the target of {TARGET:,}); "
                  f"{cached.rate / uncached.rate:.1f}x the ledger without its cache; CPU-based "
                  f"{100 * library.cpu / cached.cpu:.0f}% of the library's rate. Load average "
                  f"{os.getloadavg()[0]:.1f} (2 shared cores: read the ratios).")


if __name__ == "__main__":
    sys.exit(main())
