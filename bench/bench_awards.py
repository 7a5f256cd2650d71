"""Award register reads on a large generated history (issue 12): what a read costs must not
depend on the length of the log, nor on which clock it is read at.

For each history size (the same generator as bench_replay.py, SQLite), the persisted
register is built once (timed), then three reads of one unit's awards are timed,
interleaved: current, as of a random effective date, and as known at a random position.
Target: the as-of and known-at p95 at most 2x the current p95, and each about the same at
every history size. For contrast, one as-of read done the old way (the register folded
from the whole log) is timed once per size.
"""

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from bench_replay import history  # the 1,000,000-event generator, shared
from rich.console import Console
from rich.table import Table
from thidua_ledger.application import Ledger
from thidua_ledger.audit.clocks import Clock
from thidua_ledger.award_register import StoredAwardRegister
from thidua_ledger.feed import fact_events, paused_gc
from thidua_ledger.migrations.database import open_database
from thidua_ledger.projections import AwardRegister
from thidua_ledger.settings import Settings

console = Console(width=200)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000


def old_as_of(ledger: Ledger, day: date) -> float:
    """The register as the API read it before: folded from the whole log, collector paused."""
    started = time.perf_counter()
    register = AwardRegister(ledger)
    with paused_gc():
        for position, event in fact_events(ledger):
            if event.fact.effective_date <= day:
                register.apply(event.fact, event.provenance, position)
    return time.perf_counter() - started


def measure(path: Path, rounds: int, old: bool = True) -> dict[str, float]:
    ledger = Ledger(env=Settings(store="sqlite", sqlite_path=path).eventstore_env())
    register = StoredAwardRegister(ledger)
    with open_database(ledger.recorder) as db:  # a kept history: build its register again, timed
        for table in ("award_entries", "award_revocations", "award_counts"):
            db.execute(f"DELETE FROM {{table:{table}}}")
        db.execute("UPDATE {table:award_tracking} SET position = 0")
    started = time.perf_counter()
    register.catch_up()
    built = time.perf_counter() - started
    awards = register.query().awards
    units = [a.unit_id for a in awards if a.unit_id is not None]
    unit = units[len(units) // 2]  # a unit in the middle of the history
    head, rng = ledger.position(), random.Random(12)
    reads: dict[str, Callable[[], Clock]] = {
        "current": Clock,
        "as_of": lambda: Clock(as_of=date(rng.randint(2010, 2026), rng.randint(1, 12), 15)),
        "known_at": lambda: Clock(known_at=rng.randint(1, head)),
    }
    timings: dict[str, list[float]] = {name: [] for name in reads}
    for _ in range(rounds):
        for name, clock in reads.items():
            chosen = clock()
            begun = time.perf_counter()
            register.query(unit_id=unit, clock=chosen)
            timings[name].append(time.perf_counter() - begun)
    results = {name: p95(values) for name, values in timings.items()}
    results.update({f"{name}_p50": statistics.median(values) * 1000 for name, values in timings.items()})
    results.update(events=head, awards=len(awards), built=built,
                   old_as_of=old_as_of(ledger, date(2018, 6, 15)) * 1000 if old else float("nan"))
    ledger.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, nargs="+", default=[100_000, 1_000_000],
                        help="history sizes to compare")
    parser.add_argument("--per-year", type=int, default=2_000, help="events per generated emulation year")
    parser.add_argument("--rounds", type=int, default=2000, help="reads per clock for the p95")
    parser.add_argument("--skip-old", action="store_true", help="do not time the old whole-log read")
    parser.add_argument("--keep", type=Path, help="keep the generated histories in this folder, and reuse them")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-awards-") as folder:
        where = args.keep or Path(folder)
        where.mkdir(parents=True, exist_ok=True)
        for size in args.events:
            path = where / f"ledger-{size}.sqlite"
            history(path, size, args.per_year)
            results[size] = measure(path, args.rounds, old=not args.skip_old)
    table = Table("history", "current p95 (p50)", "as-of p95 (p50)", "known-at p95 (p50)", "as-of / current",
                  "target", "register built once", "old as-of read (whole log)",
                  title="GET /awards?unit_id=… on the persisted register (SQLite, in process)")
    for r in results.values():
        table.add_row(f"{r['events']:,.0f} events, {r['awards']:,.0f} awards",
                      *(f"{r[n]:.2f} ms ({r[n + '_p50']:.2f})" for n in ("current", "as_of", "known_at")),
                      f"{r['as_of'] / r['current']:.2f}x (known-at {r['known_at'] / r['current']:.2f}x)", "≤ 2x",
                      f"{r['built']:.1f} s", f"{r['old_as_of']:,.0f} ms")

    console.print(table)
    if len(results) > 1:
        small, large = results[min(results)], results[max(results)]
        console.print(f"at {max(results):,} events ÷ at {min(results):,}: as-of p95 "
                      f"{large['as_of'] / small['as_of']:.2f}x, p50 {large['as_of_p50'] / small['as_of_p50']:.2f}x "
                      "(independent of log length: about 1x)")


if __name__ == "__main__":
    main()
