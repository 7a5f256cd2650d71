"""Auditors' speed on a large generated history (issue 4), same run, SQLite by default.

1. Full replay of the log into every ledger projection (the award register and the state
   of every cluster and year), in events/s, against the raw rate of reading the log's rows;
   target: at least 50%, with a bounded memory peak (the log is streamed, never loaded).
2. An as-of read of an aggregate with 10,000 events, p95, against a current-state read;
   target: at most 2x. Reported for both clocks: known-at a position (from snapshots) and
   as-of an effective date (which must fold the whole history).

The history is generated straight through the domain (facts appended to aggregates and
saved in batches), since recording a million facts one by one through the rules takes hours.
"""

import argparse
import gc
import multiprocessing
import random
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import UUID, uuid4

from rich.console import Console
from rich.table import Table
from thidua_events.facts import Provenance, Role
from thidua_events.facts.awards import AwardConferred, AwardKindRegistered, AwardLevel, Recipient, RecipientKind
from thidua_events.facts.cluster import ClusterFormed, UnitJoined
from thidua_events.facts.corrections import FactCorrected
from thidua_events.facts.organisation import AuthorityRegistered, UnitRegistered
from thidua_events.facts.year import (
    CriteriaAdopted,
    Criterion,
    ScoreCorrected,
    ScoreKind,
    ScoreRecorded,
    YearOpened,
)
from thidua_ledger.application import Ledger
from thidua_ledger.audit.clocks import Clock, load
from thidua_ledger.audit.parallel import replay_in_parallel
from thidua_ledger.audit.replay import Rebuilt, rebuild
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.settings import Settings

console = Console()
CLERK = Provenance(actor="Bộ sinh dữ liệu", role=Role.CLERK)
CORRECTOR = Provenance(actor="Bộ sinh dữ liệu", role=Role.CLERK, reason="Đính chính điểm chấm nhầm")
CRITERIA = (Criterion(code="1", title="Xây dựng lực lượng", max_points=Decimal(60)),
            Criterion(code="2", title="Công tác chuyên môn", max_points=Decimal(40)))


def generate(ledger: Ledger, total: int, per_year: int, units_per_cluster: int = 10, mix: float = 0.0) -> UUID:
    """About `total` events; returns the id of one year of 10,000 events for the as-of read."""
    authority = uuid4()
    ledger.record(AuthorityRegistered(effective_date=date(2010, 1, 1), authority_id=authority,
                                      name="Công an thành phố Hà Nội", symbol="CATP"), CLERK)
    ledger.record(AwardKindRegistered(effective_date=date(2010, 1, 1), authority_id=authority,
                                      name="Cờ thi đua của Công an thành phố", level=AwardLevel.AUTHORITY_FLAG), CLERK)
    written, cluster_no, big_year = 2, 0, None
    started = time.perf_counter()
    while written < total:
        cluster_no += 1
        cluster, units = uuid4(), [uuid4() for _ in range(units_per_cluster)]
        ledger.record(ClusterFormed(effective_date=date(2010, 1, 1), cluster_id=cluster,
                                    name=f"Cụm thi đua số {cluster_no}", authority_id=authority), CLERK)
        for n, unit in enumerate(units):
            ledger.record(UnitRegistered(effective_date=date(2010, 1, 1), unit_id=unit,
                                         name=f"Phòng {cluster_no}.{n}", authority_id=authority), CLERK)
            ledger.record(UnitJoined(effective_date=date(2010, 1, 1), cluster_id=cluster, unit_id=unit), CLERK)
        written += 1 + 4 * len(units)  # each registration and join with its index event
        for year in range(2010, 2026):
            if written >= total:
                break
            size = 10_000 if big_year is None else min(per_year, total - written)
            written += _year(ledger, cluster, year, units, size, mix)
            if big_year is None:
                big_year = year_id(cluster, year)
            ledger.record(AwardConferred(
                effective_date=date(year + 1, 1, 15), decree_id=uuid4(), decree_no=f"{cluster_no}/QĐ-CATP",
                decree_date=date(year + 1, 1, 15), authority_id=authority, signer="Giám đốc", year=year,
                award_kind="Cờ thi đua của Công an thành phố", cluster_id=cluster,
                recipients=(Recipient(kind=RecipientKind.COLLECTIVE, unit_id=units[year % len(units)]),)), CLERK)
            written += 1 + 2  # the decree, its award claim and its number
        console.print(f"  generated {written:,} events ({written / (time.perf_counter() - started):,.0f}/s)",
                      end="\r")
    console.print()
    assert big_year is not None
    return big_year


