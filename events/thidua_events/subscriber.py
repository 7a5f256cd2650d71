"""A client for services that subscribe to the ledger's events (personnel, finance, dashboards).

    def on_award(event: LedgerEvent) -> None:
        fact = event.fact()          # the current model, whatever version was sent
        ...

    subscriber = Subscriber("broker:9092", "finance", on_award)
    subscriber.run()                 # until stop(), from another thread or a signal handler

What it promises:
- every message is checked against the contract (CloudEvents attributes, the fact's
  model) and lifted to the current version of its fact by the contract's upcasters;
- one that fails goes, unchanged, to the dead-letter topic with `dlq_reason`, and
  consumption goes on;
- redeliveries (the relay delivers at least once) are dropped by CloudEvents id,
  remembered in a pluggable seen-store (SQLite by default);
- an offset is committed only after the handler returned; when the handler raises,
  `run` raises HandlerFailed and the message is delivered again on the next `run`.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import CommitFailedError
from kafka.structs import OffsetAndMetadata

from thidua_events.cloudevents import InvalidMessage, from_kafka
from thidua_events.envelope import LedgerEvent
from thidua_events.seen_store import SeenStore, SQLiteSeenStore
from thidua_events.topics import AWARDS_TOPIC, DEAD_LETTER_TOPIC

log = logging.getLogger("thidua_events.subscriber")

Handler = Callable[[LedgerEvent], None]


class HandlerFailed(Exception):
    """The handler raised; the event's offset was not committed, so it comes again."""

    def __init__(self, event: LedgerEvent, error: Exception) -> None:
        super().__init__(f"handler failed on {event.id} ({event.type}): {error!r}")
        self.event = event


@dataclass
class Stats:
    handled: int = 0
    duplicates: int = 0
    dead_lettered: int = 0


class Subscriber:
    def __init__(self, bootstrap_servers: str, group_id: str, handler: Handler, *,
                 topics: Iterable[str] = (AWARDS_TOPIC,), seen_store: SeenStore | None = None,
                 dead_letter_topic: str = DEAD_LETTER_TOPIC, poll_interval: float = 0.5,
                 consumer_config: Mapping[str, Any] | None = None,
                 producer_config: Mapping[str, Any] | None = None) -> None:
        self.group_id = group_id
        self.handler = handler
        self.seen_store = seen_store or SQLiteSeenStore(Path("var") / "subscribers" / f"{group_id}.sqlite")
        self.dead_letter_topic = dead_letter_topic
        self.poll_interval = poll_interval
        self.stats = Stats()
        self._bootstrap = bootstrap_servers
        self._producer_config = dict(producer_config or {})
        self._producer: KafkaProducer | None = None
        self._stop = threading.Event()
        self._consumer = KafkaConsumer(
            *topics, bootstrap_servers=bootstrap_servers, group_id=group_id,
            client_id=f"thidua-subscriber-{group_id}", auto_offset_reset="earliest",
            **{**dict(consumer_config or {}), "enable_auto_commit": False},  # we commit after the handler
        )

    def run(self, max_messages: int | None = None, timeout: float | None = None) -> Stats:
        """Consume until stop(), until `max_messages` were taken off the topics (handled,
        dropped as duplicates or dead-lettered), or for `timeout` seconds. stop() is final."""
        deadline = None if timeout is None else time.monotonic() + timeout
        taken = 0
        while not self._stop.is_set() and (max_messages is None or taken < max_messages):
            wait = self.poll_interval
            if deadline is not None:
                wait = min(wait, deadline - time.monotonic())
                if wait <= 0:
                    break
            limit = 500 if max_messages is None else min(500, max_messages - taken)
            batches = self._consumer.poll(timeout_ms=int(wait * 1000), max_records=limit)
            taken += self._process(batches)
        return self.stats

    def stop(self) -> None:
        self._stop.set()

    def close(self) -> None:
        self._consumer.close(autocommit=False)
        if self._producer is not None:
            self._producer.close(timeout=5)
        self.seen_store.close()

    def __enter__(self) -> "Subscriber":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _process(self, batches: dict[TopicPartition, list[Any]]) -> int:
        handled_up_to: dict[TopicPartition, int] = {}  # next offset to read, per partition
        try:
            for partition, records in batches.items():
                for record in records:
                    self._take(record)
                    handled_up_to[partition] = record.offset + 1
        except HandlerFailed:
            # Rewind every partition to its first unhandled record: the next poll starts there.
            for partition, records in batches.items():
                self._consumer.seek(partition, handled_up_to.get(partition, records[0].offset))
            self._commit(handled_up_to)
            raise
        self._commit(handled_up_to)
        return sum(len(records) for records in batches.values())

    def _take(self, record: Any) -> None:
        try:
            event = from_kafka(record.headers or [], record.value)
        except InvalidMessage as error:
            self._dead_letter(record, error.reason)
            return
        if self.seen_store.seen(event.id):
            self.stats.duplicates += 1
            return
        try:
            self.handler(event)
        except Exception as error:
            log.warning("subscriber %s: handler failed on %s: %r", self.group_id, event.id, error)
            raise HandlerFailed(event, error) from error
        self.seen_store.add(event.id)
        self.stats.handled += 1

    def _dead_letter(self, record: Any, reason: str) -> None:
        log.warning("subscriber %s: %s[%d]@%d dead-lettered: %s", self.group_id, record.topic,
                    record.partition, record.offset, reason)
        if self._producer is None:
            self._producer = KafkaProducer(bootstrap_servers=self._bootstrap, **self._producer_config)
        headers = [*(record.headers or []),
                   ("dlq_reason", reason.encode()), ("dlq_topic", record.topic.encode()),
                   ("dlq_partition", str(record.partition).encode()),
                   ("dlq_offset", str(record.offset).encode()), ("dlq_group", self.group_id.encode())]
        # Wait for the broker: the offset moves past this message only once it is set aside.
        value = b"" if record.key is None and record.value is None else record.value  # Kafka needs one
        self._producer.send(self.dead_letter_topic, key=record.key, value=value,
                            headers=headers).get(timeout=30)
        self.stats.dead_lettered += 1

    def _commit(self, offsets: dict[TopicPartition, int]) -> None:
        if not offsets:
            return
        try:
            self._consumer.commit({tp: OffsetAndMetadata(offset, "", -1) for tp, offset in offsets.items()})
        except CommitFailedError as error:  # a rebalance: the new owner gets them again, we drop dups
            log.warning("subscriber %s: commit failed (%s); those messages will come again",
                        self.group_id, error)
