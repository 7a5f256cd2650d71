"""Long work (reading a big sheet, issuing many documents) in a thread of its own, with its
progress, so a page can show it: polled by htmx, or refreshed by the page itself without
JavaScript. Jobs live in this process only and belong to the person who started them."""

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

KEEP_SECONDS = 3600
# Each job is a thread of the serving process reading a sheet of up to 5 MB or issuing many
# documents: without a bound, one account starting them without end starves every other page.
PER_OWNER_AT_MOST = 2
RUNNING_AT_MOST = 6
RETRY_AFTER_SECONDS = 5


class TooManyJobs(Exception):
    """As many jobs as may run at once are running (for this account, or in this process)."""

    def __init__(self, running: int, of_owner: bool) -> None:
        super().__init__(f"{running} jobs running{' for this account' if of_owner else ''}")
        self.running, self.of_owner = running, of_owner


@dataclass
class Job:
    id: str
    owner: str
    title: str
    done: int = 0
    total: int = 0
    finished: bool = False
    failed: str | None = None
    result: Any = None
    data: dict[str, Any] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    @property
    def percent(self) -> int:
        return 100 if self.finished else (100 * self.done // self.total if self.total else 0)

    def advance(self, done: int, total: int) -> None:
        self.done, self.total = done, total


_jobs: dict[str, Job] = {}
_lock = threading.Lock()


def start(owner: str, title: str, work: Callable[[Job], Any], **data: Any) -> Job:
    """The job, started in a thread of its own; TooManyJobs when as many run as may."""
    job = Job(secrets.token_urlsafe(12), owner, title, data=data)
    with _lock:
        now = time.monotonic()
        for old in [j for j in _jobs.values() if j.finished and now - j.started > KEEP_SECONDS]:
            del _jobs[old.id]
        running = [j for j in _jobs.values() if not j.finished]
        mine = sum(1 for j in running if j.owner == owner)
        if mine >= PER_OWNER_AT_MOST:
            raise TooManyJobs(mine, of_owner=True)
        if len(running) >= RUNNING_AT_MOST:
            raise TooManyJobs(len(running), of_owner=False)
        _jobs[job.id] = job

    def run() -> None:
        try:
            job.result = work(job)
        except Exception as error:  # the page shows it; the thread must not die silently
            job.failed = getattr(error, "detail", None) or type(error).__name__
        finally:
            job.finished = True

    threading.Thread(target=run, name=f"job-{job.id}", daemon=True).start()
    return job


def get(job_id: str, owner: str) -> Job | None:
    """The job, to the person who started it only."""
    job = _jobs.get(job_id)
    return job if job is not None and job.owner == owner else None
