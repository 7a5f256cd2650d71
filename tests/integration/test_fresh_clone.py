"""A fresh clone anywhere: checked out by root into a folder no other account can enter
(root's own home is mode 700), `deploy/postgres/postgres.sh up` still makes, starts and
stops a cluster, although the server runs as the postgres account. On a port of its own,
so the running cluster is not disturbed."""

import os
import shutil
import subprocess
from pathlib import Path

import psycopg

from tests.integration.own_broker import free_port

REPO = Path(__file__).resolve().parents[2]


def postgres_sh(clone: Path, command: str, port: int) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PG_HOME_DIR", "PG_CLUSTER_DIR")}
    done = subprocess.run([str(clone / "deploy/postgres/postgres.sh"), command],
                          env={**env, "POSTGRES_PORT": str(port)}, cwd=clone,  # as `make` runs it
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout.strip()


def settings(envfile: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in envfile.read_text().splitlines() if "=" in line)


def test_postgres_comes_up_from_a_clone_in_a_folder_only_its_owner_can_enter(tmp_path: Path) -> None:
    private = tmp_path / "home"
    private.mkdir(mode=0o700)
    clone = private / "thidua"
    shutil.copytree(REPO / "deploy", clone / "deploy")  # what `make postgres-up` runs, as checked out
    port = free_port()
    cluster = Path(postgres_sh(clone, "path", port))
    try:
        postgres_sh(clone, "up", port)
        found = settings(clone / "var/postgres/postgres.env")
        with psycopg.connect(host=found["POSTGRES_HOST"], port=int(found["POSTGRES_PORT"]),
                             user=found["POSTGRES_USER"], password=found["POSTGRES_PASSWORD"],
                             dbname=found["POSTGRES_DBNAME"], connect_timeout=10) as conn:
            assert conn.execute("SELECT current_user").fetchone() == (found["POSTGRES_USER"],)
        assert int(found["POSTGRES_PORT"]) == port
        if os.getuid() == 0:  # the server's account could not enter the clone: its cluster lives elsewhere
            assert not cluster.is_relative_to(private)
        assert postgres_sh(clone, "up", port).startswith("postgres: already running")
    finally:
        postgres_sh(clone, "down", port)
        if not cluster.is_relative_to(private):
            shutil.rmtree(cluster, ignore_errors=True)
