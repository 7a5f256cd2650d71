"""The subscriber client against the real broker: every award once, in order, offsets committed
only after the handler, old versions upcast, and the ledger's relay as the source end to end."""

import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import uuid4

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from thidua_events.cloudevents import to_kafka
from thidua_events.envelope import LedgerEvent
from thidua_events.facts import Provenance, Role
from thidua_events.facts.awards import AwardConferred, Recipient, RecipientKind
from thidua_events.seen_store import MemorySeenStore, SeenStore, SQLiteSeenStore
from thidua_events.subscriber import HandlerFailed, Subscriber
from thidua_events.versions import UPCASTERS
from thidua_ledger.application import Ledger
from thidua_ledger.relay import Relay, RelayConfig
from thidua_ledger.settings import Settings

from tests.factories import CLERK, cluster_with_members, collective, conferral, revocation
from tests.integration.relay_support import FAST
from tests.tokens import SIGNING_KEY_FILE

CLUSTER = uuid4()
REPO = Path(__file__).resolve().parents[2]


def award(n: int) -> LedgerEvent:
    decree = uuid4()
    fact = AwardConferred(effective_date=date(2020, 1, 20), decree_id=decree, decree_no=f"{n:02d}/QĐ-BCA",
                          decree_date=date(2020, 1, 20), authority_id=uuid4(), signer="Bộ trưởng",
                          award_kind="Bằng khen", year=2019, cluster_id=CLUSTER,
                          recipients=(Recipient(kind=RecipientKind.COLLECTIVE, unit_id=uuid4()),))
    return LedgerEvent.of(fact, Provenance(actor="Thư ký", role=Role.CLERK), position=n, entity_id=decree,
                          entity_version=1, recorded_at=datetime.now(UTC))


def publish(bootstrap: str, topic: str, events: list[LedgerEvent]) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, **FAST)
    for event in events:
        key, value, headers = to_kafka(event)
        producer.send(topic, key=key, value=value, headers=headers)
    producer.flush()
    producer.close()


