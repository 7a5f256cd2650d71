"""Editing, deleting, inserting or swapping stored rows behind the ledger's back is found
by `verify`, at the right position, on SQLite and on PostgreSQL."""

from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from thidua_ledger.application import Ledger
from thidua_ledger.audit.digests import DigestRefused, check, sign
from thidua_ledger.audit.verify import walk
from thidua_ledger.settings import Settings

from tests.factories import cluster_with_members
from tests.intruder import tamper

KEY = Ed25519PrivateKey.generate()


@pytest.fixture
def ledger(ledger_settings: Settings) -> Iterator[Ledger]:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    cluster_with_members(ledger, members=3)  # 9 events
    yield ledger
    ledger.close()


def test_an_untouched_log_verifies(ledger: Ledger) -> None:
    report = walk(ledger.recorder)
    assert report.ok
    assert (report.checked, report.head_position) == (18, 18)


def test_an_altered_event_is_found_at_its_position(ledger: Ledger, ledger_settings: Settings) -> None:
    tamper(ledger_settings, "UPDATE {events} SET state = ? WHERE {pos} = 4", (b'{"forged":true}',))
    report = walk(ledger.recorder)
    assert report.finding is not None
    assert (report.finding.kind, report.finding.position) == ("altered", 4)
    assert report.checked == 3


def test_a_deleted_event_is_found_at_its_position(ledger: Ledger, ledger_settings: Settings) -> None:
    tamper(ledger_settings, "DELETE FROM {events} WHERE {pos} = 6")
    report = walk(ledger.recorder)
    assert report.finding is not None
    assert (report.finding.kind, report.finding.position) == ("deleted", 6)


def test_an_inserted_event_is_found(ledger: Ledger, ledger_settings: Settings) -> None:
    tamper(ledger_settings, "INSERT INTO {events} (originator_id, originator_version, topic, state) "
                            "VALUES (?, 1, 'x:Y', ?)",
           ("0b0e6f1a-3c1c-4d3b-9a49-0c9d2b9d6a11", b"{}"))
    report = walk(ledger.recorder)
    assert report.finding is not None
    assert (report.finding.kind, report.finding.position) == ("inserted", 19)


def test_swapped_events_are_reported_as_reordered(ledger: Ledger, ledger_settings: Settings) -> None:
    # Swap the stored content of positions 3 and 5, keeping the rows where they are.
    rows = ledger.recorder.query("SELECT {pos}, originator_id, originator_version, topic, state "
                                 "FROM {events} WHERE {pos} IN (3, 5) ORDER BY {pos}".replace(
                                     "{pos}", "rowid" if ledger_settings.store == "sqlite"
                                     else "notification_id"))
    (_, id3, v3, t3, s3), (_, id5, v5, t5, s5) = rows
    tamper(ledger_settings, "DELETE FROM {events} WHERE {pos} IN (3, 5)")
    for pos, row in ((3, (id5, v5, t5, s5)), (5, (id3, v3, t3, s3))):
        tamper(ledger_settings, "INSERT INTO {events} ({pos}, originator_id, originator_version, topic, "
                                "state) VALUES (?, ?, ?, ?, ?)", (pos, str(row[0]), *row[1:]))
    report = walk(ledger.recorder)
    assert report.finding is not None
    assert (report.finding.kind, report.finding.position) == ("reordered", 3)
    assert "position 5" in report.finding.detail


def test_a_rewritten_chain_is_caught_by_an_old_digest(ledger: Ledger, ledger_settings: Settings) -> None:
    digest = sign(ledger.recorder, KEY)
    assert check(ledger.recorder, digest, KEY.public_key()).ok
    # An intruder rewrites an event and recomputes the whole chain table so that it agrees.
    tamper(ledger_settings, "UPDATE {events} SET state = ? WHERE {pos} = 2", (b'{"forged":true}',))
    _rechain(ledger, ledger_settings)
    assert walk(ledger.recorder).ok  # the chain alone cannot tell...
    report = check(ledger.recorder, digest, KEY.public_key())
    assert not report.ok  # ...the signed digest can
    assert report.finding is not None and report.finding.kind == "altered"


def test_a_forged_digest_is_refused(ledger: Ledger) -> None:
    digest = sign(ledger.recorder, KEY)
    with pytest.raises(DigestRefused, match="signature"):
        check(ledger.recorder, {**digest, "head": "0" * 64}, KEY.public_key())


def _rechain(ledger: Ledger, settings: Settings) -> None:
    from thidua_ledger.audit.chain import GENESIS, chain_rows

    notifications = ledger.recorder.select_notifications(start=1, limit=100)
    for row in chain_rows(GENESIS, None, [(n.id, n) for n in notifications]):
        tamper(settings, "UPDATE {chain} SET content = ?, hash = ?, recorded_at = ? WHERE position = ?",
               (row.content, row.hash, row.recorded_at, row.position))
