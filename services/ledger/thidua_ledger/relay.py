"""The relay: the ledger's log, in log order, onto Kafka (the outbox pattern).

Clerks' writes never wait for Kafka: they only append to the ledger's database. The
relay follows the stored log and publishes it, and records how far it got in that same
database (eventsourcing's tracking table: one code path for SQLite and PostgreSQL),
only after the broker acknowledged the whole batch (acks=all, idempotent producer).
A crash at any moment therefore re-publishes at most the last batch: delivery is at
least once, and the CloudEvents id (stable) lets subscribers drop the duplicates.
"""

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, Notification, PersistenceError, Tracking
from kafka import KafkaAdminClient, KafkaProducer
from kafka.errors import KafkaError, KafkaTimeoutError
from pydantic_core import from_json
from thidua_events.cloudevents import to_kafka
from thidua_events.envelope import LedgerEvent
from thidua_events.facts import FACTS, Provenance, Role
from thidua_events.topics import AWARD_TYPES, AWARDS_TOPIC, EVENTS_TOPIC

from thidua_ledger.application import Ledger
from thidua_ledger.domain.awards import Decree
from thidua_ledger.domain.errors import NotFound
from thidua_ledger.feed import envelope

log = logging.getLogger("thidua_ledger.relay")


@dataclass(frozen=True)
class RelayConfig:
    bootstrap_servers: str = "127.0.0.1:9092"
    events_topic: str = EVENTS_TOPIC
    awards_topic: str = AWARDS_TOPIC
    batch_size: int = 500
    idle_interval: float = 0.05  # seconds between looks at the log once caught up (SQLite cannot notify)
    backoff_initial: float = 0.5  # after a failure; doubles up to backoff_max while failures go on
    backoff_max: float = 30.0
    ack_wait: float = 5.0  # one wait for the broker's acks; the relay logs and waits again
    # A batch neither acknowledged nor failed after this long means a wedged producer (kafka-python
    # 3.0's idempotent producer can hang after expiring a batch): start a new one and resend.
    ack_timeout: float = 150.0
    max_rate: float | None = None  # events per second at most (spare the broker after a long outage)
    partitions: int = 3  # for topics the relay has to create
    tracking_name: str = "relay"  # two relays of one ledger (two clusters) need two names
    log_interval: float = 10.0
    producer_config: Mapping[str, Any] = field(default_factory=dict)  # extra kafka-python settings


@dataclass(frozen=True)
class RelayStatus:
    position: int  # the last log position published and acknowledged
    head: int  # the newest position in the log
    lag: int  # positions not yet published (internal events included: they are skipped, not sent)


class RelayPosition:
    """How far the relay got, kept in the ledger's own database so that it survives any crash."""

    def __init__(self, ledger: Ledger, name: str = "relay") -> None:
        self.name = name
        self._recorder = ledger.factory.tracking_recorder()
        self._known = self._recorder.max_tracking_id(name) or 0

    def get(self, refresh: bool = False) -> int:
        if refresh:
            self._known = self._recorder.max_tracking_id(self.name) or 0
        return self._known

    def advance(self, position: int) -> None:
        if position <= self._known:
            return
        try:
            self._recorder.insert_tracking(Tracking(application_name=self.name, notification_id=position))
        except IntegrityError:  # the single-row upsert refuses to go backwards: someone got further
            log.warning("relay %r: position %d already passed by another relay", self.name, position)
            self.get(refresh=True)
            return
        self._known = position


def relay_status(ledger: Ledger, name: str = "relay") -> RelayStatus:
    position = RelayPosition(ledger, name).get()
    head = ledger.position()
    return RelayStatus(position=position, head=head, lag=max(head - position, 0))


def relay_lag(ledger: Ledger, name: str = "relay") -> int:
    return relay_status(ledger, name).lag


class _Stopped(Exception):
    """stop() was called while the relay waited for the broker."""


Producer = Any  # a KafkaProducer, or anything with its send/flush/close (tests, benchmarks)


