"""The relay against the real broker, on each store: the log in order, keyed per cluster, as
CloudEvents, and resumed from the position recorded in the ledger's own database."""

import threading
import time
from collections import defaultdict
from collections.abc import Iterator

import pytest
from thidua_events.cloudevents import from_kafka, to_kafka
from thidua_events.envelope import LedgerEvent
from thidua_events.facts import Provenance, Role
from thidua_events.facts.awards import AwardConferred
from thidua_events.versions import UPCASTERS
from thidua_ledger.application import Ledger
from thidua_ledger.feed import envelope, follow
from thidua_ledger.relay import Relay, RelayConfig, RelayPosition, relay_lag, relay_status, stored_envelope
from thidua_ledger.settings import Settings

from tests.factories import (
    CLERK,
    adopt_criteria,
    adopt_pledge,
    cluster_with_members,
    collective,
    conferral,
    correction,
    election,
    hold_year_end_review,
    register_person,
    revocation,
    score,
    signing,
)
from tests.integration.relay_support import PRODUCER, drain, failing_connections, position


@pytest.fixture
def ledger(ledger_settings: Settings) -> Iterator[Ledger]:
    opened = Ledger(env=ledger_settings.eventstore_env())
    yield opened
    opened.close()


@pytest.fixture
def config(kafka: str, topic: str) -> RelayConfig:
    return RelayConfig(bootstrap_servers=kafka, events_topic=f"{topic}.events", awards_topic=f"{topic}.awards",
                       batch_size=20, producer_config=PRODUCER)


def published(ledger: Ledger) -> list[LedgerEvent]:
    return list(follow(ledger))


def test_every_event_is_published_once_in_log_order_per_key(ledger: Ledger, config: RelayConfig,
                                                             kafka: str) -> None:
    for _ in range(3):
        cluster_with_members(ledger, members=4)
    expected = published(ledger)

    Relay(ledger, config).catch_up()
    messages = drain(kafka, config.events_topic, len(expected))

    assert [from_kafka(m.headers, m.value) for m in sorted(messages, key=position)] == expected
    by_key: dict[bytes, list[int]] = defaultdict(list)
    for message in sorted(messages, key=lambda m: (m.partition, m.offset)):
        by_key[message.key].append(position(message))
    assert all(positions == sorted(positions) for positions in by_key.values())
    assert len({m.partition for m in messages}) > 1  # three clusters spread over the partitions


def test_the_key_is_the_cluster_for_cluster_facts_and_the_entity_otherwise(
        ledger: Ledger, config: RelayConfig, kafka: str) -> None:
    setup = cluster_with_members(ledger, members=2)
    Relay(ledger, config).catch_up()
    keys = {(h := dict(m.headers))["ce_type"].decode().split(".")[-2]: (m.key.decode(), h["ce_subject"].decode())
            for m in drain(kafka, config.events_topic, 7)}
    assert keys["UnitJoined"][0] == str(setup.cluster_id)
    assert keys["YearOpened"][0] == str(setup.cluster_id)
    assert keys["ClusterFormed"][0] == str(setup.cluster_id)
    assert keys["AuthorityRegistered"] == (str(setup.authority_id), str(setup.authority_id))
    unit_key, unit_subject = keys["UnitRegistered"]
    assert unit_key == unit_subject


def test_awards_also_go_to_the_awards_topic_and_a_revocation_keeps_its_conferrals_key(
        ledger: Ledger, config: RelayConfig, kafka: str) -> None:
    setup = cluster_with_members(ledger, members=2)
    decree = conferral(setup, collective(setup.units[0]), collective(setup.units[1]))
    ledger.record(decree, CLERK)
    ledger.record(revocation(setup, decree, collective(setup.units[1])), CLERK)

    Relay(ledger, config).catch_up()
    awards = drain(kafka, config.awards_topic, 2)
    events = drain(kafka, config.events_topic, 12)

    assert [from_kafka(m.headers, m.value).type for m in sorted(awards, key=position)] == [
        "AwardConferred", "AwardRevoked"]
    assert {m.key for m in awards} == {str(setup.cluster_id).encode()}
    # 10 of the cluster, its catalogue and members, 2 decrees; claims and indexes are internal
    assert len(events) == 12
    assert {m.value for m in awards} <= {m.value for m in events}


