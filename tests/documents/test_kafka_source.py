"""The production source: the relay's topic on a real broker. Whatever order the partitions
arrive in, however often an event is repeated, whatever fails in between, the projection
fed from Kafka ends equal to the one fed from the ledger's HTTP feed, and so do the documents."""

import threading
from pathlib import Path
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from thidua_documents.api.app import create_app
from thidua_documents.documents.decree import DecreeRequest
from thidua_documents.settings import Settings
from thidua_documents.store import Store

from tests.documents.conftest import Docs, postgres_settings, sqlite_settings
from tests.documents.kafka_support import (
    catch_up_to,
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
from tests.documents.world import World
from tests.services import PostgresServer

pytestmark = pytest.mark.kafka


def test_kafka_and_the_feed_give_the_same_projection_and_the_same_documents(
        kafka: str, topic: str, docs: Docs, ledger: TestClient, world: World, tmp_path: Path) -> None:
    last = relay(ledger, kafka, topic)
    relay(ledger, kafka, topic, name="relay-again")  # every event twice: delivery is at least once
    consumer = source(kafka, topic, f"documents-{uuid4().hex[:8]}")
    (tmp_path / "kafka").mkdir()
    try:
        with TestClient(create_app(sqlite_settings(tmp_path / "kafka"), follow=False)) as client:
            store: Store = client.app.state.store  # type: ignore[attr-defined]
            assert catch_up_to(store, consumer, published(ledger)[-1].position) <= last
            assert rows(store) == rows(docs.store)
            request = DecreeRequest(proposer="Trưởng phòng Tổ chức cán bộ")
            subject = {"decree_id": world.decree_2016}
            from_kafka, _ = client.app.state.register.draft("decree", subject, request)  # type: ignore[attr-defined]
            from_feed, _ = docs.register.draft("decree", subject, request)
            assert from_kafka == from_feed
    finally:
        consumer.close()


def test_an_event_arriving_late_on_another_partition_is_applied_not_dropped(
        kafka: str, topic: str, docs: Docs, ledger: TestClient, tmp_path: Path) -> None:
    events = linked(published(ledger))
    create_topic(kafka, topic, partitions=2)
    early, late = events[1::2], events[0::2]  # the odd positions all reach partition 1 first
    produce(kafka, topic, [(event, previous, 1) for event, previous in early])
    store, consumer = new_store(tmp_path / "kafka"), source(kafka, topic, f"documents-{uuid4().hex[:8]}")
    try:
        consumer.catch_up(store)
        consumer.catch_up(store)
        assert position(store) == 0  # the first event has not arrived: no document may be issued past it
        produce(kafka, topic, [(event, previous, 0) for event, previous in late])
        catch_up_to(store, consumer, events[-1][0].position)
    finally:
        consumer.close()
    assert rows(store) == rows(docs.store)


def test_the_position_stops_at_the_first_missing_event_and_passes_it_once_it_arrives(
        kafka: str, topic: str, ledger: TestClient, docs: Docs, tmp_path: Path) -> None:
    events = linked(published(ledger))
    create_topic(kafka, topic, partitions=2)
    missing = 10
    produce(kafka, topic, [(event, previous, 0) for event, previous in events[:missing]])
    produce(kafka, topic, [(event, previous, 1) for event, previous in events[missing + 1:]])
    store, consumer = new_store(tmp_path / "kafka"), source(kafka, topic, f"documents-{uuid4().hex[:8]}")
    try:
        catch_up_to(store, consumer, events[missing - 1][0].position)
        consumer.catch_up(store)
        assert position(store) == events[missing - 1][0].position
        produce(kafka, topic, [(*events[missing], 0)])
        catch_up_to(store, consumer, events[-1][0].position)
    finally:
        consumer.close()
    assert rows(store) == rows(docs.store)


def test_a_batch_whose_write_failed_is_read_again_not_skipped(
        kafka: str, topic: str, docs: Docs, ledger: TestClient, tmp_path: Path) -> None:
    last = published(ledger)[-1].position
    relay(ledger, kafka, topic)
    store, consumer = new_store(tmp_path / "kafka"), source(kafka, topic, f"documents-{uuid4().hex[:8]}")
    try:
        with store.transaction(write=True) as tx:  # a real failure of the store's write
            tx.execute("ALTER TABLE proj_memberships RENAME TO proj_memberships_away")
        with pytest.raises(Exception, match="proj_memberships"):
            catch_up_to(store, consumer, last)
        assert position(store) == 0
        with store.transaction(write=True) as tx:
            tx.execute("ALTER TABLE proj_memberships_away RENAME TO proj_memberships")
        catch_up_to(store, consumer, last)
    finally:
        consumer.close()
    assert rows(store) == rows(docs.store)


def test_two_replicas_each_build_the_whole_projection_even_under_one_group_name(
        kafka: str, topic: str, docs: Docs, ledger: TestClient, tmp_path: Path) -> None:
    last = published(ledger)[-1].position
    relay(ledger, kafka, topic)
    group = f"documents-{uuid4().hex[:8]}"  # the same name: a shared group must not split the partitions
    replicas = [(new_store(tmp_path / f"replica{n}"), source(kafka, topic, group)) for n in (1, 2)]
    try:
        for store, consumer in replicas:
            catch_up_to(store, consumer, last)
    finally:
        for _, consumer in replicas:
            consumer.close()
    for store, _ in replicas:
        assert rows(store) == rows(docs.store)


def test_replicas_sharing_one_store_apply_each_event_once(
        kafka: str, topic: str, docs: Docs, ledger: TestClient, postgres: PostgresServer, pg_schema: str) -> None:
    last = published(ledger)[-1].position
    relay(ledger, kafka, topic)
    relay(ledger, kafka, topic, name="relay-again")
    settings: Settings = postgres_settings(postgres, pg_schema)
    Store(settings).migrate()
    consumers = [source(kafka, topic, f"documents-{uuid4().hex[:8]}") for _ in range(2)]
    failures: list[BaseException] = []

    def replica(n: int) -> None:
        try:
            catch_up_to(Store(settings), consumers[n], last)
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=replica, args=(n,)) for n in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
    finally:
        for consumer in consumers:
            consumer.close()
    assert failures == []
    assert rows(Store(settings)) == rows(docs.store)


def test_a_relay_restarted_between_batches_links_its_first_event_to_the_last_one_published(
        kafka: str, topic: str, docs: Docs, ledger: TestClient, tmp_path: Path) -> None:
    from thidua_ledger.relay import Relay, RelayConfig

    from tests.integration.relay_support import FAST, drain

    config = RelayConfig(bootstrap_servers=kafka, events_topic=topic, awards_topic=f"{topic}.awards",
                         batch_size=7, producer_config=FAST)
    for _ in range(3):  # three relays, each stopped after two batches: as if restarted each time
        stopped = Relay(ledger.app.state.ledger, config)  # type: ignore[attr-defined]
        stopped.publish_batch()
        stopped.publish_batch()
        stopped.close()
    relay(ledger, kafka, topic)  # and one more to the end
    links = {(int(dict(m.headers)["ce_position"]), int(dict(m.headers)["ce_previousposition"]))
             for m in drain(kafka, topic, len(published(ledger)))}
    assert links == {(event.position, previous) for event, previous in linked(published(ledger))}
    store, consumer = new_store(tmp_path / "kafka"), source(kafka, topic, f"documents-{uuid4().hex[:8]}")
    try:
        catch_up_to(store, consumer, published(ledger)[-1].position)
    finally:
        consumer.close()
    assert rows(store) == rows(docs.store)
