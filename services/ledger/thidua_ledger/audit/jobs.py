"""Long audits (verify the chain, replay the log) as background jobs with progress, so a
browser can start one and poll it. Jobs live in the serving process's memory: a restart
forgets them, and the auditor starts again (both are read-only and repeatable)."""

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

Status = Literal["running", "done", "failed"]
RUNNING_AT_MOST = 2
"""Audit jobs running at once in one process: each walks or replays the whole log in a thread of
the serving process, so an auditor starting them without end starves the clerks' commands."""


class JobsBusy(Exception):
    """As many audit jobs as may run at once are running: start another once one has finished."""

    def __init__(self, running: int) -> None:
        super().__init__(f"{running} audit jobs are running in this process, as many as may run at once; "
                         "poll them (/audit/jobs/{id}) and start another when one has finished")


class JobPublic(BaseModel):
    job_id: str
    kind: str
    status: Status
    done: int = Field(description="Log positions (or entities) worked through so far")
    total: int = Field(description="How many there are to work through")
    started_at: datetime
    finished_at: datetime | None
    result: dict[str, Any] | None = Field(description="The report, once done")
    error: str | None


@dataclass
class Job:
    kind: str
    total: int
    job_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    status: Status = "running"
    done: int = 0
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    result: dict[str, Any] | None = None
    error: str | None = None

    def progress(self, done: int, total: int | None = None) -> None:
        self.done = done
        if total:
            self.total = total

    def public(self) -> JobPublic:
        return JobPublic(job_id=self.job_id, kind=self.kind, status=self.status, done=self.done,
                         total=self.total, started_at=self.started_at, finished_at=self.finished_at,
                         result=self.result, error=self.error)


class Jobs:
    """The jobs of one process; at most `keep` are remembered, the oldest finished forgotten first."""

    def __init__(self, keep: int = 50, running_at_most: int = RUNNING_AT_MOST) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._keep = keep
        self._running_at_most = running_at_most

    def start(self, kind: str, total: int, work: Callable[[Job], dict[str, Any]]) -> Job:
        """The job, started; JobsBusy if `running_at_most` are running already."""
        job = Job(kind, total)
        with self._lock:
            running = sum(1 for j in self._jobs.values() if j.status == "running")
            if running >= self._running_at_most:
                raise JobsBusy(running)
            finished = [j for j in self._jobs.values() if j.status != "running"]
            for old in finished[: max(0, len(self._jobs) - self._keep + 1)]:
                del self._jobs[old.job_id]
            self._jobs[job.job_id] = job

        def run() -> None:
            try:
                job.result = work(job)
                if job.result.get("ok", True):  # a walk that stopped at a finding keeps where it stopped
                    job.done = job.total
                job.status = "done"
            except Exception as error:  # reported to the auditor who polls, never lost
                job.error = f"{type(error).__name__}: {error}"
                job.status = "failed"
            job.finished_at = datetime.now(UTC)

        threading.Thread(target=run, name=f"audit-{kind}-{job.job_id[:8]}", daemon=True).start()
        return job

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)