def test_the_relay_resumes_from_the_position_recorded_in_the_ledger_database(
        ledger_settings: Settings, config: RelayConfig, kafka: str) -> None:
    first = Ledger(env=ledger_settings.eventstore_env())
    cluster_with_members(first, members=2)
    Relay(first, config).catch_up()
    head = first.position()
    first.close()

    again = Ledger(env=ledger_settings.eventstore_env())  # as after a restart of the process
    cluster_with_members(again, members=2)
    relay = Relay(again, config)
    assert relay.position.get() == head
    relay.catch_up()
    expected = published(again)
    messages = drain(kafka, config.events_topic, len(expected))
    again.close()

    assert sorted(position(m) for m in messages) == [e.position for e in expected]  # no duplicates


def test_the_relay_reads_the_stored_json_exactly_as_the_feed_publishes_it(ledger: Ledger) -> None:
    setup = cluster_with_members(ledger, members=3)
    adopt_pledge(ledger, setup)
    ledger.record(signing(setup, setup.units[0]), CLERK)
    adopt_criteria(ledger, setup)
    scored = score(setup, setup.units[0], points="10.50")
    ledger.record(scored, CLERK)
    ledger.record(correction(setup, scored.score_id, "11.25"),
                  Provenance(actor="Trần Kiểm", role=Role.CLERK, reason="Chấm lại\nsau kiểm tra", source_ref="BB-2"))
    hold_year_end_review(ledger, setup)
    ledger.record(election(setup, setup.units[1], setup.units[2]), CLERK)
    register_person(ledger, setup.units[0])
    decree = conferral(setup, collective(setup.units[0]))
    ledger.record(decree, CLERK)
    ledger.record(revocation(setup, decree, collective(setup.units[0])), CLERK)

    notifications = ledger.recorder.select_notifications(start=1, limit=100)
    fast = [stored_envelope(ledger, n) for n in notifications]
    slow = [envelope(ledger, n) for n in notifications]

    assert [e is None for e in fast] == [e is None for e in slow]  # award claims are skipped by both
    assert [to_kafka(e) for e in fast if e] == [to_kafka(e) for e in slow if e]
    assert [e.model_dump() for e in fast if e] == [e.model_dump() for e in slow if e]


def test_an_event_stored_at_an_older_version_is_published_upcast(ledger: Ledger,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    setup = cluster_with_members(ledger, members=1)
    ledger.record(conferral(setup, collective(setup.units[0])), CLERK)  # stored as v1
    monkeypatch.setattr(AwardConferred, "version", 2)
    monkeypatch.setitem(UPCASTERS, ("AwardConferred", 1), lambda p: {**p, "signer_title": "KT. BỘ TRƯỞNG"})

    [stored] = [n for n in ledger.recorder.select_notifications(start=1, limit=100) if b"AwardConferred" in n.state]
    event = stored_envelope(ledger, stored)

    assert event is not None and (event.version, event.data["signer_title"]) == (2, "KT. BỘ TRƯỞNG")
    assert event == envelope(ledger, stored)


def test_the_status_reports_position_head_and_lag(ledger: Ledger, config: RelayConfig) -> None:
    cluster_with_members(ledger, members=1)
    head = ledger.position()
    assert relay_status(ledger) == relay_status(ledger, "relay")
    assert relay_lag(ledger) == head

    Relay(ledger, config).catch_up()

    status = relay_status(ledger)
    assert (status.position, status.head, status.lag) == (head, head, 0)


def test_the_position_never_goes_back(ledger: Ledger) -> None:
    position = RelayPosition(ledger, "relay")
    position.advance(5)
    position.advance(3)
    assert RelayPosition(ledger, "relay").get() == 5


@pytest.mark.filterwarnings("ignore::ResourceWarning")  # see failing_connections
def test_writes_succeed_while_no_broker_answers(ledger: Ledger, topic: str) -> None:
    unreachable = RelayConfig(bootstrap_servers="127.0.0.1:9", events_topic=topic, awards_topic=f"{topic}.a",
                              backoff_initial=0.05, backoff_max=0.2,
                              producer_config={"bootstrap_timeout_ms": 200, "request_timeout_ms": 200})
    relay = Relay(ledger, unreachable)
    thread = threading.Thread(target=relay.run, daemon=True)
    with failing_connections():
        thread.start()
        try:
            cluster_with_members(ledger, members=3)
            time.sleep(0.5)  # several failed attempts to connect
        finally:
            relay.stop()
            thread.join(timeout=5)
    assert not thread.is_alive()
    assert relay_lag(ledger) == ledger.position() == 18  # 12 facts and 6 index events

