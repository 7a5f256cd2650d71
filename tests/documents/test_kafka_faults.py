"""The Kafka source under faults, on real brokers: the consumer's process killed (SIGKILL)
between storing a batch and committing its offsets, and the broker restarted mid-stream.
Afterwards the projection equals the one built from the ledger's feed."""

import signal
import subprocess
import sys
import time
from pathlib import Path
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from kafka import KafkaConsumer
from kafka.structs import TopicPartition
from thidua_documents.sources import Follower
from thidua_documents.store import Store

from tests.documents.conftest import Docs
from tests.documents.kafka_support import (
    create_topic,
    linked,
    new_store,
    position,
    produce,
    published,
    relay,
    rows,
    source,
)
from tests.integration.own_broker import OwnBroker
from tests.integration.relay_support import FAST, failing_connections

pytestmark = pytest.mark.kafka
REPO = Path(__file__).resolve().parents[2]


def follower_process(store: Path, kafka: str, topic: str, group: str, until: int, *extra: str
                     ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tests.documents.kafka_follower", str(store), kafka, topic, group,
                           "--until", str(until), *extra], cwd=REPO, capture_output=True, text=True, timeout=300)


def kafka_committed(kafka: str, topic: str, group: str) -> dict[int, int]:
    consumer = KafkaConsumer(bootstrap_servers=kafka, group_id=group, enable_auto_commit=False, **FAST)
    try:
        found = {p: consumer.committed(TopicPartition(topic, p)) for p in consumer.partitions_for_topic(topic)}
        return {p: offset for p, offset in found.items() if offset is not None}
    finally:
        consumer.close(autocommit=False)


def stored_offsets(store: Store, topic: str) -> dict[int, int]:
    with store.transaction() as tx:
        return dict(tx.all("SELECT kafka_partition, next_offset FROM proj_kafka_offsets WHERE topic = ?",
                           (topic,)))


def test_a_consumer_killed_between_storing_a_batch_and_committing_it_loses_and_repeats_nothing(
        kafka: str, topic: str, docs: Docs, ledger: TestClient, tmp_path: Path) -> None:
    last = published(ledger)[-1].position
    relay(ledger, kafka, topic)
    group, path = f"documents-{uuid4().hex[:8]}", tmp_path / "kafka" / "documents.sqlite"

    killed = follower_process(path, kafka, topic, group, last, "--die-after-apply", "3", "--max-records", "7")

    assert killed.returncode == -signal.SIGKILL, killed.stderr
    store = new_store(tmp_path / "kafka")
    applied, committed = stored_offsets(store, topic), kafka_committed(kafka, topic, group)
    with store.transaction() as tx:
        assert 0 < tx.one("SELECT COUNT(*) FROM proj_arrivals")[0] < len(published(ledger))
    assert position(store) < last
    assert any(applied[p] > committed.get(p, 0) for p in applied), "the kill landed after Kafka's commit"

    finished = follower_process(path, kafka, topic, group, last)

    assert finished.returncode == 0, finished.stderr
    assert position(store) == last
    assert rows(store) == rows(docs.store)  # the repeated batch was not applied twice, nothing was skipped
    assert kafka_committed(kafka, topic, group) == stored_offsets(store, topic)


@pytest.mark.filterwarnings("ignore::ResourceWarning")  # see relay_support.failing_connections
def test_a_broker_restarted_mid_stream_loses_nothing(
        own_broker: OwnBroker, topic: str, docs: Docs, ledger: TestClient, tmp_path: Path) -> None:
    events = linked(published(ledger))
    half = len(events) // 2
    create_topic(own_broker.bootstrap, topic)
    produce(own_broker.bootstrap, topic, [(e, previous, e.position % 3) for e, previous in events[:half]])
    store = new_store(tmp_path / "kafka")
    consumer = source(own_broker.bootstrap, topic, f"documents-{uuid4().hex[:8]}")
    follower = Follower(store, consumer, interval=0.1)
    with failing_connections():
        follower.start()
        try:
            wait_for(lambda: position(store) == events[half - 1][0].position, "the first half")
            own_broker.kafka_sh("down")
            time.sleep(2)  # the follower polls a broker that is away
            own_broker.kafka_sh("up")
            produce(own_broker.bootstrap, topic, [(e, previous, e.position % 3) for e, previous in events[half:]])
            wait_for(lambda: position(store) == events[-1][0].position, "the second half")
        finally:
            follower.stop()
            consumer.close()
    assert rows(store) == rows(docs.store)


def wait_for(condition: object, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)