def _year(ledger: Ledger, cluster: UUID, year: int, units: list[UUID], size: int, mix: float = 0.0) -> int:
    """A year of `size` events. With `mix`, that share of them are out of order: back-dated
    scores and ScoreCorrected (each about 45% of the mix) and corrections of an earlier score
    (FactCorrected, about 10%), which send an as-of read back past the snapshots."""
    ledger.record(YearOpened(effective_date=date(year, 1, 2), cluster_id=cluster, year=year,
                             movement="Vì an ninh Tổ quốc"), CLERK)
    ledger.record(CriteriaAdopted(effective_date=date(year, 1, 5), cluster_id=cluster, year=year,
                                  criteria=CRITERIA), CLERK)
    aggregate = ledger.get(EmulationYear, year_id(cluster, year))
    rng = random.Random(year)
    recorded: list[tuple[int, ScoreRecorded]] = []  # (version, score) to correct later
    for n in range(size - 2):
        # Effective dates spread over the year, so an as-of date keeps part of the history.
        month = 1 + n * 12 // size
        day = date(year, month, 10)
        draw = rng.random() if mix else 1.0
        if recorded and draw < mix * 0.1:
            version, original = rng.choice(recorded)
            replacement = original.model_dump(mode="json") | {"points": str(Decimal(rng.randrange(40)))}
            aggregate.record(FactCorrected(effective_date=day, original=f"{aggregate.id}:{version}",
                                           replacement_type="ScoreRecorded", replacement=replacement), CORRECTOR)
        elif recorded and draw < mix * 0.55:
            aggregate.record(ScoreCorrected(effective_date=day, cluster_id=cluster, year=year, score_id=uuid4(),
                                            corrects_score_id=rng.choice(recorded)[1].score_id,
                                            points=Decimal(rng.randrange(40))), CLERK)
        else:
            if draw < mix:  # back-dated: a score recorded late, dated months before its neighbours
                day = date(year, rng.randint(1, month), 5)
            score = ScoreRecorded(effective_date=day, cluster_id=cluster, year=year, score_id=uuid4(),
                                  unit_id=units[n % len(units)], criterion_code=str(1 + n % 2),
                                  points=Decimal(n % 40), kind=ScoreKind.SELF)
            aggregate.record(score, CLERK)
            recorded.append((aggregate.version, score))
        if len(aggregate.pending_events) >= 1000:
            ledger.save(aggregate)
    ledger.save(aggregate)
    return size


def raw_read(ledger: Ledger, batch: int) -> tuple[int, float]:
    started, count, after = time.perf_counter(), 0, 0
    while rows := ledger.recorder.select_notifications(start=after, limit=batch, inclusive_of_start=False):
        count += len(rows)
        after = rows[-1].id
    return count, time.perf_counter() - started


def _raw_share(path: Path, after: int, stop: int) -> int:
    ledger = Ledger(env={**Settings(store="sqlite", sqlite_path=path).eventstore_env(), "CREATE_TABLE": "false"})
    count = 0
    while rows := ledger.recorder.select_notifications(start=after, limit=5000, stop=stop, inclusive_of_start=False):
        count += len(rows)
        after = rows[-1].id
    ledger.close()
    return count


