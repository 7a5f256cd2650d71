"""Long work as a job: its progress as it goes, its owner only, and a failure kept for the page."""

import threading
import time

from thidua_web import jobs


def wait(job: jobs.Job) -> None:
    deadline = time.monotonic() + 10
    while not job.finished and time.monotonic() < deadline:
        time.sleep(0.01)
    assert job.finished


def test_a_job_reports_its_progress_while_it_runs_and_its_result_after() -> None:
    step, seen = threading.Semaphore(0), []

    def work(job: jobs.Job) -> str:
        for done in range(1, 5):
            job.advance(done, 4)
            seen.append(job.percent)
            assert step.acquire(timeout=10)
        return "xong"

    job = jobs.start("Thư ký A", "Thử", work)
    while not seen:
        time.sleep(0.01)
    assert not job.finished and job.percent == 25
    for _ in range(4):
        step.release()
    wait(job)
    assert job.result == "xong" and job.percent == 100 and seen == [25, 50, 75, 100]


def test_only_the_person_who_started_a_job_sees_it() -> None:
    job = jobs.start("Thư ký A", "Thử", lambda job: None)
    assert jobs.get(job.id, "Thư ký A") is job
    assert jobs.get(job.id, "Thư ký B") is None  # the near miss: another clerk, same id
    assert jobs.get("không-có", "Thư ký A") is None


def test_a_failed_job_is_finished_and_says_why() -> None:
    def work(job: jobs.Job) -> None:
        raise ValueError("hỏng")

    job = jobs.start("Thư ký A", "Thử", work)
    wait(job)
    assert job.failed == "ValueError" and job.result is None
