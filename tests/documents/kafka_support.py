"""What the Kafka source's tests share: the world published by the real relay, messages placed
on chosen partitions, stores of their own, and waiting for a source to catch up."""

import time
from collections.abc import Iterable
from pathlib import Path

from fastapi.testclient import TestClient
from kafka import KafkaAdminClient, KafkaProducer
from thidua_documents.kafka_source import KafkaSource
from thidua_documents.projections import projected_position
from thidua_documents.settings import Settings
from thidua_documents.store import Store
from thidua_events.cloudevents import to_kafka
from thidua_events.envelope import LedgerEvent
from thidua_ledger.relay import Relay, RelayConfig

from tests.documents.test_feed import TABLES
from tests.integration.relay_support import FAST, PRODUCER

Rows = dict[str, list[tuple[object, ...]]]


def relay(ledger: TestClient, bootstrap: str, topic: str, name: str = "relay") -> int:
    """Publish the ledger's log as production does (`ledger relay`); returns the position reached.
    Another `name` publishes everything again: every event twice, as after a relay's crash."""
    config = RelayConfig(bootstrap_servers=bootstrap, events_topic=topic, awards_topic=f"{topic}.awards",
                         batch_size=20, tracking_name=name, producer_config=FAST)
    publisher = Relay(ledger.app.state.ledger, config)  # type: ignore[attr-defined]
    try:
        return publisher.catch_up()
    finally:
        publisher.close()


def published(ledger: TestClient) -> list[LedgerEvent]:
    """Every published event, in log order, as the feed serves them."""
    from thidua_ledger.feed import follow

    return list(follow(ledger.app.state.ledger))  # type: ignore[attr-defined]


def linked(events: list[LedgerEvent]) -> list[tuple[LedgerEvent, int]]:
    """Each event with the position published before it, as the relay links them."""
    return [(event, events[i - 1].position if i else 0) for i, event in enumerate(events)]


def create_topic(bootstrap: str, topic: str, partitions: int = 3) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, **FAST)
    try:
        admin.create_topics({topic: {"num_partitions": partitions, "replication_factor": 1}})
    finally:
        admin.close()


def produce(bootstrap: str, topic: str, messages: Iterable[tuple[LedgerEvent, int, int]]) -> None:
    """(event, previous position, partition) each, in the order given."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, **PRODUCER)
    try:
        for event, previous, partition in messages:
            key, value, headers = to_kafka(event, previous=previous)
            producer.send(topic, key=key, value=value, headers=headers, partition=partition)
        producer.flush()
    finally:
        producer.close()


def new_store(directory: Path) -> Store:
    directory.mkdir(parents=True, exist_ok=True)
    store = Store(Settings(store="sqlite", sqlite_path=directory / "documents.sqlite"))
    store.migrate()
    return store


def source(bootstrap: str, topic: str, group: str) -> KafkaSource:
    return KafkaSource(bootstrap, topic, group, poll_ms=200, fetch_max_wait_ms=50, **FAST)


def catch_up_to(store: Store, kafka: KafkaSource, position: int, timeout: float = 120) -> int:
    """Catch up until the tracked position reaches `position` (generous: the machine is shared)."""
    deadline = time.monotonic() + timeout
    while (reached := kafka.catch_up(store)) < position:
        assert time.monotonic() < deadline, (
            f"the Kafka source stopped at {reached} of {position}; assigned "
            f"{sorted(tp.partition for tp in kafka.assigned)}")
    return reached


def rows(store: Store) -> Rows:
    with store.transaction() as tx:
        return {table: tx.all(f"SELECT * FROM {table} ORDER BY position") for table in TABLES}


def position(store: Store) -> int:
    return projected_position(store)
