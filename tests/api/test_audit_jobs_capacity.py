"""An auditor cannot start audit jobs without end: each replays the whole log in a thread of
the serving process, and a few hundred at once starve the clerks' commands of CPU and the
process of memory. While RUNNING_AT_MOST are running, another is refused (429, with
Retry-After), and accepted again once one has finished."""

import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from thidua_ledger.api.app import create_app
from thidua_ledger.audit.jobs import RUNNING_AT_MOST, Job, Jobs
from thidua_ledger.settings import Settings

from tests.api.conftest import AUDITOR
from tests.tokens import SIGNING_KEY_FILE


@pytest.fixture
def served(tmp_path: Path) -> Any:
    settings = Settings(store="sqlite", sqlite_path=tmp_path / "ledger.sqlite", signing_key_file=SIGNING_KEY_FILE)
    with TestClient(create_app(settings)) as client:
        yield client


def _held(jobs: Jobs, release: threading.Event) -> Job:
    def work(job: Job) -> dict[str, Any]:
        release.wait(10)
        return {"ok": True}
    return jobs.start("replay", 1, work)


@pytest.mark.parametrize("route", ["/audit/replay", "/audit/verify"])
def test_an_audit_job_beyond_the_running_ones_is_refused_until_one_finishes(served: TestClient, route: str) -> None:
    jobs = served.app.state.audit_jobs = Jobs()  # type: ignore[attr-defined]
    release = threading.Event()
    held = [_held(jobs, release) for _ in range(RUNNING_AT_MOST)]
    try:
        refused = served.post(route, headers=AUDITOR)
        assert refused.status_code == 429, refused.text
        assert int(refused.headers["Retry-After"]) > 0
        assert "running" in refused.json()["detail"]
    finally:
        release.set()
    for job in held:
        _finished(jobs, job.job_id)
    accepted = served.post(route, headers=AUDITOR)
    assert accepted.status_code == 202
    # Its walk reads the store in a thread: done before the fixture closes the ledger under it
    # (SQLite closed under a running query crashed the test process).
    _finished(jobs, accepted.json()["job_id"])


def _finished(jobs: Jobs, job_id: str) -> None:
    for _ in range(1000):
        if jobs.get(job_id).status != "running":  # type: ignore[union-attr]
            return
        threading.Event().wait(0.02)
    raise AssertionError(f"job {job_id} still running after 20 s")
