"""Finding the real services a test needs.

In order: environment variables naming running ones (what `make test` exports);
else testcontainers when a Docker engine answers; else skip with the reason, or
fail when REQUIRE_SERVICES=1 (CI), because a skipped test is not a passed test.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
import pytest

REQUIRED = os.environ.get("REQUIRE_SERVICES") == "1"


def unavailable(service: str, why: str) -> None:
    message = f"{service} unavailable: {why}"
    if REQUIRED:
        pytest.fail(f"{message} (REQUIRE_SERVICES=1 forbids skipping)", pytrace=False)
    pytest.skip(message)


def docker_answers() -> bool:
    import socket

    import docker

    if not os.environ.get("DOCKER_HOST"):
        # Probe the default socket first: a failed docker client leaks its socket.
        with socket.socket(socket.AF_UNIX) as probe:
            try:
                probe.connect("/var/run/docker.sock")
            except OSError:
                return False

    try:
        client = docker.from_env(timeout=2)
    except Exception:  # any failure means: no engine to start containers on
        return False
    try:
        client.ping()
    except Exception:
        return False
    finally:
        client.close()
    return True


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    password: str
    dbname: str

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(
            host=self.host, port=self.port, user=self.user,
            password=self.password, dbname=self.dbname, autocommit=True, connect_timeout=5,
        )


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    if os.environ.get("POSTGRES_HOST"):
        server = PostgresServer(
            host=os.environ["POSTGRES_HOST"],
            port=int(os.environ.get("POSTGRES_PORT", "5432")),
            user=os.environ.get("POSTGRES_USER", "thidua"),
            password=os.environ.get("POSTGRES_PASSWORD", ""),
            dbname=os.environ.get("POSTGRES_DBNAME", "thidua"),
        )
        try:
            server.connect().close()
        except psycopg.Error as error:
            unavailable("PostgreSQL", f"POSTGRES_HOST={server.host} does not answer: {error}")
        yield server
        return
    if not docker_answers():
        unavailable("PostgreSQL", "POSTGRES_HOST is not set and no Docker engine answers")
    from testcontainers.postgres import PostgresContainer

    with PostgresContainer("postgres:16-alpine", driver=None) as container:
        yield PostgresServer(
            host=container.get_container_host_ip(),
            port=int(container.get_exposed_port(5432)),
            user=container.username, password=container.password, dbname=container.dbname,
        )


def kafka_answers(bootstrap: str) -> str | None:
    """None when the broker lists its topics, else why not."""
    from kafka import KafkaAdminClient

    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000,
                                 bootstrap_timeout_ms=5000)
    except Exception as error:
        return str(error) or type(error).__name__
    try:
        admin.list_topics()
    except Exception as error:
        return str(error) or type(error).__name__
    finally:
        admin.close()
    return None


@contextmanager
def kafka_broker() -> Iterator[str]:
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if bootstrap:
        why = kafka_answers(bootstrap)
        if why:
            unavailable("Kafka", f"KAFKA_BOOTSTRAP_SERVERS={bootstrap} does not answer: {why}")
        yield bootstrap
        return
    if not docker_answers():
        unavailable("Kafka", "KAFKA_BOOTSTRAP_SERVERS is not set and no Docker engine answers")
    from testcontainers.kafka import KafkaContainer

    with KafkaContainer().with_kraft() as container:
        yield container.get_bootstrap_server()