def parallel_raw_read(path: Path, workers: int, head: int) -> tuple[int, float]:
    """`workers` raw readers at once, each on its share of the positions, start-up included:
    the like-for-like baseline of the replay shared among as many processes."""
    step = -(-head // workers)
    starts = list(range(0, head, step))
    started = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        count = sum(pool.map(_raw_share, [path] * len(starts), starts, [min(s + step, head) for s in starts]))
    return count, time.perf_counter() - started


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def peak_growth_start() -> int:
    """Reset this process's peak RSS to its current RSS (Linux), and return that. ru_maxrss
    cannot be reset, and a spawned process starts with its parent's."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_kib("VmRSS")


def peak_growth(since: int) -> int:
    return _status_kib("VmHWM") - since


def timed_rebuild(ledger: Ledger, only: tuple[UUID, ...] | None) -> tuple[Rebuilt, float, int]:
    """(what was rebuilt, seconds, growth of the peak RSS in KiB)."""
    rss_before = peak_growth_start()
    started = time.perf_counter()
    rebuilt = rebuild(ledger, only=only)
    return rebuilt, time.perf_counter() - started, peak_growth(rss_before)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000


def reads(ledger: Ledger, entity: UUID, rounds: int) -> dict[str, float]:
    versions = ledger.recorder.query(  # type: ignore[attr-defined]
        "SELECT position FROM {chain} WHERE originator_id = ? ORDER BY position", (str(entity),))
    positions = [int(p) for (p,) in versions]
    timings: dict[str, list[float]] = {"current": [], "known_at": [], "as_of": []}
    rng = random.Random(7)
    for _ in range(rounds):
        for name, clock in (("current", Clock()),
                            ("known_at", Clock(known_at=rng.choice(positions))),
                            ("as_of", Clock(as_of=date(2010, rng.randint(1, 12), 15)))):
            started = time.perf_counter()
            load(ledger, EmulationYear, entity, clock)
            timings[name].append(time.perf_counter() - started)
    return {name: p95(values) for name, values in timings.items()}


def measure(path: Path, big: UUID, rounds: int, workers: int) -> dict[str, float]:
    """Everything timed, in a fresh process, so that the memory figures are the replay's own."""
    settings = Settings(store="sqlite", sqlite_path=path)
    ledger = Ledger(env=settings.eventstore_env())
    rows, raw_before = raw_read(ledger, 5000)
    # The log streamed and decoded with nothing kept, then every projection rebuilt.
    _, streamed_s, streamed_rss = timed_rebuild(ledger, only=())
    rebuilt, replay_s, replay_rss = timed_rebuild(ledger, only=None)
    results = {"rows": rows, "events": rebuilt.events_read,
               "replay_rate": rebuilt.events_read / replay_s, "streamed_rate": rebuilt.events_read / streamed_s,
               "streamed_rss_kib": streamed_rss, "replay_rss_kib": replay_rss,
               "entities": len(rebuilt.entities), "awards": len(rebuilt.register.entries)}
    # The second raw read, like the first, on a heap without the projections: with them, the
    # collector's passes over 400 MiB of objects would slow it and flatter the ratio.
    del rebuilt
    gc.collect()
    _, raw_after = raw_read(ledger, 5000)
    results["raw_rate"] = rows / ((raw_before + raw_after) / 2)
    # The same replay shared among processes (their start-up included), without comparing.
    started = time.perf_counter()
    _, shared = replay_in_parallel(settings, ledger, workers, compare=False)
    results["shared_rate"] = shared.events_read / (time.perf_counter() - started)
    count, elapsed = parallel_raw_read(path, workers, ledger.position())
    results["parallel_raw_rate"] = count / elapsed
    results.update(reads(ledger, big, rounds))
    ledger.close()
    return results


def history(path: Path, events: int, per_year: int, mix: float = 0.0) -> UUID:
    """The generated history in `path` (kept for the next run), and its 10,000-event year."""
    marker = path.with_suffix(".year")
    if path.exists() and marker.exists():
        console.print(f"reusing the history in {path}")
        return UUID(marker.read_text().strip())
    ledger = Ledger(env=Settings(store="sqlite", sqlite_path=path).eventstore_env())
    console.print(f"generating about {events:,} events on SQLite…")
    big = generate(ledger, events, per_year, mix=mix)
    ledger.close()
    marker.write_text(str(big))
    return big


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000, help="size of the generated history")
    parser.add_argument("--per-year", type=int, default=2_000, help="events per generated emulation year")
    parser.add_argument("--rounds", type=int, default=40, help="reads per clock for the p95")
    parser.add_argument("--history", type=Path, help="keep the generated history in this SQLite file, "
                        "and reuse it if it is there (generating a million events takes minutes)")
    parser.add_argument("--workers", type=int, default=2, help="processes for the shared replay")
    parser.add_argument("--mix", type=float, default=0.05,
                        help="share of back-dated and corrected facts in each year (default 0.05; 0: dates rise "
                             "with recording order, the best case for as-of reads)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-replay-") as folder:
        path = args.history or Path(folder) / "ledger.sqlite"
        big = history(path, args.events, args.per_year, args.mix)
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as fresh:
            r = fresh.submit(measure, path, big, args.rounds, args.workers).result()
    table = Table("measure", "baseline", "measured", "ratio", "target", title="Auditors on a large history")
    table.add_row("full replay into all projections, events/s", f"raw log read {r['raw_rate']:,.0f}/s",
                  f"{r['replay_rate']:,.0f}/s ({r['events']:,.0f} events)",
                  f"{r['replay_rate'] / r['raw_rate']:.0%}", "≥ 50%")
    table.add_row(f"  the same, shared among {args.workers} processes",
                  f"{args.workers} raw readers at once {r['parallel_raw_rate']:,.0f}/s",
                  f"{r['shared_rate']:,.0f}/s",
                  f"{r['shared_rate'] / r['parallel_raw_rate']:.0%}", "≥ 50%")
    table.add_row("  the log streamed and decoded, nothing kept", "", f"{r['streamed_rate']:,.0f}/s",
                  f"{r['streamed_rate'] / r['raw_rate']:.0%}", "")
    table.add_row("  peak memory growth, streaming only", "", f"{r['streamed_rss_kib'] / 1024:,.1f} MiB", "",
                  "bounded")
    table.add_row("  peak memory growth, all projections", "", f"{r['replay_rss_kib'] / 1024:,.0f} MiB "
                  f"({r['replay_rss_kib'] * 1024 / r['events']:,.0f} B/event; {r['entities']:,.0f} clusters "
                  f"and years, {r['awards']:,.0f} awards)", "", "")
    for name in ("known_at", "as_of"):
        table.add_row(f"{name} read of a 10,000-event year, p95", f"current {r['current']:.1f} ms",
                      f"{r[name]:.1f} ms", f"{r[name] / r['current']:.1f}x", "≤ 2x")
    console.print(table)


if __name__ == "__main__":
    main()
