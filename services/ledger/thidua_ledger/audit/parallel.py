"""The full replay split across processes, for machines with cores to spare.

Each process reads its own share of the log straight from the store and folds it from
scratch: the events of clusters and years are shared out by entity id, so an entity's
events stay together and in order; every other event (units, decrees, award claims) goes to
the first share, which keeps a revocation with the decree it revokes. Each process compares
what it rebuilt with the live state and sends back only its findings and its part of the
award register, never the projections themselves.
"""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from uuid import UUID

from eventsourcing.utils import get_topic

from thidua_ledger.application import Ledger
from thidua_ledger.audit.replay import KINDS, ReplayReport, rebuild, report_on
from thidua_ledger.projections import AwardEntry, AwardRegister, StatedCount
from thidua_ledger.settings import Settings

SPREAD = tuple(get_topic(event) for kind in KINDS.values() for event in (kind.Registered, kind.Recorded))
"""The topics shared out by entity; the rest stay in share 0."""


@dataclass
class ShareResult:
    report: ReplayReport
    entries: dict[tuple[UUID, UUID], AwardEntry]
    counts: list[StatedCount]


def replay_in_parallel(settings: Settings, ledger: Ledger, workers: int, known_at: int | None = None,
                       compare: bool = True) -> tuple[AwardRegister, ReplayReport]:
    """Every projection rebuilt from the log in `workers` processes (and compared with the
    live state unless `compare` is false); the merged award register and report."""
    head = known_at if known_at is not None else ledger.position()
    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited connections
    with ProcessPoolExecutor(workers, mp_context=spawn) as pool:
        results = list(pool.map(partial(_share, settings, head, workers, known_at, compare), range(workers)))
    register = AwardRegister(ledger)
    register.position = head
    report = ReplayReport(known_at)
    for result in results:
        register.entries.update(result.entries)
        register.counts.extend(result.counts)
        report.events_read += result.report.events_read
        report.events_applied += result.report.events_applied
        report.entities_compared += result.report.entities_compared
        report.mismatches.extend(result.report.mismatches)
    register.counts.sort(key=lambda count: count.position)
    report.mismatches.sort(key=lambda m: (m.first_difference.get("position") or 0, str(m.entity_id)))
    return register, report


def _share(settings: Settings, head: int, shares: int, known_at: int | None, compare: bool,
           share: int) -> ShareResult:
    # The tables exist (creating them from several processes at once races on PostgreSQL),
    # and one connection each keeps many workers under the server's connection limit.
    ledger = Ledger(env={**settings.eventstore_env(), "CREATE_TABLE": "false",
                         "POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "0"})
    try:
        rebuilt = rebuild(ledger, head, share=(SPREAD, share, shares))
        report = report_on(ledger, rebuilt, known_at) if compare else ReplayReport(
            known_at, rebuilt.events_read, rebuilt.events_applied)
        return ShareResult(report, rebuilt.register.entries, rebuilt.register.counts)
    finally:
        ledger.close()
