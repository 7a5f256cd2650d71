"""`ledger verify`'s fast path gives exactly `walk`'s report, intact or tampered, however the
log is cut into segments and however many processes share them (SQLite and PostgreSQL)."""

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from thidua_ledger.application import Ledger
from thidua_ledger.audit import fast_verify
from thidua_ledger.audit.chain import GENESIS, TIMESTAMP, content_hash, link, recorded_moment, stated_moment
from thidua_ledger.audit.verify import walk
from thidua_ledger.settings import Settings

from tests.factories import cluster_with_members
from tests.integration.test_chain_coverage import EDITS
from tests.intruder import tamper
from tests.tokens import SIGNING_KEY_FILE


@pytest.fixture
def ledger(ledger_settings: Settings) -> Iterator[Ledger]:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    cluster_with_members(ledger, members=3)  # 18 events
    yield ledger
    ledger.close()


@pytest.mark.parametrize("segment", [4, 7, 50_000])
def test_an_intact_log_gets_walks_report_whatever_the_segments(ledger: Ledger, segment: int) -> None:
    report = fast_verify.verify(ledger.recorder, segment=segment)
    assert report == walk(ledger.recorder)
    assert report.ok and (report.checked, report.head_position) == (18, 18)


@pytest.mark.parametrize("column", sorted(EDITS))
def test_any_edited_column_is_named_as_walk_names_it(ledger: Ledger, ledger_settings: Settings,
                                                     column: str) -> None:
    statement, kind = EDITS[column]
    params: tuple[object, ...] = ()
    if column == "events.state":
        state = ledger.recorder.query("SELECT state FROM {events} WHERE " +
                                      ("rowid" if ledger_settings.store == "sqlite" else "notification_id") +
                                      " = 10")[0][0]
        params = (bytes(state).replace("Phòng số 2".encode(), "Phòng số 9".encode()),)
    elif column == "chain.originator_id":
        params = (str(uuid4()),)
    elif column == "chain.content":
        params = ("0" * 64,)
    tamper(ledger_settings, statement, params)
    report = fast_verify.verify(ledger.recorder, segment=4)
    assert report.finding is not None and (report.finding.kind, report.finding.position) == (kind, 10)
    assert report == walk(ledger.recorder)


@pytest.mark.parametrize("edit", [
    "DELETE FROM {chain} WHERE position = 18",  # the tail of the chain
    "DELETE FROM {events} WHERE {pos} = 18",  # the tail of the log
    "DELETE FROM {chain} WHERE position <= 4",  # a whole segment's chain
])
def test_a_missing_tail_or_segment_is_found(ledger: Ledger, ledger_settings: Settings, edit: str) -> None:
    tamper(ledger_settings, edit)
    report = fast_verify.verify(ledger.recorder, segment=4)
    assert not report.ok
    assert report == walk(ledger.recorder)


def test_workers_share_the_segments_and_agree(ledger: Ledger, ledger_settings: Settings) -> None:
    opener = partial(fast_verify.settings_recorder, ledger_settings)
    intact = fast_verify.verify(ledger.recorder, workers=2, open_recorder=opener, segment=5)
    assert intact == walk(ledger.recorder)
    tamper(ledger_settings, "UPDATE {events} SET state = ? WHERE {pos} = 12", (b'{"forged":true}',))
    broken = fast_verify.verify(ledger.recorder, workers=2, open_recorder=opener, segment=5)
    assert broken.finding is not None and (broken.finding.kind, broken.finding.position) == ("altered", 12)


def test_the_verify_command_with_workers_and_progress(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    ledger = Ledger(env=Settings(sqlite_path=path, signing_key_file=SIGNING_KEY_FILE).eventstore_env())
    cluster_with_members(ledger, members=2)
    ledger.close()
    env = {**os.environ, "LEDGER_STORE": "sqlite", "LEDGER_SQLITE_PATH": str(path),
           "THIDUA_SIGNING_KEY_FILE": str(SIGNING_KEY_FILE)}
    command = [sys.executable, "-m", "thidua_ledger.cli", "verify", "--json", "--workers", "2", "--progress"]
    answer = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout)["ok"] is True
    assert "verified up to position 14" in answer.stderr


# A page is checked a column at a time, for the usual page only; the near misses below (on
# SQLite, whose columns take any type) look usual to a reading of the columns and are not,
# or are, and look odd.

@pytest.fixture
def sqlite_ledger(tmp_path: Path) -> Iterator[tuple[Ledger, Settings]]:
    settings = Settings(store="sqlite", sqlite_path=tmp_path / "ledger.sqlite", signing_key_file=SIGNING_KEY_FILE)
    ledger = Ledger(env=settings.eventstore_env())
    cluster_with_members(ledger, members=3)  # 18 events
    yield ledger, settings
    ledger.close()


