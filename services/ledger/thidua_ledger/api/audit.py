"""The auditor's desk over HTTP: verify the chain and replay the log as background jobs with
progress, and signed digests of the chain head (download one; bring an old one back)."""

import threading
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, HTTPException, Query, Request, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from thidua_events.bounds import FIRST_YEAR, LAST_YEAR, MAX_POSITION

from thidua_ledger.api.deps import Auditor, LedgerDep
from thidua_ledger.api.errors import AUDIT_RESPONSES, RETRY_AFTER_SECONDS, WRITE_RESPONSES, ProblemPublic
from thidua_ledger.audit import digests, fast_verify
from thidua_ledger.audit.jobs import Job, JobPublic, Jobs, JobsBusy
from thidua_ledger.audit.replay import replay_all, replay_year
from thidua_ledger.domain.errors import NotFound, RuleViolation

router = APIRouter(prefix="/audit", tags=["audit"], responses=AUDIT_RESPONSES)


_CREATING = threading.Lock()


def _jobs(request: Request) -> Jobs:
    jobs: Jobs | None = getattr(request.app.state, "audit_jobs", None)
    if jobs is None:
        with _CREATING:  # two first requests at once would each make one, and a job would be lost
            jobs = getattr(request.app.state, "audit_jobs", None)
            if jobs is None:
                jobs = request.app.state.audit_jobs = Jobs()
    return jobs


JOBS_BUSY: dict[int | str, dict[str, Any]] = {429: {
    "model": ProblemPublic, "description": "As many audit jobs as may run at once are running; start this one "
    "once one has finished (poll them)", "headers": {"Retry-After": {"schema": {"type": "integer"}}}}}


def _start(request: Request, kind: str, total: int, work: Any) -> JobPublic:
    try:
        return _jobs(request).start(kind, total, work).public()
    except JobsBusy as busy:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, str(busy),
                            {"Retry-After": str(RETRY_AFTER_SECONDS)}) from None


@router.post("/verify", status_code=status.HTTP_202_ACCEPTED, responses=JOBS_BUSY)
def start_verify(request: Request, ledger: LedgerDep, _: Auditor) -> JobPublic:
    """Walk the hash chain in the background; poll `/audit/jobs/{id}`. The result names the first
    altered, deleted, inserted or reordered position, if any."""
    total = ledger.position()
    segment = max(50, total // 50)  # about fifty steps of progress

    def work(job: Job) -> dict[str, Any]:
        # the fast path; on any finding it answers with walk's own report
        report = fast_verify.verify(ledger.recorder, progress=job.progress, segment=segment)
        job.progress(report.checked)
        return report.as_dict()

    return _start(request, "verify", total, work)


@router.post("/replay", status_code=status.HTTP_202_ACCEPTED, responses=JOBS_BUSY)
def start_replay(request: Request, ledger: LedgerDep, _: Auditor,
                 cluster_id: UUID | None = None,
                 year: Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR)] = None,
                 known_at: Annotated[int | None, Query(ge=0, le=MAX_POSITION)] = None) -> JobPublic:
    """Rebuild a cluster's year (cluster_id and year) or everything (neither) from the log and
    compare with the live state, in the background; poll `/audit/jobs/{id}`."""
    if (cluster_id is None) != (year is None):
        missing = "year" if year is None else "cluster_id"
        raise RequestValidationError([{"type": "value_error", "loc": ("query", missing),
                                       "msg": "give cluster_id and year together, or neither for the whole ledger"}])
    total = known_at if known_at is not None else ledger.position()

    def work(job: Job) -> dict[str, Any]:
        if cluster_id is not None and year is not None:
            report = replay_year(ledger, cluster_id, year, known_at, progress=job.progress)
            return {**report.as_dict(), "scope": {"cluster_id": str(cluster_id), "year": year}}
        rebuilt, report = replay_all(ledger, known_at, progress=job.progress)
        return {**report.as_dict(), "awards": len(rebuilt.register.entries), "scope": "all"}

    return _start(request, "replay", total, work)


@router.get("/jobs/{job_id}")
def get_job(job_id: str, request: Request, _: Auditor) -> JobPublic:
    """A verify or replay job: its progress, and its report once done."""
    job = _jobs(request).get(job_id)
    if job is None:
        raise NotFound("AuditJob (jobs are forgotten on a restart)", job_id)
    return job.public()


def _public_key(request: Request) -> Any:
    """The digest key's public half, read once (the checker below is only ever given this)."""
    settings = request.app.state.settings
    public = getattr(request.app.state, "digest_public_key", None)
    if public is None:
        try:
            public = digests.published_key(settings.digest_public_key_file, settings.digest_signing_key_file)
        except digests.MissingKey as error:
            raise RuleViolation(digests.NO_KEY, f"this ledger has {error}") from None
        request.app.state.digest_public_key = public
    return public


@router.get("/digest")
def get_digest(request: Request, ledger: LedgerDep, _: Auditor) -> dict[str, Any]:
    """The chain head now, signed (Ed25519) with the ledger's digest key: keep it, and bring it
    back to `/audit/digest/check` to prove the history up to it was not rewritten since."""
    try:
        private = digests.signing_key(request.app.state.settings.digest_signing_key_file)
    except digests.MissingKey as error:
        raise RuleViolation(digests.NO_KEY, f"this ledger has {error}") from None
    try:
        return digests.sign(ledger.recorder, private)
    except digests.DigestRefused as error:
        raise RuleViolation(digests.INTACT_ONLY, str(error)) from None


class DigestKeyPublic(BaseModel):
    key_id: str
    public_key_pem: str


@router.get("/digest/public-key")
def get_digest_public_key(request: Request, _: Auditor) -> DigestKeyPublic:
    """The public key digests verify with (PEM), to check them offline."""
    public = _public_key(request)
    return DigestKeyPublic(key_id=digests.key_id(public), public_key_pem=digests.public_pem(public))


@router.post("/digest/check", responses={400: WRITE_RESPONSES[400]})  # the one audit route with a body
def check_digest(request: Request, ledger: LedgerDep, _: Auditor,
                 digest: Annotated[dict[str, Any], Body(description="A digest from GET /audit/digest")]
                 ) -> dict[str, Any]:
    """Is the history up to an old digest unchanged? `ok` true: it still hashes to the signed
    head; else `finding` names the first position that differs. A digest that is not this
    ledger's, or was changed, is refused (409, rule `digest-signed-by-this-ledger`)."""
    try:
        report = digests.check(ledger.recorder, digest, _public_key(request))
    except digests.DigestRefused as error:
        raise RuleViolation(digests.THIS_LEDGER, str(error)) from None
    return {**report.as_dict(), "digest_position": digest.get("position")}
