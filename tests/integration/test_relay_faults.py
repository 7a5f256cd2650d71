"""The three faults of the relay's contract, against real brokers:

1. the broker stops while clerks keep writing: no write fails, the relay catches up;
2. the relay process is killed (SIGKILL) in the middle of a batch: after a restart every
   event arrives at least once, and duplicates come only from that batch;
3. a malformed message is on the topic: it is dead-lettered and consumption goes on.

The broker of fault 1 is our own, on free ports, so that stopping it disturbs nobody.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from thidua_events.cloudevents import to_kafka
from thidua_events.envelope import LedgerEvent
from thidua_events.seen_store import MemorySeenStore
from thidua_events.subscriber import Subscriber
from thidua_ledger.application import Ledger
from thidua_ledger.feed import follow
from thidua_ledger.relay import Relay, RelayConfig, RelayPosition, ensure_topics, relay_lag
from thidua_ledger.settings import Settings

from tests.factories import cluster_with_members
from tests.integration.own_broker import OwnBroker
from tests.integration.relay_support import FAST, ce_id, drain, failing_connections, position
from tests.tokens import SIGNING_KEY_FILE

REPO = Path(__file__).resolve().parents[2]
LEDGER_CLI = Path(sys.executable).parent / "ledger"


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


def consume_every_event(bootstrap: str, topic: str, expected: int, timeout: float = 90) -> list[LedgerEvent]:
    """What a subscriber's handler receives from the beginning of a topic (duplicates dropped)."""
    handled: list[LedgerEvent] = []
    with Subscriber(bootstrap, f"{topic}-check", handled.append, topics=(topic,), seen_store=MemorySeenStore(),
                    poll_interval=0.2, consumer_config=FAST) as subscriber:
        deadline = time.monotonic() + timeout
        while len(handled) < expected and time.monotonic() < deadline:
            subscriber.run(timeout=1)
    return handled


def assert_in_order_per_key(events: list[LedgerEvent]) -> None:
    by_key: dict[str, list[int]] = {}
    for event in events:
        by_key.setdefault(to_kafka(event)[0].decode(), []).append(event.position)
    assert all(positions == sorted(positions) for positions in by_key.values())


# Fault 1: the broker stops while clerks keep writing.


