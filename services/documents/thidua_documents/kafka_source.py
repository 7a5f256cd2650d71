"""The production source: the relay's topic, read by a consumer group.

The relay keys each event by cluster (or entity), so the topic's partitions each hold
the log in order, but not the log as a whole. The projections are applied in log order
(an issued document records "as of position P", and an event below P arriving later
would change it), so this source merges the partitions back into log order: it hands
out an event only once every other assigned partition has either shown a later one or
has nothing more to give. Duplicates (the relay delivers at least once) are dropped by
position, and offsets are committed only once the page that consumed them was applied.
"""

import logging
from collections import deque
from typing import Any

from kafka import KafkaConsumer
from kafka.structs import OffsetAndMetadata, TopicPartition
from thidua_events.cloudevents import InvalidMessage, from_kafka
from thidua_events.envelope import LedgerEvent, LogPage
from thidua_events.topics import EVENTS_TOPIC

log = logging.getLogger(__name__)


class KafkaSource:
    def __init__(self, bootstrap: str = "", topic: str = EVENTS_TOPIC, group: str = "thidua-documents", *,
                 consumer: Any = None, poll_ms: int = 500, **consumer_config: Any) -> None:
        self.consumer = consumer or KafkaConsumer(
            topic, bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
            auto_offset_reset="earliest", **consumer_config)
        self.poll_ms = poll_ms
        self.buffers: dict[TopicPartition, deque[tuple[LedgerEvent, int]]] = {}
        self.emitted = 0  # the last position handed out
        self.pending_commit: dict[TopicPartition, int] = {}  # offsets of the last page handed out
        self.page_end = 0

    def read(self, after: int) -> LogPage:
        if after >= self.page_end and self.pending_commit:  # the previous page is applied
            self.consumer.commit({tp: OffsetAndMetadata(offset, "", -1)
                                  for tp, offset in self.pending_commit.items()})
            self.pending_commit = {}
        self.emitted = max(self.emitted, after)
        for tp, records in self.consumer.poll(timeout_ms=self.poll_ms, max_records=1000).items():
            buffer = self.buffers.setdefault(tp, deque())
            for record in records:
                try:
                    event = from_kafka(record.headers, record.value)
                except InvalidMessage as error:  # one bad message must not stop every document
                    log.error("skipping %s[%s]@%s: %s", tp.topic, tp.partition, record.offset, error.reason)
                    continue
                buffer.append((event, record.offset))
        events, more = self._merge()
        self.page_end = self.emitted
        return LogPage(events=events, next_after=self.emitted, head=self.emitted + 1 if more else self.emitted)

    def _merge(self) -> tuple[list[LedgerEvent], bool]:
        """Events in log order, as far as every partition allows; and whether more may come."""
        assigned = set(self.consumer.assignment())
        ends = self.consumer.end_offsets(list(assigned)) if assigned else {}
        exhausted = {tp for tp in assigned if self.consumer.position(tp) >= ends.get(tp, 0)}
        events: list[LedgerEvent] = []
        while True:
            heads = {tp: buffer[0] for tp, buffer in self.buffers.items() if buffer}
            if not heads or any(tp not in heads and tp not in exhausted for tp in assigned):
                break  # a partition not heard from yet may hold an earlier position
            tp = min(heads, key=lambda t: heads[t][0].position)
            event, offset = self.buffers[tp].popleft()
            self.pending_commit[tp] = offset + 1
            if event.position > self.emitted:  # else a duplicate, or applied before a restart
                events.append(event)
                self.emitted = event.position
        more = any(self.buffers.values()) or exhausted != assigned or not assigned
        return events, more

    def close(self) -> None:
        self.consumer.close()
