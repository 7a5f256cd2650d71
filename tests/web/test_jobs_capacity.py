"""Long work in the web process is bounded: each job (reading a proposals sheet of up to 5 MB,
issuing a cluster's documents for many years) is a thread of the serving process, and a signed-in
account starting them without end starved everyone else of CPU and memory. At most
`PER_OWNER_AT_MOST` run at once for one account and `RUNNING_AT_MOST` in the process; another is
refused with a page in Vietnamese (429, Retry-After) and accepted once one has finished."""

import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from thidua_web import jobs
from thidua_web.app import create_app
from thidua_web.session import COOKIE, Session
from thidua_web.settings import Settings

from tests.web.conftest import free_port

OWNER = "Trần Văn Thư ký"


@pytest.fixture
def held() -> Iterator[threading.Event]:
    """Jobs that run until the test lets them go."""
    release = threading.Event()
    yield release
    release.set()


def _blocking(release: threading.Event) -> jobs.Job:
    return jobs.start(OWNER, "Thử", lambda job: release.wait(30))


def _finished(job: jobs.Job) -> None:
    deadline = time.monotonic() + 10
    while not job.finished and time.monotonic() < deadline:
        time.sleep(0.01)
    assert job.finished


def test_an_account_runs_at_most_so_many_jobs_at_once(held: threading.Event) -> None:
    started = [_blocking(held) for _ in range(jobs.PER_OWNER_AT_MOST)]
    with pytest.raises(jobs.TooManyJobs):
        _blocking(held)
    other = jobs.start("Lê Thị Thanh tra", "Thử", lambda job: None)  # another account still may
    _finished(other)
    held.set()
    for job in started:
        _finished(job)
    _finished(jobs.start(OWNER, "Thử", lambda job: None))  # accepted once they have finished


def test_the_process_runs_at_most_so_many_jobs_at_once(held: threading.Event) -> None:
    started = [jobs.start(f"Thư ký {n}", "Thử", lambda job: held.wait(30)) for n in range(jobs.RUNNING_AT_MOST)]
    with pytest.raises(jobs.TooManyJobs):
        jobs.start("Thư ký khác", "Thử", lambda job: None)
    held.set()
    for job in started:
        _finished(job)


@pytest.fixture
def web() -> Iterator[TestClient]:
    settings = Settings(session_key="k" * 40, ledger_url=f"http://127.0.0.1:{free_port()}",
                        documents_url=f"http://127.0.0.1:{free_port()}")
    with TestClient(create_app(settings)) as client:
        session = Session(csrf="c" * 43, token="a-token", name=OWNER, role="clerk", expires_at=time.time() + 600)
        client.cookies.set(COOKIE, client.app.state.session_codec.dumps(session))  # type: ignore[attr-defined]
        yield client


def _upload(web: TestClient) -> object:
    return web.post("/proposals/import", data={"authority_id": "a", "csrf_token": "c" * 43},
                    files={"sheet": ("de-nghi.xlsx", b"not really a sheet", "application/octet-stream")},
                    follow_redirects=False)


def test_a_job_beyond_the_limit_is_refused_with_a_page_in_vietnamese(web: TestClient,
                                                                      held: threading.Event) -> None:
    started = [_blocking(held) for _ in range(jobs.PER_OWNER_AT_MOST)]
    refused = _upload(web)
    assert refused.status_code == 429, refused.text  # type: ignore[attr-defined]
    assert "Retry-After" in refused.headers  # type: ignore[attr-defined]
    assert "việc dài" in refused.text and "<html" in refused.text  # type: ignore[attr-defined]
    held.set()
    for job in started:
        _finished(job)
    assert _upload(web).status_code == 303  # type: ignore[attr-defined]
