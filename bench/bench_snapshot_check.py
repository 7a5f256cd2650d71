#!/usr/bin/env python
"""What checking a snapshot adds to a current read of a year with a long history.

For each store (SQLite in a temporary file, PostgreSQL in a fresh schema) one emulation
year is given a long history (`--scores` ScoreRecorded facts, saved in large batches so
eventsourcing takes a snapshot every 100 events), then read the way a current read does:
its newest snapshot plus the events after it. Two paths, alternated in the same run:

  unchecked  the newest stored snapshot decoded by eventsourcing's stock mapper (no topic,
             format or seal check, no chain lookup), then the events after it: what a
             read cost before snapshots were checked;
  checked    `Ledger.get(EmulationYear, id)`: the snapshot's topic, format and seal
             (HMAC-SHA256 over its bytes, with a LEDGER_SNAPSHOT_KEY) and its chain link
             (one indexed lookup) are checked before it is decoded.

Target: checked at most 1.05x unchecked (the medians). On a busy machine the two paths'
medians move by more than the check costs, so the run also times the check alone (seal and
chain lookup on the same stored snapshot, many times) as a share of the unchecked read.
Exits 0 whether or not the target is met.

    set -a; . var/postgres/postgres.env; set +a
    .venv/bin/python bench/bench_snapshot_check.py [--scores 5050] [--reads 60] [--stores sqlite,postgres]
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from eventsourcing.persistence import Mapper
from rich.console import Console
from rich.table import Table
from support import postgres_params
from thidua_events.facts import Provenance, Role
from thidua_events.facts.cluster import ClusterFormed, UnitJoined
from thidua_events.facts.organisation import AuthorityRegistered, UnitRegistered
from thidua_events.facts.year import CriteriaAdopted, Criterion, ScoreKind, ScoreRecorded, YearOpened
from thidua_ledger.application import Ledger, fold
from thidua_ledger.audit.replay import state_of
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.settings import Settings

CLERK = Provenance(actor="Bench", role=Role.CLERK, source_ref="bench")
SEAL_KEY = "bench-snapshot-seal-key-0123456789abcdef"
START = date(2015, 1, 1)


@contextlib.contextmanager
def store(kind: str) -> Iterator[Settings]:
    if kind == "sqlite":
        directory = Path(tempfile.mkdtemp())
        try:
            yield Settings(store="sqlite", sqlite_path=directory / "ledger.sqlite", snapshot_key=SEAL_KEY)
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        return
    import psycopg

    pg = postgres_params()
    schema = f"bench_snap_{uuid.uuid4().hex[:10]}"
    connect: dict[str, Any] = dict(host=pg["POSTGRES_HOST"], port=int(pg["POSTGRES_PORT"]),
                                   user=pg["POSTGRES_USER"], password=pg["POSTGRES_PASSWORD"],
                                   dbname=pg["POSTGRES_DBNAME"], autocommit=True)
    with psycopg.connect(**connect) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield Settings(store="postgres", postgres_host=pg["POSTGRES_HOST"], postgres_port=int(pg["POSTGRES_PORT"]),
                       postgres_user=pg["POSTGRES_USER"], postgres_password=pg["POSTGRES_PASSWORD"],
                       postgres_dbname=pg["POSTGRES_DBNAME"], postgres_schema=schema, snapshot_key=SEAL_KEY)
    finally:
        with psycopg.connect(**connect) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def long_year(ledger: Ledger, scores: int, batch: int = 500) -> uuid.UUID:
    authority, cluster = uuid.uuid4(), uuid.uuid4()
    ledger.record(AuthorityRegistered(effective_date=START, authority_id=authority, name="Công an tỉnh",
                                      symbol="CAT", place="Hà Nội"), CLERK)
    ledger.record(ClusterFormed(effective_date=START, cluster_id=cluster, name="Cụm thi đua số 4",
                                authority_id=authority), CLERK)
    units = []
    for n in range(10):
        units.append(uuid.uuid4())
        ledger.record(UnitRegistered(effective_date=START, unit_id=units[-1], name=f"Phòng số {n + 1}",
                                     authority_id=authority), CLERK)
        ledger.record(UnitJoined(effective_date=START, cluster_id=cluster, unit_id=units[-1]), CLERK)
    ledger.record(YearOpened(effective_date=date(2019, 1, 2), cluster_id=cluster, year=2019,
                             movement="Vì an ninh Tổ quốc"), CLERK)
    ledger.record(CriteriaAdopted(effective_date=date(2019, 1, 5), cluster_id=cluster, year=2019, criteria=(
        Criterion(code="1", title="Xây dựng lực lượng", max_points=Decimal(60)),)), CLERK)
    entity_id = year_id(cluster, 2019)
    done = 0
    while done < scores:
        year = ledger.get(EmulationYear, entity_id)
        for n in range(done, min(scores, done + batch)):
            # Straight through the domain, as bench_replay does: the rules would allow a unit one
            # self score per criterion, and this is about reading a long history, not writing one.
            year.record(ScoreRecorded(effective_date=date(2019, 11, 1), cluster_id=cluster, year=2019,
                                      score_id=uuid.uuid4(), unit_id=units[n % 10], criterion_code="1",
                                      points=Decimal(n % 50) / 4, kind=ScoreKind.SELF), CLERK)
        ledger.save(year)  # eventsourcing snapshots every 100th version of it
        done = min(scores, done + batch)
    return entity_id


def unchecked(ledger: Ledger, entity_id: uuid.UUID) -> Any:
    assert ledger.snapshots is not None
    [stored] = ledger.snapshots.recorder.select_events(entity_id, desc=True, limit=1)
    snapshot = Mapper.to_domain_event(ledger.snapshots.mapper, stored)  # the stock mapper's own method
    return fold(snapshot.mutate(None), ledger.events.get(entity_id, gt=stored.originator_version))


def checked(ledger: Ledger, entity_id: uuid.UUID) -> Any:
    return ledger.get(EmulationYear, entity_id)


def measure(kind: str, scores: int, reads: int) -> dict[str, Any]:
    with store(kind) as settings:
        ledger = Ledger(env=settings.eventstore_env())
        try:
            entity_id = long_year(ledger, scores)
            assert state_of(checked(ledger, entity_id)) == state_of(unchecked(ledger, entity_id))
            version = ledger.get(EmulationYear, entity_id).version
            size = ledger.recorder.query("SELECT MAX(length(state)) FROM {snapshots}")[0][0]  # type: ignore[attr-defined]
            times: dict[str, list[float]] = {"unchecked": [], "checked": []}
            for path in (unchecked, checked):  # warm up
                path(ledger, entity_id)
            for n in range(reads):
                order = (unchecked, checked) if n % 2 == 0 else (checked, unchecked)
                for path in order:
                    started = time.perf_counter()
                    path(ledger, entity_id)
                    times[path.__name__].append(time.perf_counter() - started)
            check = statistics.median(check_only(ledger, entity_id, reads * 5))
        finally:
            ledger.close()
    medians = {k: statistics.median(v) * 1000 for k, v in times.items()}
    return {"store": kind, "version": version, "snapshot_bytes": int(size), **medians,
            "ratio": medians["checked"] / medians["unchecked"], "check": check * 1000,
            "share": check * 1000 / medians["unchecked"]}


def check_only(ledger: Ledger, entity_id: uuid.UUID, times: int) -> list[float]:
    """What `checked` adds, timed alone: the stored snapshot's seal, and its link against the chain."""
    assert ledger.snapshots is not None
    [stored] = ledger.snapshots.recorder.select_events(entity_id, desc=True, limit=1)
    took = []
    for _ in range(times):
        started = time.perf_counter()
        ledger.snapshots.mapper.check(stored)  # type: ignore[attr-defined]
        ledger.recorder.chain_link(entity_id, stored.originator_version)  # type: ignore[attr-defined]
        took.append(time.perf_counter() - started)
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scores", type=int, default=5050)
    parser.add_argument("--reads", type=int, default=60)
    parser.add_argument("--stores", default="sqlite,postgres")
    args = parser.parse_args()
    table = Table(title="Checking a snapshot on a current read of a long year (target: ratio <= 1.05)")
    for column in ("store", "year version", "snapshot bytes", "unchecked ms", "checked ms", "ratio",
                   "check alone ms", "check / read"):
        table.add_column(column, justify="right")
    for kind in args.stores.split(","):
        r = measure(kind, args.scores, args.reads)
        table.add_row(r["store"], str(r["version"]), f"{r['snapshot_bytes']:,}", f"{r['unchecked']:.2f}",
                      f"{r['checked']:.2f}", f"{r['ratio']:.3f}", f"{r['check']:.2f}", f"{r['share']:.2%}")
    Console().print(table)


if __name__ == "__main__":
    main()
