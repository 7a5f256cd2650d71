"""What the relay and subscriber tests share: short Kafka timeouts, reading a topic back, and
containing kafka-python's unclosed sockets when a test makes connections fail on purpose."""

import gc
import logging
import time
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kafka import KafkaConsumer

FAST = {"request_timeout_ms": 5000, "bootstrap_timeout_ms": 5000}  # fail in seconds, not in 30
PRODUCER = {**FAST, "max_block_ms": 5000}


def drain(bootstrap: str, topic: str, expected: int, timeout: float = 20) -> list[Any]:
    """Every message of a topic from the beginning, once `expected` arrived (or at the timeout),
    plus whatever else is there (duplicates)."""
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=f"drain-{uuid.uuid4().hex[:8]}",
                             auto_offset_reset="earliest", enable_auto_commit=False, fetch_max_wait_ms=100,
                             **FAST)
    received: list[Any] = []
    deadline = time.monotonic() + timeout
    try:
        while len(received) < expected and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=300).values():
                received.extend(records)
        for records in consumer.poll(timeout_ms=300).values():
            received.extend(records)
    finally:
        consumer.close(autocommit=False)
    return received


def position(message: Any) -> int:
    return int(dict(message.headers)["ce_position"])


def ce_id(message: Any) -> str:
    return dict(message.headers)["ce_id"].decode()


@contextmanager
def failing_connections() -> Iterator[None]:
    """kafka-python 3.0 leaves the socket of a failed connection unclosed (kafka/net/inet.py) and
    logs the error with the exception as argument (pytest keeps the record, hence the socket).
    Collect those sockets here, where they are expected, not in whichever test runs next.
    Use with `@pytest.mark.filterwarnings("ignore::ResourceWarning")` on the test."""
    logger = logging.getLogger("kafka")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()
