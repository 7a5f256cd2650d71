"""The production source: the relay's topic, every partition of it, applied then committed.

The relay keys each event by cluster (or entity), so each partition holds part of the log
in order, and partitions arrive in any order relative to each other: event 10 may be read
from one partition before event 9 was even written to another. So nothing is dropped for
arriving late: every event is applied when it arrives (the projection's rows are keyed by
position and read `position <= P`), and the tracked position (what documents are issued
"as of") advances along the `ce_previousposition` links only as far as no event is missing
(`projections.apply_arrivals`).

Each batch is applied in one transaction of the store, together with the next offset of
every partition it read; only then are the offsets committed to Kafka. The store is the
authority: on start, and before reading on after a failed apply, the consumer seeks back to
the offsets in the store, so a batch whose write failed is read and applied again, never
skipped, and a crash between the store's commit and Kafka's repeats nothing.

Replicas: the consumer takes every partition itself (`assign`, no group rebalancing), so
each replica builds a complete projection in its own store. Replicas that share a store
(one PostgreSQL schema) read the same messages and apply each event once: the tracking
row is locked in every apply. Kafka's group (`DOCUMENTS_KAFKA_GROUP`) only names where
the committed offsets, hence the lag, are shown: give each store its own.
"""

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from kafka import KafkaConsumer
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata, TopicPartition
from thidua_events.cloudevents import InvalidMessage, from_kafka, previous_position
from thidua_events.envelope import LedgerEvent
from thidua_events.topics import EVENTS_TOPIC

from thidua_documents.projections import apply_arrivals, projected_position
from thidua_documents.store import Store, Tx

log = logging.getLogger(__name__)


class KafkaSource:
    def __init__(self, bootstrap: str, topic: str = EVENTS_TOPIC, group: str = "thidua-documents", *,
                 poll_ms: int = 500, max_records: int = 1000, **consumer_config: Any) -> None:
        self.topic = topic
        self.poll_ms, self.max_records = poll_ms, max_records
        # A missing topic must not be created here with one partition: the relay creates it.
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                                      allow_auto_create_topics=False, **consumer_config)
        self.assigned: set[TopicPartition] = set()

    def catch_up(self, store: Store) -> int:
        """Apply what the partitions hold now; returns the tracked position reached."""
        self._assign_every_partition(store)
        position = projected_position(store)
        while self.assigned:
            records = self.consumer.poll(timeout_ms=self.poll_ms, max_records=self.max_records)
            if not records:
                break
            position = self._apply(store, records)
        return position

    def _apply(self, store: Store, records: Mapping[TopicPartition, Sequence[Any]]) -> int:
        arrivals: list[tuple[LedgerEvent, int]] = []
        offsets: dict[TopicPartition, int] = {}
        for tp, batch in records.items():
            for record in batch:
                offsets[tp] = record.offset + 1
                try:
                    arrivals.append((from_kafka(record.headers, record.value), previous_position(record.headers)))
                except InvalidMessage as error:  # later events are applied; the position waits at the gap
                    log.error("unreadable message %s[%s]@%s: %s", tp.topic, tp.partition, record.offset,
                              error.reason)
        try:
            with store.transaction(write=True) as tx:
                position = apply_arrivals(tx, arrivals)
                _save_offsets(tx, offsets)
        except BaseException:
            self.assigned = set()  # the next catch-up seeks back to the store's offsets: the batch is read again
            raise
        self._commit(offsets)
        return position

    def _commit(self, offsets: Mapping[TopicPartition, int]) -> None:
        """Kafka's copy of the offsets, for lag tools; losing it loses nothing (the store has them)."""
        try:
            self.consumer.commit({tp: OffsetAndMetadata(offset, "", -1) for tp, offset in offsets.items()})
        except KafkaError as error:
            log.warning("could not commit offsets to Kafka (the store has them): %s", error)

    def _assign_every_partition(self, store: Store) -> None:
        partitions = self.consumer.partitions_for_topic(self.topic) or set()
        wanted = {TopicPartition(self.topic, p) for p in partitions}
        if wanted <= self.assigned:
            return
        self.consumer.assign(sorted(wanted))
        self._seek_to_stored(store, wanted)
        self.assigned = wanted  # only once every position is the store's (reading them may fail)

    def _seek_to_stored(self, store: Store, partitions: set[TopicPartition]) -> None:
        with store.transaction() as tx:
            stored = {TopicPartition(topic, p): offset for topic, p, offset in tx.all(
                "SELECT topic, kafka_partition, next_offset FROM proj_kafka_offsets WHERE topic = ?",
                (self.topic,))}
        for tp in partitions:
            if tp in stored:
                self.consumer.seek(tp, stored[tp])
            else:
                self.consumer.seek_to_beginning(tp)
        # A crash between the store's commit and Kafka's left Kafka behind; a partition with
        # nothing new to read would never catch up, and lag tools would show lag that is not there.
        self._commit({tp: offset for tp, offset in stored.items() if tp in partitions})

    def close(self) -> None:
        self.consumer.close(autocommit=False)


def _save_offsets(tx: Tx, offsets: Mapping[TopicPartition, int]) -> None:
    for tp, offset in offsets.items():
        tx.execute("INSERT INTO proj_kafka_offsets VALUES (?, ?, ?) ON CONFLICT (topic, kafka_partition) DO NOTHING",
                   (tp.topic, tp.partition, offset))
        # Never backwards: a replica sharing the store may have read further.
        tx.execute("UPDATE proj_kafka_offsets SET next_offset = ? WHERE topic = ? AND kafka_partition = ? "
                   "AND next_offset < ?", (offset, tp.topic, tp.partition, offset))
