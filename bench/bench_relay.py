#!/usr/bin/env python
"""The relay against the raw kafka-python producer, and end-to-end latency to a subscriber.

For each store (SQLite in a temporary file, PostgreSQL in a fresh schema):

  throughput  The ledger holds `--events` events (clusters with members, some award
              decrees). `raw` sends their Kafka messages (the very keys, values and headers
              the relay sends, built before timing) with a producer configured exactly as
              the relay's, then flushes once. `relay` is `Relay.catch_up()` from position 0:
              it reads the log, decodes each event, builds its CloudEvent, sends, waits for
              the acks of every batch and records its position. Both start connected, with
              the topics created; they alternate `--rounds` times on fresh topics, and the
              median of each is compared. Target: relay at least 70% of raw.

  latency     Writers append one fact each at a steady `--rate` per second for `--seconds`;
              `ledger relay` runs as its own process (as deployed); a `Subscriber` in this
              process records when its handler receives each event. Latency is the handler's
              time minus the moment `Ledger.record` returned (the append committed).

The script prints the figures and exits 0 whether or not the target is met.

    set -a; . var/postgres/postgres.env; set +a
    .venv/bin/python bench/bench_relay.py [--events 10000] [--stores sqlite,postgres]
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
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from support import postgres_params
from thidua_events.cloudevents import to_kafka
from thidua_events.envelope import LedgerEvent
from thidua_events.facts import Provenance, Role
from thidua_events.facts.awards import AwardConferred, AwardKindRegistered, AwardLevel, Recipient, RecipientKind
from thidua_events.facts.cluster import ClusterFormed, UnitJoined
from thidua_events.facts.organisation import AuthorityRegistered, UnitRegistered
from thidua_events.facts.year import YearOpened
from thidua_events.seen_store import MemorySeenStore
from thidua_events.subscriber import Subscriber
from thidua_events.topics import AWARD_TYPES
from thidua_ledger.application import Ledger, open_ledger
from thidua_ledger.feed import follow
from thidua_ledger.relay import Relay, RelayConfig, connect_producer
from thidua_ledger.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CLERK = Provenance(actor="Thư ký", role=Role.CLERK)
DAY = date(2019, 1, 2)
console = Console()


# ---------------------------------------------------------------------------- stores

@dataclass
class Store:
    label: str
    settings: Settings
    env: dict[str, str]  # what `ledger relay` reads


@contextlib.contextmanager
def fresh_store(kind: str, bootstrap: str) -> Iterator[Store]:
    env = {**os.environ, "LEDGER_STORE": kind, "KAFKA_BOOTSTRAP_SERVERS": bootstrap}
    if kind == "sqlite":
        directory = Path(tempfile.mkdtemp(prefix="bench-relay-"))
        path = directory / "ledger.sqlite"
        try:
            yield Store("SQLite", Settings(store="sqlite", sqlite_path=path),
                        {**env, "LEDGER_SQLITE_PATH": str(path)})
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        return
    import psycopg

    pg = postgres_params()
    schema = f"bench_relay_{uuid.uuid4().hex[:10]}"
    connect: dict[str, Any] = dict(host=pg["POSTGRES_HOST"], port=int(pg["POSTGRES_PORT"]),
                                   user=pg["POSTGRES_USER"], password=pg["POSTGRES_PASSWORD"],
                                   dbname=pg["POSTGRES_DBNAME"], autocommit=True)
    with psycopg.connect(**connect) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield Store("PostgreSQL", Settings(
            store="postgres", postgres_host=pg["POSTGRES_HOST"], postgres_port=int(pg["POSTGRES_PORT"]),
            postgres_user=pg["POSTGRES_USER"], postgres_password=pg["POSTGRES_PASSWORD"],
            postgres_dbname=pg["POSTGRES_DBNAME"], postgres_schema=schema),
            {**env, **pg, "LEDGER_POSTGRES_SCHEMA": schema})
    finally:
        with psycopg.connect(**connect) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


# ---------------------------------------------------------------------------- throughput

def populate(ledger: Ledger, events: int) -> uuid.UUID:
    """Clusters of 10 units (23 events each) until `events`; every fifth gets a decree. Returns the authority."""
    authority = uuid.uuid4()
    ledger.record(AuthorityRegistered(effective_date=DAY, authority_id=authority, name="Công an thành phố Hà Nội",
                                      symbol="CATP"), CLERK)
    ledger.record(AwardKindRegistered(effective_date=DAY, authority_id=authority, name="Cờ thi đua của Bộ Công an",
                                      level=AwardLevel.MINISTRY_FLAG), CLERK)
    n = 0
    while ledger.position() < events:
        n += 1
        cluster = uuid.uuid4()
        ledger.record(ClusterFormed(effective_date=DAY, cluster_id=cluster, name=f"Cụm thi đua số {n}",
                                    authority_id=authority), CLERK)
        units = [uuid.uuid4() for _ in range(10)]
        for i, unit in enumerate(units):
            ledger.record(UnitRegistered(effective_date=DAY, unit_id=unit, name=f"Phòng số {i + 1} cụm {n}",
                                         authority_id=authority), CLERK)
            ledger.record(UnitJoined(effective_date=DAY, cluster_id=cluster, unit_id=unit), CLERK)
        ledger.record(YearOpened(effective_date=DAY, cluster_id=cluster, year=2019,
                                 movement="Vì an ninh Tổ quốc"), CLERK)
        if n % 5 == 0:
            ledger.record(AwardConferred(
                effective_date=date(2020, 1, 20), decree_id=uuid.uuid4(), decree_no=f"{n}/QĐ-BCA",
                decree_date=date(2020, 1, 20), authority_id=authority, signer="Bộ trưởng",
                award_kind="Cờ thi đua của Bộ Công an", year=2019, cluster_id=cluster,
                recipients=(Recipient(kind=RecipientKind.COLLECTIVE, unit_id=units[0]),)), CLERK)
    return authority


def messages(ledger: Ledger, config: RelayConfig) -> list[tuple[str, bytes, bytes, list[tuple[str, bytes]]]]:
    out = []
    for event in follow(ledger):
        key, value, headers = to_kafka(event)
        out.append((config.events_topic, key, value, headers))
        if event.type in AWARD_TYPES:
            out.append((config.awards_topic, key, value, headers))
    return out


def fresh_config(bootstrap: str, label: str) -> RelayConfig:
    topic = f"bench-relay-{label}-{uuid.uuid4().hex[:8]}"
    return RelayConfig(bootstrap_servers=bootstrap, events_topic=topic, awards_topic=f"{topic}.awards",
                       tracking_name=f"bench-{uuid.uuid4().hex[:8]}")


def time_raw(ledger: Ledger, bootstrap: str) -> tuple[int, float]:
    config = fresh_config(bootstrap, "raw")
    planned = messages(ledger, config)
    producer = connect_producer(config)  # the relay's very settings, topics created
    start = time.perf_counter()
    for topic, key, value, headers in planned:
        producer.send(topic, key=key, value=value, headers=headers)
    producer.flush()
    elapsed = time.perf_counter() - start
    producer.close()
    return len(planned), elapsed


def time_relay(ledger: Ledger, bootstrap: str) -> tuple[int, float]:
    config = fresh_config(bootstrap, "relay")
    producer = connect_producer(config)
    relay = Relay(ledger, config, producer_factory=lambda _: producer)
    start = time.perf_counter()
    relay.catch_up()
    elapsed = time.perf_counter() - start
    relay.close()
    return relay.published, elapsed


def throughput(store: Store, bootstrap: str, events: int, rounds: int) -> dict[str, Any]:
    ledger = open_ledger(store.settings)
    try:
        populate(ledger, events)
        runs: dict[str, list[tuple[int, float]]] = {"raw": [], "relay": []}
        time_raw(ledger, bootstrap)  # warm-up: imports, connections, the broker's page cache
        for _ in range(rounds):
            runs["raw"].append(time_raw(ledger, bootstrap))
            runs["relay"].append(time_relay(ledger, bootstrap))
        return {"events": ledger.position(), "runs": runs}
    finally:
        ledger.close()


# ---------------------------------------------------------------------------- latency

def latency(store: Store, bootstrap: str, rate: float, seconds: float, writers: int) -> dict[str, Any]:
    ledger = open_ledger(store.settings)
    authority = uuid.uuid4()
    ledger.record(AuthorityRegistered(effective_date=DAY, authority_id=authority, name="Bộ Công an",
                                      symbol="BCA"), CLERK)
    topic = f"bench-latency-{uuid.uuid4().hex[:8]}"
    appended: dict[str, float] = {}
    received: dict[str, float] = {}

    def handle(event: LedgerEvent) -> None:
        received[event.id] = time.time()

    relay = subprocess.Popen([str(Path(sys.executable).parent / "ledger"), "relay", "--events-topic", topic,
                              "--awards-topic", f"{topic}.awards"], env=store.env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subscriber = Subscriber(bootstrap, f"{topic}-bench", handle, topics=(topic,), seen_store=MemorySeenStore(),
                            poll_interval=0.1)
    consuming = threading.Thread(target=subscriber.run, daemon=True)
    consuming.start()
    try:
        deadline = time.monotonic() + 60
        while len(received) < 1:  # the pipeline is up: relay connected, subscriber assigned
            if time.monotonic() > deadline or relay.poll() is not None:
                raise SystemExit("the relay or the subscriber did not start")
            time.sleep(0.05)
        start, count = time.monotonic(), int(rate * seconds)

        def write(first: int) -> None:  # appends first, first + writers, ... each at its due time
            for i in range(first, count, writers):
                pause = start + i / rate - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                receipt = ledger.record(UnitRegistered(effective_date=DAY, unit_id=uuid.uuid4(),
                                                       name=f"Đơn vị {i}", authority_id=authority), CLERK)
                appended[f"{receipt.entity_id}:{receipt.version}"] = time.time()

        # Several clerks, so that one slow append does not delay the next one's schedule.
        clerks = [threading.Thread(target=write, args=(k,)) for k in range(writers)]
        for clerk in clerks:
            clerk.start()
        for clerk in clerks:
            clerk.join()
        achieved = count / (time.monotonic() - start)
        deadline = time.monotonic() + 60
        while not set(appended) <= set(received) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        subscriber.stop()
        consuming.join(timeout=10)
        subscriber.close()
        relay.terminate()
        relay.wait(timeout=30)
        ledger.close()
    delays = sorted((received[i] - t) * 1000 for i, t in appended.items() if i in received)
    return {"sent": len(appended), "received": len(delays), "achieved": achieved, "delays": delays}


# ---------------------------------------------------------------------------- report

def percentile(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def report(store: Store, results: dict[str, Any], lat: dict[str, Any], rate: float, seconds: float) -> None:
    table = Table(title=f"relay throughput, {store.label} ledger of {results['events']} log positions "
                        f"(median of {len(results['runs']['raw'])} alternating rounds)")
    for column in ("path", "messages", "seconds (median)", "messages/s", "all rounds (msg/s)"):
        table.add_column(column, justify="right" if column != "path" else "left")
    medians = {}
    for path, runs in results["runs"].items():
        rates = [n / s for n, s in runs]
        medians[path] = statistics.median(rates)
        table.add_row(path, str(runs[0][0]), f"{statistics.median(s for _, s in runs):.2f}",
                      f"{medians[path]:,.0f}", ", ".join(f"{r:,.0f}" for r in rates))
    console.print(table)
    ratio = medians["relay"] / medians["raw"]
    verdict = "met" if ratio >= 0.70 else "NOT met"
    console.print(f"ratio relay/raw: {ratio:.2f} (target ≥ 0.70: {verdict})")

    delays = lat["delays"]
    table = Table(title=f"end-to-end latency, append committed → subscriber handler, {store.label}, "
                        f"{rate:.0f} events/s for {seconds:.0f} s (`ledger relay` in its own process)")
    for column in ("events sent", "received", "achieved rate/s", "p50 ms", "p90 ms", "p99 ms", "max ms"):
        table.add_column(column, justify="right")
    table.add_row(str(lat["sent"]), str(lat["received"]), f"{lat['achieved']:.0f}",
                  *(f"{percentile(delays, p):.1f}" for p in (50, 90, 99)), f"{delays[-1]:.1f}")
    console.print(table)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--writers", type=int, default=4, help="threads that append (paced together)")
    args = parser.parse_args()
    import logging

    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("kafka").setLevel(logging.CRITICAL)  # "topic not found" until the relay creates it
    for kind in args.stores.split(","):
        with fresh_store(kind.strip(), args.bootstrap) as store:
            results = throughput(store, args.bootstrap, args.events, args.rounds)
        with fresh_store(kind.strip(), args.bootstrap) as store:
            lat = latency(store, args.bootstrap, args.rate, args.seconds, args.writers)
        report(store, results, lat, args.rate, args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
