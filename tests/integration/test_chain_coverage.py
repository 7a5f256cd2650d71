"""Every stored column a read or the relay uses is covered by the hash chain: an intruder
editing any one of them directly, on SQLite and PostgreSQL, is named at its position by
`verify`. And the recording moment, which known-at-time reads use, never goes backwards."""

from collections.abc import Iterator
from datetime import date
from uuid import UUID, uuid4

import pytest
from thidua_events.facts.organisation import UnitRenamed
from thidua_ledger.application import Ledger
from thidua_ledger.audit.verify import walk
from thidua_ledger.domain.organisation import Unit
from thidua_ledger.settings import Settings

from tests.factories import CLERK, cluster_with_members
from tests.intruder import tamper

EDITED = 10  # the second unit's registration (version 1 of its entity)


@pytest.fixture
def ledger(ledger_settings: Settings) -> Iterator[Ledger]:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    cluster_with_members(ledger, members=3)  # 18 events, with the index entities
    yield ledger
    ledger.close()


# (what the intruder edits, the statement, the kind verify reports)
EDITS = {
    "events.topic": ("UPDATE {events} SET topic = 'thidua_ledger.domain.organisation:Authority.Registered' "
                     "WHERE {pos} = 10", "altered"),
    "events.originator_version": ("UPDATE {events} SET originator_version = 7 WHERE {pos} = 10", "altered"),
    "events.state": ("UPDATE {events} SET state = ? WHERE {pos} = 10", "altered"),
    "events.position": ("UPDATE {events} SET {pos} = 1000 WHERE {pos} = 10", "deleted"),
    "chain.originator_version": ("UPDATE {chain} SET originator_version = 2 WHERE position = 10", "chain-altered"),
    "chain.originator_id": ("UPDATE {chain} SET originator_id = ? WHERE position = 10", "chain-altered"),
    "chain.recorded_at": ("UPDATE {chain} SET recorded_at = '2019-01-01T00:00:00.000000+00:00' "
                          "WHERE position = 10", "chain-altered"),
    "chain.position": ("UPDATE {chain} SET position = 1000 WHERE position = 10", "inserted"),
    "chain.content": ("UPDATE {chain} SET content = ? WHERE position = 10", "chain-altered"),
}


@pytest.mark.parametrize("column", sorted(EDITS))
def test_verify_names_the_position_of_any_edited_column(ledger: Ledger, ledger_settings: Settings,
                                                         column: str) -> None:
    statement, kind = EDITS[column]
    params: tuple[object, ...] = ()
    if column == "events.state":
        state = ledger.recorder.query("SELECT state FROM {events} WHERE " +
                                      ("rowid" if ledger_settings.store == "sqlite" else "notification_id") +
                                      " = 10")[0][0]
        params = (bytes(state).replace("Phòng số 2".encode(), "Phòng số 9".encode()),)
    elif column == "chain.originator_id":
        params = (str(uuid4()),)  # (another entity's id at the same version is refused by the index)
    elif column == "chain.content":
        params = ("0" * 64,)
    assert walk(ledger.recorder).ok
    tamper(ledger_settings, statement, params)
    report = walk(ledger.recorder)
    assert report.finding is not None, f"an edit of {column} went unnoticed"
    assert (report.finding.kind, report.finding.position) == (kind, EDITED)
    assert report.checked == EDITED - 1


def test_recording_moments_never_go_backwards_along_the_log(ledger: Ledger) -> None:
    # Two writers: the first prepares its event earlier but commits later.
    units = [row[0] for row in ledger.recorder.query(
        "SELECT originator_id FROM {events} WHERE topic LIKE ?", ("%:Unit.Registered",))][:2]
    first, second = (ledger.get(Unit, UUID(str(u))) for u in units)
    first.rename(UnitRenamed(effective_date=date(2016, 1, 1), unit_id=first.id, name="Phòng A"), CLERK)
    second.rename(UnitRenamed(effective_date=date(2016, 1, 1), unit_id=second.id, name="Phòng B"), CLERK)
    ledger.save(second)
    ledger.save(first)  # its own timestamp is earlier than the event before it in the log
    moments = [row[0] for row in ledger.recorder.query("SELECT recorded_at FROM {chain} ORDER BY position")]
    assert moments == sorted(moments)
    assert moments[-1] == moments[-2]  # taken from commit order, not the writer's clock
    assert walk(ledger.recorder).ok


@pytest.mark.parametrize(("column", "value"), [("recorded_at", "2019-01-01T00:00:00.000000+00:00"),
                                              ("originator_version", 5)])
def test_an_edited_column_relinked_by_the_intruder_is_still_found(
        ledger: Ledger, ledger_settings: Settings, column: str, value: object) -> None:
    # Even an intruder who recomputes the link cannot edit a column unseen: the chain's
    # columns are derived from the event's own (hashed) content and the events before it.
    from thidua_ledger.audit.chain import link

    last = ledger.position()
    row = dict(zip(("originator_id", "originator_version", "content", "recorded_at"), ledger.recorder.query(
        "SELECT originator_id, originator_version, content, recorded_at FROM {chain} WHERE position = ?",
        (last,))[0], strict=True))
    row[column] = value
    previous = ledger.recorder.query("SELECT hash FROM {chain} WHERE position = ?", (last - 1,))[0][0]
    forged = link(previous, last, row["content"], row["originator_id"], row["originator_version"],
                  row["recorded_at"])
    tamper(ledger_settings, f"UPDATE {{chain}} SET {column} = ?, hash = ? WHERE position = ?", (value, forged, last))
    report = walk(ledger.recorder)
    assert report.finding is not None
    assert (report.finding.kind, report.finding.position) == ("chain-altered", last)
    assert column in report.finding.detail