class Relay:
    def __init__(self, ledger: Ledger, config: RelayConfig | None = None,
                 producer_factory: Callable[[RelayConfig], Producer] | None = None) -> None:
        self.ledger = ledger
        self.config = config or RelayConfig()
        self.position = RelayPosition(ledger, self.config.tracking_name)
        self._connect = producer_factory or connect_producer
        self._producer: Producer | None = None
        self._stop = threading.Event()
        self._prefetched: list[Notification] = []  # the batch after the recorded position, if read
        self._link = (0, 0)  # (recorded position, the last event published at or before it)
        self._next_send = 0.0
        self._last_log = 0.0
        self.published = 0  # messages acknowledged by the broker since start

    def stop(self) -> None:
        self._stop.set()

    def status(self) -> RelayStatus:
        position, head = self.position.get(), self.ledger.position()
        return RelayStatus(position=position, head=head, lag=max(head - position, 0))

    def run(self) -> None:
        """Publish until stop(): catch up, then follow the log. Broker or database trouble is
        logged and retried with capped exponential backoff; the ledger never notices."""
        backoff = self.config.backoff_initial
        try:
            while not self._stop.is_set():
                try:
                    covered = self.publish_batch()
                except _Stopped:
                    break
                except (KafkaError, OSError, PersistenceError) as error:
                    # str(error): a log record must not keep the traceback (and its sockets) alive
                    log.warning("relay: %s; retrying in %.1fs (lag %s)", str(error) or type(error).__name__,
                                backoff, self._lag_or_unknown())
                    self._discard_producer()
                    self._stop.wait(backoff)
                    backoff = min(backoff * 2, self.config.backoff_max)
                    continue
                backoff = self.config.backoff_initial
                if not covered:
                    self._stop.wait(self.config.idle_interval)
        finally:
            self.close()

    def catch_up(self) -> int:
        """Publish everything recorded so far, raising on failure (tests, benchmarks, `--once`)."""
        while self.publish_batch():
            pass
        return self.position.get()

    def publish_batch(self) -> int:
        """Publish the batch after the recorded position, wait for every ack, then record the
        new position. Returns the number of log positions covered (0: nothing new)."""
        notifications = self._prefetched or self._read(after=self.position.get())
        self._prefetched = []
        if not notifications:
            return 0
        producer = self._producer_or_connect()
        sent = []
        previous = self._previous_published()
        for notification in notifications:
            event = stored_envelope(self.ledger, notification)
            if event is None:  # internal bookkeeping (award claims) is not part of the contract
                continue
            key, value, headers = to_kafka(event, self._key(event), previous=previous)
            previous = event.position
            self._pace()
            sent.append(producer.send(self.config.events_topic, key=key, value=value, headers=headers))
            if event.type in AWARD_TYPES:
                sent.append(producer.send(self.config.awards_topic, key=key, value=value, headers=headers))
        # Read the next batch while the broker acknowledges this one: the database's I/O overlaps
        # the producer's work. Still one batch unacknowledged at a time (a crash repeats only it).
        following = self._read(after=notifications[-1].id)
        self._await_acks(producer, sent)
        self.published += len(sent)
        self.position.advance(notifications[-1].id)
        self._link = (notifications[-1].id, previous)
        self._prefetched = following
        self._log_progress()
        return len(notifications)

    def _previous_published(self) -> int:
        """The last event published at or before the recorded position: the first link of a batch."""
        recorded = self.position.get()
        if self._link[0] != recorded:  # after a restart, or another relay got further
            self._link = (recorded, last_published(self.ledger, recorded))
        return self._link[1]

    def _read(self, after: int) -> list[Notification]:
        return list(self.ledger.recorder.select_notifications(start=after + 1, limit=self.config.batch_size))

    def close(self) -> None:
        self._discard_producer()

    def _producer_or_connect(self) -> Producer:
        if self._producer is None:
            self._producer = self._connect(self.config)
            log.info("relay: connected to %s, publishing after position %d",
                     self.config.bootstrap_servers, self.position.get())
        return self._producer

    def _await_acks(self, producer: Producer, sent: list[Any]) -> None:
        # The idempotent producer retries by itself while the broker is away; we keep
        # waiting (and saying so) until it succeeds or gives up (delivery_timeout_ms).
        deadline = time.monotonic() + self.config.ack_timeout
        while True:
            try:
                producer.flush(timeout=self.config.ack_wait)
                break
            except KafkaTimeoutError:
                if self._stop.is_set():
                    raise _Stopped from None
                pending = sum(not f.is_done for f in sent)
                if time.monotonic() > deadline:
                    raise KafkaTimeoutError(f"{pending} messages unacknowledged after "
                                            f"{self.config.ack_timeout}s") from None
                log.warning("relay: %d messages wait for the broker (lag %s)", pending, self._lag_or_unknown())
        for future in sent:
            if future.failed():
                raise future.exception

    def _key(self, event: LedgerEvent) -> str | None:
        """A revocation travels under its conferral's key, so no consumer sees it first."""
        if event.type != "AwardRevoked":
            return None
        revoked = UUID(event.data["revokes_decree_id"])
        try:
            conferral = self.ledger.get(Decree, revoked).fact
        except NotFound:
            return str(revoked)
        cluster_id = getattr(conferral, "cluster_id", None)
        return str(cluster_id or revoked)

    def _pace(self) -> None:
        if not self.config.max_rate:
            return
        now = time.monotonic()
        self._next_send = max(self._next_send, now)  # when behind, do not burst to catch up
        if self._next_send > now:
            time.sleep(self._next_send - now)
        self._next_send += 1 / self.config.max_rate

    def _log_progress(self) -> None:
        now = time.monotonic()
        if now - self._last_log < self.config.log_interval:
            return
        self._last_log = now
        status = self.status()
        log.info("relay: published up to position %d of %d (lag %d, %d messages since start)",
                 status.position, status.head, status.lag, self.published)

    def _lag_or_unknown(self) -> int | str:
        try:
            return self.status().lag
        except PersistenceError:
            return "unknown"

    def _discard_producer(self) -> None:
        self._prefetched = []
        producer, self._producer = self._producer, None
        if producer is not None:
            close_producer(producer)


