"""A Kafka broker of a test's own, on free ports, so that stopping it disturbs nobody:
`deploy/kafka/kafka.sh` with its own run directory (the jars are shared)."""

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.services import unavailable

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class OwnBroker:
    home: Path
    port: int
    controller_port: int

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def kafka_sh(self, command: str) -> None:
        env = {**os.environ, "KAFKA_PORT": str(self.port), "KAFKA_CONTROLLER_PORT": str(self.controller_port),
               "KAFKA_HOME_DIR": str(self.home)}
        done = subprocess.run([str(REPO / "deploy/kafka/kafka.sh"), command], env=env, capture_output=True,
                              text=True, timeout=180)
        if done.returncode != 0:
            raise RuntimeError(f"kafka.sh {command} failed: {done.stderr[-2000:]}")


@pytest.fixture(scope="module")  # a fresh one per module: a restarted broker reloads its groups slowly
def own_broker() -> Iterator[OwnBroker]:
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        unavailable("Kafka (a broker of our own)", "no java to run it")
    broker = OwnBroker(Path(tempfile.mkdtemp(prefix="own-kafka-")), free_port(), free_port())
    try:
        broker.kafka_sh("up")
    except RuntimeError as error:
        shutil.rmtree(broker.home, ignore_errors=True)
        unavailable("Kafka (a broker of our own)", str(error))
    yield broker
    broker.kafka_sh("down")
    shutil.rmtree(broker.home, ignore_errors=True)