class Clerks:
    """Clerks recording facts without pause, in a thread, counting what fails."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.errors: list[Exception] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, daemon=True)

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                cluster_with_members(self.ledger, members=2)
            except Exception as error:
                self.errors.append(error)
            self._stop.wait(0.05)

    def __enter__(self) -> "Clerks":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


@pytest.mark.filterwarnings("ignore::ResourceWarning")  # see relay_support.failing_connections
def test_writes_go_on_while_the_broker_is_down_and_the_relay_catches_up(
        own_broker: OwnBroker, ledger_settings: Settings, topic: str, caplog: pytest.LogCaptureFixture) -> None:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    config = RelayConfig(
        bootstrap_servers=own_broker.bootstrap, events_topic=topic, awards_topic=f"{topic}.awards",
        batch_size=50, idle_interval=0.05, backoff_initial=0.1, backoff_max=1.0, ack_wait=0.5, ack_timeout=6,
        # Short enough that batches expire during the outage: the relay must reconnect and resend.
        producer_config={"request_timeout_ms": 1500, "bootstrap_timeout_ms": 1000, "max_block_ms": 2000,
                         "delivery_timeout_ms": 3000, "reconnect_backoff_max_ms": 500})
    relay = Relay(ledger, config)
    relay_thread = threading.Thread(target=relay.run, daemon=True)
    with failing_connections():  # all of it: the relay's failed connections are garbage until the end
        with Clerks(ledger) as clerks:
            relay_thread.start()
            wait_until(lambda: ledger.position() > 50 and relay_lag(ledger) < 30, 30, "the relay to follow")
            own_broker.kafka_sh("down")
            written_while_down = ledger.position()
            wait_until(lambda: ledger.position() > written_while_down + 100, 30, "clerks to write more")
            lag_while_down = relay_lag(ledger)
            own_broker.kafka_sh("up")
        try:
            wait_until(lambda: relay_lag(ledger) == 0, 60, "the relay to catch up")
        finally:
            relay.stop()
            relay_thread.join(timeout=30)
        expected = list(follow(ledger))
        ledger.close()
        handled = consume_every_event(own_broker.bootstrap, topic, len(expected))

    assert clerks.errors == []
    assert lag_while_down > 0
    retries = [r.getMessage() for r in caplog.records if "retrying in" in r.getMessage()]
    assert retries, "the relay gave up on its producer and reconnected with backoff"
    assert sorted(e.position for e in handled) == [e.position for e in expected]
    assert_in_order_per_key(handled)


# Fault 2: the relay process is killed in the middle of a batch.


def ledger_env(settings: Settings, kafka: str) -> dict[str, str]:
    env = {**os.environ, "LEDGER_STORE": settings.store, "LEDGER_SQLITE_PATH": str(settings.sqlite_path),
           "KAFKA_BOOTSTRAP_SERVERS": kafka, "THIDUA_SIGNING_KEY_FILE": str(SIGNING_KEY_FILE)}
    if settings.store == "postgres":
        env.update(POSTGRES_HOST=settings.postgres_host, POSTGRES_PORT=str(settings.postgres_port),
                   POSTGRES_USER=settings.postgres_user, POSTGRES_DBNAME=settings.postgres_dbname,
                   POSTGRES_PASSWORD=settings.postgres_secret(),
                   LEDGER_POSTGRES_SCHEMA=settings.postgres_schema)
    return env


def test_a_relay_killed_mid_batch_loses_nothing_and_repeats_only_that_batch(
        ledger_settings: Settings, kafka: str, topic: str, tmp_path: Path) -> None:
    batch = 100
    ledger = Ledger(env=ledger_settings.eventstore_env())
    for _ in range(40):
        cluster_with_members(ledger, members=5)  # 13 events each
    env = ledger_env(ledger_settings, kafka)
    topics = ["--events-topic", topic, "--awards-topic", f"{topic}.awards", "--batch-size", str(batch)]
    recorded = RelayPosition(ledger)
    # The topic exists and is assigned before the relay starts, so the watcher misses nothing.
    ensure_topics(RelayConfig(bootstrap_servers=kafka, events_topic=topic, awards_topic=f"{topic}.awards"),
                  {"bootstrap_servers": kafka, **FAST})
    watcher = KafkaConsumer(bootstrap_servers=kafka, fetch_max_wait_ms=20, **FAST)
    watcher.assign([TopicPartition(topic, p) for p in watcher.partitions_for_topic(topic)])
    with open(tmp_path / "relay.log", "w") as log:
        # Paced, so that a batch takes half a second and the kill surely lands inside one.
        relay = subprocess.Popen([str(LEDGER_CLI), "relay", *topics, "--max-rate", "200"], env=env,
                                 stdout=log, stderr=subprocess.STDOUT)
        try:
            seen, deadline = 0, time.monotonic() + 60
            while True:
                assert relay.poll() is None, (tmp_path / "relay.log").read_text()
                for records in watcher.poll(timeout_ms=20).values():
                    seen = max([seen, *(position(r) for r in records)])
                at = recorded.get(refresh=True)
                if at >= batch and seen >= at + 10:  # published beyond the recorded position
                    relay.send_signal(signal.SIGKILL)
                    break
                assert time.monotonic() < deadline, f"no kill point: recorded {at}, seen {seen}"
        finally:
            relay.kill()
            relay.wait(timeout=10)
    watcher.close(autocommit=False)
    killed_at = recorded.get(refresh=True)
    head = ledger.position()
    before_restart = drain(kafka, topic, 0, timeout=1)

    assert killed_at < head
    assert any(position(m) > killed_at for m in before_restart), "the kill did not land mid-batch"
    status = subprocess.run([str(LEDGER_CLI), "relay", "--status"], env=env, capture_output=True, text=True,
                            check=True).stdout
    assert json.loads(status) == {"position": killed_at, "head": head, "lag": head - killed_at}

    subprocess.run([str(LEDGER_CLI), "relay", *topics, "--once"], env=env, check=True, capture_output=True,
                   timeout=120)

    expected = list(follow(ledger))
    ledger.close()
    messages = drain(kafka, topic, len(expected) + 1)
    counts = Counter(ce_id(m) for m in messages)
    assert set(counts) == {e.id for e in expected}  # every event at least once
    duplicated = sorted({position(m) for m in messages if counts[ce_id(m)] > 1})
    assert duplicated, "a batch cut short is published again"
    assert killed_at < duplicated[0] and duplicated[-1] <= killed_at + batch
    handled = consume_every_event(kafka, topic, len(expected))
    assert [e.id for e in sorted(handled, key=lambda e: e.position)] == [e.id for e in expected]


# Fault 3: a malformed message on the topic.


def test_a_malformed_message_is_dead_lettered_and_consumption_goes_on(kafka: str, topic: str,
                                                                      tmp_path: Path) -> None:
    ledger = Ledger(env=Settings(store="sqlite", sqlite_path=tmp_path / "l.sqlite",
                                 signing_key_file=SIGNING_KEY_FILE).eventstore_env())
    cluster_with_members(ledger, members=1)
    good = list(follow(ledger))[:3]
    ledger.close()
    _, valid_value, valid_headers = to_kafka(good[0])
    wrong_type = [(n, b"vn.thidua.ledger.MedalPinned.v1" if n == "ce_type" else v) for n, v in valid_headers]
    bad = [
        (b"not json", []),
        (valid_value, wrong_type),
        (b'{"effective_date": "2015-01-01"}', to_kafka(good[1])[2]),
    ]
    producer = KafkaProducer(bootstrap_servers=kafka, **FAST)
    for event, (value, headers) in zip(good, bad, strict=True):
        key, event_value, event_headers = to_kafka(event)
        producer.send(topic, key=key, value=event_value, headers=event_headers, partition=0)
        producer.send(topic, key=key, value=value, headers=headers, partition=0)
    producer.flush()
    producer.close()
    handled: list[LedgerEvent] = []

    with Subscriber(kafka, f"{topic}-group", handled.append, topics=(topic,), seen_store=MemorySeenStore(),
                    dead_letter_topic=f"{topic}.dlq", consumer_config=FAST, producer_config=FAST) as subscriber:
        stats = subscriber.run(max_messages=6, timeout=30)

    assert handled == good
    assert (stats.handled, stats.dead_lettered) == (3, 3)
    group = KafkaConsumer(bootstrap_servers=kafka, group_id=f"{topic}-group", enable_auto_commit=False, **FAST)
    assert group.committed(TopicPartition(topic, 0)) == 6  # past the dead letters too
    group.close(autocommit=False)
    dead = drain(kafka, f"{topic}.dlq", 3)
    reasons = [dict(m.headers)["dlq_reason"].decode() for m in dead]
    assert reasons[0].startswith("missing headers: ce_specversion")
    assert reasons[1] == "unknown fact type 'MedalPinned'"
    assert reasons[2].startswith("data is not a valid ClusterFormed v1")
    assert [m.value for m in dead] == [value for value, _ in bad]  # set aside unchanged
    assert {dict(m.headers)["dlq_offset"] for m in dead} == {b"1", b"3", b"5"}
