"""Catalogue search on a large register (issue 14), same run, SQLite by default.

A ledger of 1,000 clusters of 10 units each (10,000 units, each registered and joined, one
in ten renamed) is recorded through the rules once; the persisted names projection is then
built (timed). Interleaved, p95 over `--rounds` reads each:

- the baseline: reading one cluster-year (members, leader, flag holder; `cluster_in_year`);
- a search for one unit by a few words of its name, without diacritics, in another order;
- the same search under a former name as of an earlier date, and under the new name as known
  before the renames;
- a search for one cluster by "cum N";
- the first page (50) of all units, sorted the Vietnamese way.

Each search is a page of 50, as the API serves it (`StoredCatalogue.page`).

Target: each search p95 at most 2x the cluster-year p95.
"""

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from uuid import uuid4

from rich.console import Console
from rich.table import Table
from thidua_events.facts import Provenance, Role
from thidua_events.facts.cluster import ClusterFormed, UnitJoined
from thidua_events.facts.organisation import AuthorityRegistered, UnitRegistered, UnitRenamed
from thidua_events.facts.year import YearOpened
from thidua_ledger.application import Ledger
from thidua_ledger.audit.clocks import NOW, Clock
from thidua_ledger.catalogue import Entry, StoredCatalogue
from thidua_ledger.migrations.database import open_database
from thidua_ledger.queries import cluster_in_year
from thidua_ledger.settings import Settings

console = Console(width=200)
CLERK = Provenance(actor="Bộ sinh dữ liệu", role=Role.CLERK)


def generate(ledger: Ledger, clusters: int, units_per_cluster: int) -> int:
    """Records the register; returns the log position before the renames."""
    authority = uuid4()
    ledger.record(AuthorityRegistered(effective_date=date(2010, 1, 1), authority_id=authority,
                                      name="Công an thành phố Hà Nội", symbol="CATP"), CLERK)
    renames = []
    for c in range(1, clusters + 1):
        cluster = uuid4()
        ledger.record(ClusterFormed(effective_date=date(2010, 1, 1), cluster_id=cluster,
                                    name=f"Cụm thi đua số {c}", authority_id=authority), CLERK)
        for n in range(units_per_cluster):
            unit = uuid4()
            ledger.record(UnitRegistered(effective_date=date(2010, 1, 1), unit_id=unit,
                                         name=f"Phòng Tham mưu {c} đội {n}", authority_id=authority), CLERK)
            ledger.record(UnitJoined(effective_date=date(2010, 1, 1), cluster_id=cluster, unit_id=unit), CLERK)
            if n == 0:
                renames.append((unit, c))
        ledger.record(YearOpened(effective_date=date(2017, 1, 2), cluster_id=cluster, year=2017,
                                 movement="Vì an ninh Tổ quốc"), CLERK)
        if c % 100 == 0:
            console.print(f"  recorded {c:,} clusters")
    before = ledger.position()
    for unit, c in renames:
        ledger.record(UnitRenamed(effective_date=date(2018, 7, 1), unit_id=unit,
                                  name=f"Phòng Cảnh sát PCCC và CNCH {c}"), CLERK)
    console.print()
    return before


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clusters", type=int, default=1000)
    parser.add_argument("--units-per-cluster", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=300, help="reads of each kind for the p95")
    parser.add_argument("--keep", type=Path, help="keep the generated ledger in this folder, and reuse it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench_catalogue_"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"catalogue_{args.clusters}x{args.units_per_cluster}.sqlite"
    fresh = not path.exists()
    ledger = Ledger(env=Settings(store="sqlite", sqlite_path=path).eventstore_env())
    marker = folder / f"{path.name}.before"
    if fresh:
        started = time.perf_counter()
        marker.write_text(str(generate(ledger, args.clusters, args.units_per_cluster)))
        console.print(f"recorded {ledger.position():,} events in {time.perf_counter() - started:.0f} s")
    before = int(marker.read_text())
    catalogue = StoredCatalogue(ledger)
    with open_database(ledger.recorder) as db:  # a kept ledger: build its names again, timed
        for table in ("catalogue_names", "catalogue_members", "catalogue_words"):
            db.execute(f"DELETE FROM {{table:{table}}}")
        db.execute("UPDATE {table:catalogue_tracking} SET position = 0")
    started = time.perf_counter()
    catalogue.catch_up()
    console.print(f"names built from {ledger.position():,} events in {time.perf_counter() - started:.1f} s")

    clusters = catalogue.search("clusters")
    assert len(clusters) == args.clusters and len(catalogue.search("units")) == args.clusters * args.units_per_cluster
    rng = random.Random(14)

    def cluster_year() -> None:
        cluster_in_year(ledger, rng.choice(clusters).id, 2017)

    def unit_search() -> None:
        c, n = rng.randint(1, args.clusters), rng.randint(1, args.units_per_cluster - 1)
        # Prefixes: 1 finds 1, 10, 12... so the unit may be on a later page; every run checks one.
        assert search("units", f"doi {n} muu {c} THAM")

    def former_name() -> None:
        c = rng.randint(1, args.clusters)
        then = date(2017, 1, 1)
        found = search("units", f"tham muu {c} doi 0", Clock(as_of=then))
        assert f"Phòng Tham mưu {c} đội 0" in [e.name_on(then) for e in found]

    def known_before_rename() -> None:
        assert not search("units", f"pccc cnch {rng.randint(1, args.clusters)}", Clock(known_at=before))

    def search(kind: str, query: str, clock: Clock = NOW) -> list[Entry]:
        return catalogue.page(kind, clock, query, limit=50)[0]

    def first_page() -> None:
        assert len(catalogue.page("units", limit=50)[0]) == 50

    def cluster_search() -> None:
        c = rng.randint(1, args.clusters)
        found = search("clusters", f"so {c} cum")
        assert f"Cụm thi đua số {c}" in [e.name_on(None) for e in found]

    for c, n in ((1, 1), (args.clusters, args.units_per_cluster - 1)):  # whole answers, once, untimed
        assert f"Phòng Tham mưu {c} đội {n}" in [e.name_on(None) for e in
                                                 catalogue.search("units", query=f"doi {n} muu {c} THAM")]

    reads: dict[str, Callable[[], None]] = {"one cluster-year (baseline)": cluster_year,
                                            "search units by name": unit_search,
                                            "search units by former name, as of": former_name,
                                            "search units, known at (none found)": known_before_rename,
                                            "search clusters by name": cluster_search,
                                            "first page of all units": first_page}
    timings: dict[str, list[float]] = {name: [] for name in reads}
    for _ in range(args.rounds):
        for name, read in reads.items():
            started = time.perf_counter()
            read()
            timings[name].append(time.perf_counter() - started)
    base = p95(timings["one cluster-year (baseline)"])
    table = Table(title=f"catalogue, {args.clusters:,} clusters, {args.clusters * args.units_per_cluster:,} units, "
                        f"{ledger.position():,} events (SQLite)")
    for column in ("read", "p50 ms", "p95 ms", "p95 / cluster-year"):
        table.add_column(column, justify="right")
    for name, samples in timings.items():
        table.add_row(name, f"{statistics.median(samples) * 1000:.2f}", f"{p95(samples):.2f}",
                      f"{p95(samples) / base:.2f}x")
    console.print(table)
    console.print("target: each search at most 2.00x the cluster-year read")
    console.print(f"command: python bench/bench_catalogue.py --clusters {args.clusters} "
                  f"--units-per-cluster {args.units_per_cluster} --rounds {args.rounds}")


if __name__ == "__main__":
    main()