class Recorder:
    """A handler that remembers what it was given, and can be told to fail once on an event."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.events: list[LedgerEvent] = []
        self.fail_on = fail_on

    def __call__(self, event: LedgerEvent) -> None:
        if event.id == self.fail_on:
            self.fail_on = None
            raise RuntimeError("finance database is down")
        self.events.append(event)


Subscribe = Callable[..., Subscriber]


@pytest.fixture
def subscribe(kafka: str, topic: str) -> Iterator[Subscribe]:
    """Subscribers to the test's topic, closed afterwards; the group is the topic's unless given."""
    opened: list[Subscriber] = []

    def make(handler: Recorder, group: str = "", seen_store: SeenStore | None = None) -> Subscriber:
        subscriber = Subscriber(kafka, group or f"{topic}-group", handler, topics=(topic,),
                                seen_store=seen_store or MemorySeenStore(), dead_letter_topic=f"{topic}.dlq",
                                poll_interval=0.2, consumer_config=FAST, producer_config=FAST)
        opened.append(subscriber)
        return subscriber

    yield make
    for subscriber in opened:
        subscriber.close()


def committed(kafka: str, group: str, topic: str) -> int | None:
    consumer = KafkaConsumer(bootstrap_servers=kafka, group_id=group, enable_auto_commit=False, **FAST)
    try:
        return consumer.committed(TopicPartition(topic, 0))
    finally:
        consumer.close(autocommit=False)


def test_every_award_reaches_the_handler_once_in_order(subscribe: Subscribe, kafka: str, topic: str) -> None:
    events = [award(n) for n in range(1, 6)]
    publish(kafka, topic, [*events, events[1], events[3]])  # the relay published two again
    handler = Recorder()

    stats = subscribe(handler).run(max_messages=7, timeout=20)

    assert handler.events == events
    assert (stats.handled, stats.duplicates, stats.dead_lettered) == (5, 2, 0)
    assert committed(kafka, f"{topic}-group", topic) == 7


def test_duplicates_are_remembered_across_restarts_in_the_sqlite_seen_store(
        subscribe, kafka: str, topic: str, tmp_path: Path) -> None:
    events = [award(n) for n in range(1, 4)]
    publish(kafka, topic, events)
    first, second = Recorder(), Recorder()

    subscribe(first, seen_store=SQLiteSeenStore(tmp_path / "seen.sqlite")).run(max_messages=3, timeout=20)
    # A new group reads the topic from the start: the same ids, already handled.
    stats = subscribe(second, group=f"{topic}-other",
                      seen_store=SQLiteSeenStore(tmp_path / "seen.sqlite")).run(max_messages=3, timeout=20)

    assert first.events == events
    assert second.events == []
    assert stats.duplicates == 3


def test_an_offset_is_committed_only_after_the_handler_succeeded(subscribe: Subscribe, kafka: str,
                                                                 topic: str) -> None:
    events = [award(n) for n in range(1, 6)]
    publish(kafka, topic, events)
    handler = Recorder(fail_on=events[2].id)
    subscriber = subscribe(handler)

    with pytest.raises(HandlerFailed, match="finance database is down"):
        subscriber.run(max_messages=5, timeout=20)
    assert committed(kafka, f"{topic}-group", topic) == 2  # the first two only

    subscriber.run(max_messages=3, timeout=20)  # the failed event comes again
    assert handler.events == events
    assert committed(kafka, f"{topic}-group", topic) == 5


def test_a_restarted_subscriber_goes_on_from_its_committed_offset(subscribe: Subscribe, kafka: str,
                                                                   topic: str) -> None:
    events = [award(n) for n in range(1, 5)]
    publish(kafka, topic, events[:2])
    first, second = Recorder(), Recorder()
    with subscribe(first) as stopping:
        stopping.run(max_messages=2, timeout=20)
    publish(kafka, topic, events[2:])

    subscribe(second).run(max_messages=2, timeout=20)  # same group, no seen-store memory

    assert (first.events, second.events) == (events[:2], events[2:])


def test_an_old_version_reaches_the_handler_as_the_current_model(subscribe: Subscribe, kafka: str, topic: str,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    publish(kafka, topic, [award(1)])  # sent as v1
    monkeypatch.setattr(AwardConferred, "version", 2)  # today's contract: v2, with an upcaster
    monkeypatch.setitem(UPCASTERS, ("AwardConferred", 1), lambda p: {**p, "signer_title": "KT. BỘ TRƯỞNG"})
    handler = Recorder()

    subscribe(handler).run(max_messages=1, timeout=20)

    [event] = handler.events
    assert (event.version, event.data["signer_title"]) == (2, "KT. BỘ TRƯỞNG")
    assert isinstance(event.fact(), AwardConferred)


def test_awards_recorded_in_the_ledger_reach_a_subscriber_through_the_relay(
        subscribe, kafka: str, topic: str, tmp_path: Path) -> None:
    ledger = Ledger(env=Settings(store="sqlite", sqlite_path=tmp_path / "ledger.sqlite",
                                 signing_key_file=SIGNING_KEY_FILE).eventstore_env())
    setup = cluster_with_members(ledger, members=2)
    decree = conferral(setup, collective(setup.units[0]), collective(setup.units[1]))
    ledger.record(decree, CLERK)
    ledger.record(revocation(setup, decree, collective(setup.units[1])), CLERK)
    Relay(ledger, RelayConfig(bootstrap_servers=kafka, events_topic=f"{topic}.events", awards_topic=topic,
                              producer_config=FAST)).catch_up()
    ledger.close()
    handler = Recorder()

    subscribe(handler).run(max_messages=2, timeout=20)

    conferred, revoked = (event.fact() for event in handler.events)
    assert isinstance(conferred, AwardConferred) and conferred.decree_id == decree.decree_id
    assert revoked.revokes_decree_id == decree.decree_id  # type: ignore[attr-defined]


class CrashBeforeRecording(Exception):
    """The relay process dies after the broker acknowledged a batch, before its position is recorded."""


def test_an_award_reaches_the_subscriber_once_per_position_across_a_relay_restart_mid_batch(
        subscribe, kafka: str, topic: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = Ledger(env=Settings(store="sqlite", sqlite_path=tmp_path / "ledger.sqlite",
                                 signing_key_file=SIGNING_KEY_FILE).eventstore_env())
    setup = cluster_with_members(ledger, members=3)
    decrees = [conferral(setup, collective(unit)) for unit in setup.units]
    for decree in decrees:
        ledger.record(decree, CLERK)
    config = RelayConfig(bootstrap_servers=kafka, events_topic=f"{topic}.events", awards_topic=topic,
                         batch_size=1000, producer_config=FAST)
    crashing = Relay(ledger, config)

    def crash(position: int) -> None:
        raise CrashBeforeRecording(position)

    monkeypatch.setattr(crashing.position, "advance", crash)
    with pytest.raises(CrashBeforeRecording):
        crashing.publish_batch()  # every award sent and acknowledged, the position not moved
    crashing.close()
    assert Relay(ledger, config).position.get() == 0
    Relay(ledger, config).catch_up()  # the restarted relay publishes the whole batch again
    ledger.close()
    handler = Recorder()

    stats = subscribe(handler, seen_store=SQLiteSeenStore(tmp_path / "seen.sqlite")).run(
        max_messages=2 * len(decrees), timeout=30)

    assert (stats.handled, stats.duplicates) == (len(decrees), len(decrees))
    positions = [event.position for event in handler.events]
    assert positions == sorted(set(positions)) and len(positions) == len(decrees)
    assert [event.fact().decree_id for event in handler.events] == [d.decree_id for d in decrees]  # type: ignore[attr-defined]


def test_the_example_subscriber_prints_the_awards(kafka: str, topic: str, tmp_path: Path) -> None:
    publish(kafka, topic, [award(1), award(2)])
    printed = subprocess.run(
        [sys.executable, str(REPO / "events/examples/award_printer.py"), "--bootstrap", kafka,
         "--group", f"{topic}-printer", "--topic", topic, "--seen-db", str(tmp_path / "seen.sqlite"),
         "--max-messages", "2", "--timeout", "30"],
        capture_output=True, text=True, timeout=60, check=True).stdout.splitlines()
    assert printed[0].startswith("#1 2020-01-20 AwardConferred: Bằng khen 2019, decree 01/QĐ-BCA")
    assert printed[-1] == "handled 2, duplicates dropped 0, dead-lettered 0"