def stored_envelope(ledger: Ledger, notification: Notification) -> LedgerEvent | None:
    """`feed.envelope`, read straight from the stored JSON.

    What the ledger stores already is the contract's JSON, validated when it was recorded;
    rebuilding the domain event and the fact from it (and validating again) is most of the
    relay's CPU. So the relay reads the stored form, and falls back to `feed.envelope` for
    anything else: a fact stored at an older version (to upcast), a compressed or encrypted
    store, a format it does not recognise. One difference is deliberate: an optional field
    added to a model since the event was recorded is absent here, not null (both validate).
    """
    try:
        state = from_json(notification.state)
        if not isinstance(state, dict):
            return envelope(ledger, notification)
        if "fact" not in state:
            return None  # an award claim's event: internal
        fact, provenance = state["fact"], state["provenance"]["_data_"]
        type_name = fact["_type_"].removeprefix("fact:")
        stored, fact_type = fact["_data_"], FACTS[type_name]
        if stored["v"] != fact_type.version or state["timestamp"]["_type_"] != "datetime_iso":
            return envelope(ledger, notification)
        data, entity_id = stored["data"], notification.originator_id
        return LedgerEvent.model_construct(
            id=f"{entity_id}:{notification.originator_version}", position=notification.id,
            entity_id=entity_id if isinstance(entity_id, UUID) else UUID(entity_id),
            entity_version=notification.originator_version,
            entity_kind=fact_type.aggregate, type=type_name, version=fact_type.version,
            effective_date=date.fromisoformat(data["effective_date"]),
            recorded_at=datetime.fromisoformat(state["timestamp"]["_data_"]),
            provenance=Provenance.model_construct(actor=provenance["actor"], role=Role(provenance["role"]),
                                                  reason=provenance.get("reason"),
                                                  source_ref=provenance.get("source_ref")),
            data=data)
    except (ValueError, KeyError, TypeError, AttributeError):
        return envelope(ledger, notification)


def last_published(ledger: Ledger, at_or_before: int, window: int = 64) -> int:
    """The position of the last published (not internal) event at or before a position; 0 if none."""
    stop = at_or_before
    while stop > 0:
        start = max(1, stop - window + 1)
        notifications = ledger.recorder.select_notifications(start=start, limit=window, stop=stop)
        for notification in reversed(notifications):
            if stored_envelope(ledger, notification) is not None:
                return notification.id
        stop = start - 1
    return 0


def connect_producer(config: RelayConfig) -> KafkaProducer:
    """An idempotent acks=all producer, with the relay's topics created and their metadata loaded
    (so that `send` never blocks on metadata in the middle of a batch)."""
    settings: dict[str, Any] = {
        "bootstrap_servers": config.bootstrap_servers, "client_id": "thidua-ledger-relay",
        "acks": "all", "enable_idempotence": True,  # explicit: a conflicting option then fails loudly
        "linger_ms": 5, "reconnect_backoff_max_ms": 2000, **config.producer_config,
    }
    producer = KafkaProducer(**settings)
    try:
        # Only once the producer reached the broker: kafka-python 3.0 leaks a thread for every
        # admin client that fails to bootstrap, and a relay retries for as long as the outage lasts.
        ensure_topics(config, {k: v for k, v in settings.items() if k in _CLIENT_KEYS})
        for topic in (config.events_topic, config.awards_topic):
            producer.partitions_for(topic)
    except Exception:
        close_producer(producer)
        raise
    return producer


_CLIENT_KEYS = {"bootstrap_servers", "request_timeout_ms", "bootstrap_timeout_ms", "client_id",
                "reconnect_backoff_ms", "reconnect_backoff_max_ms", "security_protocol"}
_ENSURED: set[tuple[str, str]] = set()


def ensure_topics(config: RelayConfig, client: Mapping[str, Any]) -> None:
    """Create missing topics with `config.partitions` partitions (broker auto-creation gives one)."""
    wanted = {topic for topic in (config.events_topic, config.awards_topic)
              if (config.bootstrap_servers, topic) not in _ENSURED}
    if not wanted:
        return
    admin = KafkaAdminClient(**client)
    try:
        missing = wanted - set(admin.list_topics())
        if missing:
            admin.create_topics({topic: {"num_partitions": config.partitions, "replication_factor": -1}
                                 for topic in missing}, raise_errors=False, wait_for_metadata=True)
    finally:
        admin.close()
    _ENSURED.update((config.bootstrap_servers, topic) for topic in wanted)


def close_producer(producer: Producer, timeout: float = 1.0) -> None:
    try:
        producer.close(timeout=timeout)
        return
    except KafkaTimeoutError:
        pass
    # kafka-python 3.0's close() flushes first and raises while batches are pending (broker away,
    # wedged producer), leaving its sender thread running: abort those batches, then close again.
    sender = getattr(producer, "_sender", None)
    if sender is not None:
        sender.force_close()
        sender.join(timeout)
    try:
        producer.close(timeout=timeout)
    except KafkaError as error:
        log.warning("relay: could not close the producer cleanly: %s", str(error))