def test_an_intact_page_is_checked_a_column_at_a_time(ledger: Ledger) -> None:
    by_columns = fast_verify._columns_page(ledger.recorder, 0, 18, GENESIS, None)
    assert by_columns is not None and by_columns == fast_verify._rows_page(ledger.recorder, 0, 18, GENESIS, None)
    assert by_columns[:2] == (18, 18) and by_columns[4]


@pytest.mark.parametrize("statement", [
    "UPDATE {chain} SET hash = CAST(hash AS BLOB) WHERE position = 10",
    "UPDATE {chain} SET content = CAST(content AS BLOB) WHERE position = 10",
    "UPDATE {chain} SET recorded_at = CAST(recorded_at AS BLOB) WHERE position = 10",
    "UPDATE {chain} SET originator_id = CAST(originator_id AS BLOB) WHERE position = 10",
    "UPDATE {events} SET topic = CAST(topic AS BLOB) WHERE rowid = 10",
])
def test_a_value_made_a_blob_of_the_same_bytes_is_found(sqlite_ledger: tuple[Ledger, Settings],
                                                        statement: str) -> None:
    ledger, settings = sqlite_ledger
    tamper(settings, statement)
    assert fast_verify._columns_page(ledger.recorder, 8, 12, *_link_before(ledger, 8)) is None
    report = fast_verify.verify(ledger.recorder, segment=4)
    assert report.finding is not None and report.finding.position == 10
    assert report == walk(ledger.recorder)


def test_a_chain_id_dashed_elsewhere_is_found_though_its_links_were_forged_to_match(
        sqlite_ledger: tuple[Ledger, Settings]) -> None:
    ledger, settings = sqlite_ledger
    entity = ledger.recorder.query("SELECT originator_id FROM {chain} WHERE position = 10")[0][0]
    hexed = entity.replace("-", "")
    moved = f"{hexed[:9]}-{hexed[9:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:]}"  # same digits
    _forge(settings, 10, originator_id=moved)
    assert fast_verify._columns_page(ledger.recorder, 8, 12, *_link_before(ledger, 8)) is None
    report = fast_verify.verify(ledger.recorder, segment=4)
    assert report.finding is not None and report.finding.position == 10
    assert report == walk(ledger.recorder)


def test_a_timestamp_in_an_unusual_form_still_verifies(sqlite_ledger: tuple[Ledger, Settings]) -> None:
    ledger, settings = sqlite_ledger
    state = bytes(ledger.recorder.query("SELECT state FROM {events} WHERE rowid = 10")[0][0])
    stamp = TIMESTAMP.match(state)
    assert stamp is not None
    # a whole second, which isoformat writes without microseconds
    _forge(settings, 10, state=state.replace(stamp[1], stamp[1][:19] + b"+00:00"))
    assert fast_verify._columns_page(ledger.recorder, 8, 12, *_link_before(ledger, 8)) is None
    report = fast_verify.verify(ledger.recorder, segment=4)
    assert report.ok and report == walk(ledger.recorder)


def _link_before(ledger: Ledger, position: int) -> tuple[str, str | None]:
    hash_, moment = ledger.recorder.query("SELECT hash, recorded_at FROM {chain} WHERE position = ?", (position,))[0]
    return hash_, moment


def _forge(settings: Settings, position: int, originator_id: str | None = None, state: bytes | None = None) -> None:
    """Change the chain's id or the event's state at `position` and rewrite every link from
    there on as the recorder would have written them: what a forger with the database can do."""
    with sqlite3.connect(settings.sqlite_path) as conn:
        if state is not None:
            conn.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (state, position))
        if originator_id is not None:
            conn.execute("UPDATE stored_events_chain SET originator_id = ? WHERE position = ?",
                         (originator_id, position))
        previous, moment = conn.execute("SELECT hash, recorded_at FROM stored_events_chain WHERE position = ?",
                                        (position - 1,)).fetchone()
        for at, entity, version, topic, body in conn.execute(
                "SELECT e.rowid, c.originator_id, e.originator_version, e.topic, e.state FROM stored_events e "
                "JOIN stored_events_chain c ON c.position = e.rowid WHERE e.rowid >= ? ORDER BY e.rowid",
                (position,)).fetchall():
            content = content_hash(entity, version, topic, body)
            moment = recorded_moment(stated_moment(body), moment)
            previous = link(previous, at, content, entity, version, moment)
            conn.execute("UPDATE stored_events_chain SET content = ?, hash = ?, recorded_at = ? WHERE position = ?",
                         (content, previous, moment, at))


