"""The foundation, end to end on real parts: the ledger's events appended through
eventsourcing on SQLite and PostgreSQL, published to a real Kafka broker with an
idempotent acks=all producer, and read back through a consumer group that commits
by hand."""

import json

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from thidua_ledger.application import Ledger
from thidua_ledger.settings import Settings

from tests.factories import cluster_with_members


def test_events_appended_on_each_store_reach_kafka_and_back(
    ledger_settings: Settings, kafka: str, topic: str
) -> None:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    cluster_with_members(ledger, members=3)
    notifications = ledger.recorder.select_notifications(start=1, limit=100)
    # authority, its award catalogue of 3, cluster, 3 units and joins (each with its index event), year
    assert len(notifications) == 1 + 3 + 1 + 4 * 3 + 1

    producer = KafkaProducer(bootstrap_servers=kafka, acks="all", enable_idempotence=True)
    for n in notifications:
        producer.send(topic, key=n.originator_id.bytes, value=n.state,
                      headers=[("position", str(n.id).encode())])
    producer.flush()
    producer.close()

    consumer = KafkaConsumer(topic, bootstrap_servers=kafka, group_id=f"{topic}-group",
                             enable_auto_commit=False, auto_offset_reset="earliest",
                             consumer_timeout_ms=10_000)
    received = []
    for message in consumer:
        received.append(message)
        if len(received) == len(notifications):
            break
    consumer.commit()
    partition = TopicPartition(topic, received[0].partition)
    committed = consumer.committed(partition)
    consumer.close()

    assert [int(dict(m.headers)["position"]) for m in received] == [n.id for n in notifications]
    assert [m.value for m in received] == [n.state for n in notifications]
    assert json.loads(received[0].value)["fact"]["_type_"] == "fact:AuthorityRegistered"
    assert committed == len(notifications)
    ledger.close()
