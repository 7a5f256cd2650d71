"""The ledger's store goes away or fills up while clerks write: the API says so (503 with
Retry-After, or 507), recovers by itself, and no command is half-written (the chain verifies).

PostgreSQL: a private cluster of its own, made with initdb on a free port and restarted by
the test (the shared server on 5433 serves everyone else's tests). SQLite: the ledger's file
on a 1 MB tmpfs mounted by the test (we are root), filled up with long reasons."""

import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from thidua_ledger.api.app import create_app
from thidua_ledger.audit.verify import walk
from thidua_ledger.settings import Settings

from tests.api.conftest import AUDITOR, CLERK
from tests.api.test_recording import setup_cluster
from tests.services import unavailable
from tests.tokens import SIGNING_KEY_FILE


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PrivatePostgres:
    """A cluster only this test uses, run by the postgres account (the server refuses root)."""

    bin: Path
    home: Path
    port: int = field(default_factory=_free_port)

    def _run(self, *args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.home / "data"), "-U", "postgres",
                  "--auth-local=trust", "--auth-host=trust", "-E", "UTF8", "--locale=C.UTF-8")

    def start(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.home / "data"), "-l", str(self.home / "log"),
                  "-w", "-t", "60", "start",
                  "-o", f"-h 127.0.0.1 -p {self.port} -k {self.home} -c fsync=off -c max_connections=50")

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.home / "data"), "-m", "fast", "-w", "stop")


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found or os.geteuid() != 0:
        unavailable("a private PostgreSQL cluster", "needs Debian's postgresql package and root")
    # Under /tmp, which the postgres account can enter (pytest's own tmp_path is root's alone).
    home = Path(tempfile.mkdtemp(prefix="thidua-restart-"))
    shutil.chown(home, "postgres", "postgres")
    server = PrivatePostgres(found[-1].parent, home)
    server.init()
    server.start()
    try:
        yield server
    finally:
        subprocess.run(["runuser", "-u", "postgres", "--", str(server.bin / "pg_ctl"), "-D", str(home / "data"),
                        "-m", "immediate", "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(home, ignore_errors=True)


@dataclass
class Clerks:
    """Clerks registering units and joining them to a cluster, in threads, until told to stop."""

    client: TestClient
    cluster: str
    authority: str
    answers: list[tuple[float, str, int, dict[str, Any]]] = field(default_factory=list)
    joined: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def _post(self, fact: str, body: dict[str, Any]) -> int:
        response = self.client.post(f"/facts/{fact}", json=body, headers=CLERK)
        detail = dict(response.headers) if response.status_code == 503 else {}
        if response.status_code == 409:
            detail = response.json()
        self.answers.append((time.monotonic(), fact, response.status_code, detail))
        return response.status_code

    def work(self) -> None:
        while not self.stop.is_set():
            unit = str(uuid4())
            if self._post("UnitRegistered", {"effective_date": "2015-01-01", "unit_id": unit,
                                             "name": f"Phòng {unit[:8]}", "authority_id": self.authority}) != 201:
                time.sleep(0.05)
                continue
            while not self.stop.is_set():  # the unit exists: join it, retrying through the outage
                status = self._post("UnitJoined", {"effective_date": "2015-01-01", "cluster_id": self.cluster,
                                                   "unit_id": unit})
                if status == 201:
                    self.joined.append(unit)
                    break
                if status == 409 and self.answers[-1][3]["rule"] != "optimistic-concurrency":
                    self.joined.append(unit)  # recorded by a try whose answer was lost: a rule says so
                    break
                time.sleep(0.05)

    def statuses(self) -> set[int]:
        return {status for _, _, status, _ in self.answers}


def test_a_postgresql_restart_while_clerks_write_answers_503_and_recovers_without_half_written_commands(
        private_postgres: PrivatePostgres) -> None:
    settings = Settings(store="postgres", postgres_host="127.0.0.1", postgres_port=private_postgres.port,
                        postgres_user="postgres", postgres_dbname="postgres", signing_key_file=SIGNING_KEY_FILE)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        ids = setup_cluster(client, members=1)
        clerks = Clerks(client, ids["cluster"], ids["authority"])
        threads = [threading.Thread(target=clerks.work) for _ in range(2)]
        for thread in threads:
            thread.start()
        try:
            time.sleep(1.0)
            private_postgres.stop()
            down_at = time.monotonic()
            time.sleep(20.0)  # the outage: longer than the ~12 s a request waits for a connection
            private_postgres.start()
            up_at = time.monotonic()
            deadline = up_at + 30
            while not any(at > up_at and status == 201 for at, _, status, _ in clerks.answers):
                assert time.monotonic() < deadline, "the ledger did not recover after the restart"
                time.sleep(0.2)
            time.sleep(1.0)
        finally:
            clerks.stop.set()
            for thread in threads:
                thread.join(timeout=60)

        assert clerks.statuses() <= {201, 409, 503}, clerks.statuses()
        outage = [headers for at, _, status, headers in clerks.answers if status == 503]
        assert outage and all(headers.get("retry-after", "").isdigit() for headers in outage)
        assert any(down_at < at < up_at and status == 503 for at, _, status, _ in clerks.answers)
        assert client.get("/health").status_code == 200

        report = walk(client.app.state.ledger.recorder)  # type: ignore[attr-defined]
        assert report.ok, report.finding
        members = {m["unit_id"] for m in client.get(f"/clusters/{ids['cluster']}/years/2019",
                                                    headers=AUDITOR).json()["members"]}
        assert set(clerks.joined) <= members


@pytest.fixture
def small_disk() -> Iterator[Path]:
    """A 1 MB tmpfs: a real full disk, made and removed by the test."""
    if os.geteuid() != 0:
        unavailable("a small tmpfs", "mounting one needs root")
    mount_point = Path(tempfile.mkdtemp(prefix="thidua-full-"))
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        unavailable("a small tmpfs", mounted.stderr.strip())
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)
        mount_point.rmdir()


def test_a_full_disk_answers_507_stores_nothing_in_part_and_leaves_the_sqlite_ledger_intact(
        small_disk: Path) -> None:
    path = small_disk / "ledger.sqlite"
    settings = Settings(store="sqlite", sqlite_path=path, signing_key_file=SIGNING_KEY_FILE)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        ids = setup_cluster(client, members=1)
        long_reason = "Lý do ghi nhận. " * 1200  # about 20 KB per event
        answers = []
        for _ in range(200):
            before = client.get("/log?limit=1", headers=AUDITOR).json()["head"]
            response = client.post("/facts/UnitRegistered", headers=CLERK, json={
                "effective_date": "2016-01-01", "unit_id": str(uuid4()), "name": f"Phòng {len(answers)}",
                "authority_id": ids["authority"], "reason": long_reason})
            answers.append(response)
            if response.status_code != 201:
                break
        refused = answers[-1]
        assert refused.status_code == 507, (refused.status_code, refused.text)
        assert "disk is full" in refused.json()["detail"]
        head = client.get("/log?limit=1", headers=AUDITOR).json()["head"]
        assert head == before  # the refused command left nothing behind
        report = walk(client.app.state.ledger.recorder)  # type: ignore[attr-defined]
        assert report.ok and report.head_position == head

        # Room again (the tmpfs grows): the same command is recorded, after the last one.
        subprocess.run(["mount", "-o", "remount,size=8m", str(small_disk)], check=True)
        again = client.post("/facts/UnitRegistered", headers=CLERK, json={
            "effective_date": "2016-01-01", "unit_id": str(uuid4()), "name": "Phòng sau khi dọn đĩa",
            "authority_id": ids["authority"], "reason": long_reason})
        assert again.status_code == 201 and again.json()["position"] > head
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