# A NULL a column's aggregate skips, and its value moved into the one before it with the
# separator between: the page's joined column is then byte for byte the intact one.
SHIFTS = {  # column: (table, position column, separator as the page query joins it)
    "events.state": ("{events}", "{pos}", b"\x1e"),
    "events.topic": ("{events}", "{pos}", "\x1f"),
    "chain.recorded_at": ("{chain}", "position", ","),
}


@pytest.mark.parametrize("column", sorted(SHIFTS))
def test_a_null_whose_value_moved_into_the_row_before_is_found(ledger: Ledger, ledger_settings: Settings,
                                                               column: str) -> None:
    table, position, separator = SHIFTS[column]
    name = column.split(".")[1]
    where = position.format(pos="rowid" if ledger_settings.store == "sqlite" else "notification_id")
    before, moved = (ledger.recorder.query(f"SELECT {name} FROM {table} WHERE {where} = ?", (at,))[0][0]
                     for at in (9, 10))
    joined = bytes(before) + separator + bytes(moved) if isinstance(separator, bytes) else \
        f"{before}{separator}{moved}"
    tamper(ledger_settings, f"UPDATE {table} SET {name} = ? WHERE {position} = 9", (joined,))
    tamper(ledger_settings, f"UPDATE {table} SET {name} = NULL WHERE {position} = 10")
    report = fast_verify.verify(ledger.recorder, segment=4)
    assert report.finding is not None and report.finding.position == 9, report
    assert report == walk(ledger.recorder)


@pytest.mark.parametrize("column", ["state", "topic"])
def test_an_event_whose_column_was_made_null_is_reported_altered(ledger: Ledger, ledger_settings: Settings,
                                                                  column: str) -> None:
    """Not a crash of verify: the event is named, as any other edit of it is."""
    tamper(ledger_settings, f"UPDATE {{events}} SET {column} = NULL WHERE {{pos}} = 10")
    expected = ("altered", 10)
    walked = walk(ledger.recorder)
    assert walked.finding is not None and (walked.finding.kind, walked.finding.position) == expected
    assert walked.checked == 9
    assert fast_verify.verify(ledger.recorder, segment=4) == walked
    assert fast_verify.verify(ledger.recorder, segment=50_000) == walked


@pytest.mark.parametrize("spelling", ["upper(originator_id)",
                                      "substr(originator_id, 1, 8) || '-' || substr(originator_id, 9, 4) || '-' || "
                                      "substr(originator_id, 13, 4) || '-' || substr(originator_id, 17, 4) || '-' || "
                                      "substr(originator_id, 21)"])
def test_an_event_s_entity_id_spelled_another_way_is_found(sqlite_ledger: tuple[Ledger, Settings],
                                                           spelling: str) -> None:
    """SQLite keeps an entity's id as 32 lower-case hex digits and finds its events by that
    text: the same UUID spelled otherwise takes the event out of its entity's history, so it
    is an alteration, though it reads as the same UUID."""
    ledger, settings = sqlite_ledger
    entity = ledger.recorder.query("SELECT originator_id FROM {events} WHERE rowid = 10")[0][0]
    versions = len(ledger.recorder.select_events(UUID(entity)))
    tamper(settings, f"UPDATE {{events}} SET originator_id = {spelling} WHERE rowid = 10")
    assert len(ledger.recorder.select_events(UUID(entity))) == versions - 1  # what the reads now see
    report = fast_verify.verify(ledger.recorder, segment=4)
    assert report.finding is not None and (report.finding.kind, report.finding.position) == ("altered", 10), report
    assert report == walk(ledger.recorder)


def test_a_state_nested_past_the_parsers_depth_is_reported_altered(ledger: Ledger, ledger_settings: Settings) -> None:
    """Reading its timestamp raised RecursionError: verify crashed instead of naming the event."""
    tamper(ledger_settings, "UPDATE {events} SET state = ? WHERE {pos} = 10", (b"[" * 100_000,))
    walked = walk(ledger.recorder)
    assert walked.finding is not None and (walked.finding.kind, walked.finding.position) == ("altered", 10)
    assert fast_verify.verify(ledger.recorder, segment=4) == walked


@pytest.mark.parametrize(("edit", "kind"), [("UPDATE {events} SET {pos} = ? WHERE {pos} = 18", "deleted"),
                                          ("UPDATE {chain} SET position = ? WHERE position = 18", "inserted")])
def test_a_row_moved_to_a_far_position_is_found_without_walking_the_gap(ledger: Ledger, ledger_settings: Settings,
                                                                       edit: str, kind: str) -> None:
    """The log's head is then 2^62: cut into segments up to it, verify never ended."""
    tamper(ledger_settings, edit, (2**62,))
    report = fast_verify.verify(ledger.recorder, segment=4)
    assert report.finding is not None and (report.finding.kind, report.finding.position) == (kind, 18)
    assert report == walk(ledger.recorder)
