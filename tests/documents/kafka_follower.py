"""A documents consumer in a process of its own, for the kill -9 test.

    python -m tests.documents.kafka_follower STORE BOOTSTRAP TOPIC GROUP --until P [--die-after-apply N]

Follows the topic into the SQLite store at STORE until the tracked position reaches P. With
--die-after-apply N the process kills itself (SIGKILL: nothing runs after it) once the Nth
batch is applied and stored, before its offsets are committed to Kafka.
"""

import argparse
import os
import signal
from collections.abc import Mapping
from pathlib import Path

from kafka.structs import TopicPartition
from thidua_documents.kafka_source import KafkaSource
from thidua_documents.projections import projected_position
from thidua_documents.settings import Settings
from thidua_documents.store import Store


def main() -> None:
    parser = argparse.ArgumentParser()
    for name in ("store", "bootstrap", "topic", "group"):
        parser.add_argument(name)
    parser.add_argument("--until", type=int, required=True)
    parser.add_argument("--die-after-apply", type=int, default=0)
    parser.add_argument("--max-records", type=int, default=1000)
    args = parser.parse_args()
    store = Store(Settings(store="sqlite", sqlite_path=Path(args.store)))
    store.migrate()
    source = KafkaSource(args.bootstrap, args.topic, args.group, poll_ms=200, max_records=args.max_records,
                         fetch_max_wait_ms=50, request_timeout_ms=5000, bootstrap_timeout_ms=5000)
    applied = 0
    commit = source._commit

    def commit_unless_dying(offsets: Mapping[TopicPartition, int]) -> None:
        nonlocal applied
        applied += 1
        if applied == args.die_after_apply:
            os.kill(os.getpid(), signal.SIGKILL)
        commit(offsets)

    source._commit = commit_unless_dying
    while projected_position(store) < args.until:
        source.catch_up(store)
    source.close()


if __name__ == "__main__":
    main()
