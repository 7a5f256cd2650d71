"""The production source: the relay's topic, partitions merged back into log order. The
same projection code fed from Kafka gives the same tables and the same documents as when
fed from the ledger's HTTP feed."""

import time
from pathlib import Path
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from kafka import KafkaAdminClient, KafkaProducer
from thidua_documents.api.app import create_app
from thidua_documents.documents.decree import DecreeRequest
from thidua_documents.kafka_source import KafkaSource
from thidua_documents.sources import catch_up
from thidua_documents.store import Store
from thidua_events.cloudevents import to_kafka
from thidua_events.envelope import LedgerEvent

from tests.documents.conftest import Docs, sqlite_settings
from tests.documents.test_feed import TABLES
from tests.documents.world import World


def published(docs: Docs) -> list[LedgerEvent]:
    events: list[LedgerEvent] = []
    after = 0
    while True:
        page = docs.source.read(after)
        events += page.events
        if page.next_after >= page.head:
            return events
        after = page.next_after


def publish(kafka: str, topic: str, events: list[LedgerEvent]) -> None:
    """As the relay does: keyed per cluster or entity, over three partitions; the first
    events twice, as after a relay crash (delivery is at least once)."""
    admin = KafkaAdminClient(bootstrap_servers=kafka, request_timeout_ms=10_000)
    admin.create_topics({topic: {"num_partitions": 3, "replication_factor": 1}})
    admin.close()
    producer = KafkaProducer(bootstrap_servers=kafka)
    for event in [*events[:5], *events]:
        key, value, headers = to_kafka(event)
        producer.send(topic, key=key, value=value, headers=headers)
    producer.flush()
    producer.close()


def rows(store: Store) -> dict[str, list[tuple[object, ...]]]:
    with store.transaction() as tx:
        return {table: tx.all(f"SELECT * FROM {table} ORDER BY position") for table in TABLES}


@pytest.mark.kafka
def test_kafka_and_the_feed_give_the_same_projection_and_the_same_documents(
        kafka: str, topic: str, docs: Docs, world: World, tmp_path: Path) -> None:
    events = published(docs)
    publish(kafka, topic, events)
    source = KafkaSource(kafka, topic, group=f"documents-{uuid4().hex[:8]}", poll_ms=200)
    (tmp_path / "kafka").mkdir()
    try:
        with TestClient(create_app(sqlite_settings(tmp_path / "kafka"), follow=False)) as client:
            store: Store = client.app.state.store  # type: ignore[attr-defined]
            deadline = time.monotonic() + 60
            while (reached := catch_up(store, source)) < events[-1].position:
                assert time.monotonic() < deadline, (
                    f"the Kafka source did not catch up: at {reached} of {events[-1].position}, assigned "
                    f"{sorted(tp.partition for tp in source.consumer.assignment())}, buffered "
                    f"{ {tp.partition: len(b) for tp, b in source.buffers.items()} }")
            assert rows(store) == rows(docs.store)
            request = DecreeRequest(proposer="Trưởng phòng Tổ chức cán bộ")
            subject = {"decree_id": world.decree_2016}
            from_kafka, _ = client.app.state.register.draft("decree", subject, request)  # type: ignore[attr-defined]
            from_feed, _ = docs.register.draft("decree", subject, request)
            assert from_kafka == from_feed
    finally:
        source.close()


class FakeConsumer:
    """Two partitions; what a poll returns is scripted."""

    def __init__(self, events: dict[int, list[LedgerEvent]]) -> None:
        from kafka.structs import TopicPartition

        self.partitions = {n: TopicPartition("t", n) for n in events}
        self.records = {tp: events[n] for n, tp in self.partitions.items()}
        self.delivered = {tp: 0 for tp in self.partitions.values()}
        self.committed: dict[object, int] = {}
        self.next_poll: dict[object, int] = {}

    def deliver(self, partition: int, count: int) -> None:
        self.next_poll[self.partitions[partition]] = count

    def poll(self, timeout_ms: int, max_records: int) -> dict[object, list[object]]:
        from types import SimpleNamespace

        out = {}
        for tp, count in self.next_poll.items():
            start = self.delivered[tp]
            batch = self.records[tp][start:start + count]
            self.delivered[tp] += len(batch)
            out[tp] = [SimpleNamespace(headers=to_kafka(e)[2], value=to_kafka(e)[1], offset=start + i)
                       for i, e in enumerate(batch)]
        self.next_poll = {}
        return out

    def assignment(self) -> set[object]:
        return set(self.partitions.values())

    def end_offsets(self, partitions: list[object]) -> dict[object, int]:
        return {tp: len(self.records[tp]) for tp in partitions}

    def position(self, tp: object) -> int:
        return self.delivered[tp]

    def commit(self, offsets: dict[object, object]) -> None:
        self.committed.update({tp: meta.offset for tp, meta in offsets.items()})  # type: ignore[attr-defined]


def test_an_event_waits_until_no_other_partition_can_hold_an_earlier_one(docs: Docs) -> None:
    events = published(docs)[:6]
    consumer = FakeConsumer({0: [events[0], events[2], events[3]], 1: [events[1], events[4], events[5]]})
    source = KafkaSource(consumer=consumer)
    consumer.deliver(0, 3)
    assert source.read(0).events == []  # partition 1 has not answered: it may hold an earlier position
    consumer.deliver(1, 1)
    page = source.read(0)
    assert page.events == [events[0], events[1]]  # then partition 1 is silent again
    assert page.head > page.next_after == events[1].position
    consumer.deliver(1, 2)
    page = source.read(events[1].position)  # the previous page was applied: its offsets are committed
    assert page.events == [events[2], events[3], events[4], events[5]]
    assert page.head == page.next_after == events[5].position
    assert consumer.committed == {consumer.partitions[0]: 1, consumer.partitions[1]: 1}


def test_duplicates_and_events_applied_before_a_restart_are_dropped(docs: Docs) -> None:
    events = published(docs)[:4]
    consumer = FakeConsumer({0: [events[0], events[1], events[1], events[2], events[3]]})
    consumer.deliver(0, 5)
    page = KafkaSource(consumer=consumer).read(events[0].position)  # position 1 was applied before
    assert page.events == events[1:]
