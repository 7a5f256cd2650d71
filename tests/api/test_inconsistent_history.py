"""A stored history changed behind the ledger's back is refused clearly, never a 500.

Someone with write access to the database re-spells one event's entity id in the middle of a
unit's history (SQLite keeps it as 32 lower-case hex digits and finds the entity's events by
that text: upper case or dashes take the event out of the history), or empties one event's
state. Every read that needs that history, and a command on it, answers 409 with the rule
stored-history-consistent and a detail that says `ledger verify` names the rows; nothing is
stored, and the log stays as the intruder left it (`verify` still finds it)."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from thidua_ledger.api.app import create_app
from thidua_ledger.application import Ledger
from thidua_ledger.audit.verify import Finding, walk
from thidua_ledger.settings import Settings

from tests.api.conftest import AUDITOR, CLERK
from tests.api.test_recording import head, post, setup_cluster
from tests.intruder import tamper
from tests.tokens import SIGNING_KEY_FILE

RULE = "stored-history-consistent"
RESPELLINGS = {
    "upper case": "upper(originator_id)",
    "dashes": "substr(originator_id, 1, 8) || '-' || substr(originator_id, 9, 4) || '-' || "
              "substr(originator_id, 13, 4) || '-' || substr(originator_id, 17, 4) || '-' || "
              "substr(originator_id, 21)",
}


def renamed_unit(client: TestClient) -> dict[str, Any]:
    """A cluster whose first unit was renamed three times: its history is versions 1 to 4."""
    ids = setup_cluster(client, members=2)
    for n, year in enumerate((2016, 2017, 2018)):
        assert post(client, "UnitRenamed", {"effective_date": f"{year}-01-01", "unit_id": ids["units"][0],
                                            "name": f"Phòng số {n}"}).status_code == 201
    return ids


def reads_of(ids: dict[str, Any]) -> list[str]:
    unit, year = ids["units"][0], f"/clusters/{ids['cluster']}/years/2019"
    return [f"/units/{unit}", f"/units/{unit}?as_of=2017-06-01", f"/units/{unit}?known_at=1000",
            f"/units/{unit}/history", f"/entities/{unit}/events", year]


def assert_refused_naming_verify(response: Any) -> None:
    assert response.status_code == 409, (response.request.url, response.status_code, response.text)
    body = response.json()
    assert body["rule"] == RULE and "ledger verify" in body["detail"], body


def stored_rows(settings: Settings, unit: str) -> list[tuple[Any, ...]]:
    ledger = Ledger(env=settings.eventstore_env())
    try:
        return [tuple(row) for row in ledger.recorder.query(
            "SELECT originator_id, originator_version, state FROM {events} ORDER BY originator_version", ())
            if str(row[0]).replace("-", "").lower() == UUID(unit).hex]
    finally:
        ledger.close()


def verify_finds(settings: Settings) -> Finding | None:
    ledger = Ledger(env=settings.eventstore_env())
    try:
        return walk(ledger.recorder).finding
    finally:
        ledger.close()


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    return Settings(store="sqlite", sqlite_path=tmp_path / "ledger.sqlite", signing_key_file=SIGNING_KEY_FILE)


@pytest.fixture
def sqlite_client(sqlite_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(sqlite_settings)) as client:
        yield client


@pytest.mark.parametrize("spelling", RESPELLINGS)
def test_an_event_id_respelled_mid_history_is_refused_not_a_500(
        sqlite_settings: Settings, sqlite_client: TestClient, spelling: str) -> None:
    ids = renamed_unit(sqlite_client)
    unit = ids["units"][0]
    tamper(sqlite_settings, f"UPDATE {{events}} SET originator_id = {RESPELLINGS[spelling]} "
                            "WHERE originator_id = ? AND originator_version = 2", (UUID(unit).hex,))
    before = stored_rows(sqlite_settings, unit)
    with TestClient(create_app(sqlite_settings)) as another_process:  # nothing of the unit in memory
        for read in reads_of(ids):
            assert_refused_naming_verify(another_process.get(read, headers=AUDITOR))
        position = head(another_process)
        assert_refused_naming_verify(post(another_process, "UnitRenamed", {
            "effective_date": "2019-01-01", "unit_id": unit, "name": "Phòng mới"}, CLERK))
        assert head(another_process) == position, "a refused command stored something"
    assert stored_rows(sqlite_settings, unit) == before, "the log is never repaired by writing"
    assert verify_finds(sqlite_settings) is not None  # verify names the row


def test_a_null_state_is_refused_not_a_500(ledger_settings: Settings, client: TestClient) -> None:
    ids = renamed_unit(client)
    unit = ids["units"][0]
    stored_id = UUID(unit).hex if ledger_settings.store == "sqlite" else UUID(unit)
    tamper(ledger_settings, "UPDATE {events} SET state = NULL WHERE originator_id = ? AND originator_version = 2",
           (stored_id,))
    with TestClient(create_app(ledger_settings)) as another_process:
        for read in [*reads_of(ids), "/log?after=0", "/catalogue/units?q=phong"]:
            assert_refused_naming_verify(another_process.get(read, headers=AUDITOR))
    finding = verify_finds(ledger_settings)
    assert finding is not None and finding.kind == "altered"


NOT_AN_EVENT: dict[str, bytes | None] = {
    "not JSON": b"\x00\xffgarbage",
    "an empty object": b"{}",
    "a list": b"[]",
    "null": b"null",
    "a fact that is a number": b'{"timestamp":{"_type_":"datetime_iso","_data_":"2020-01-01T00:00:00+00:00"},'
                               b'"fact":1,"provenance":2}',
    "another kind of event's state": None,  # a real one, of an entity that keeps no facts (a unit's clusters)
}


@pytest.mark.parametrize("state", NOT_AN_EVENT)
def test_a_state_that_is_not_an_event_s_is_refused_not_a_500_nor_folded_around(
        ledger_settings: Settings, client: TestClient, state: str) -> None:
    """An intruder writes over one event's state (another event's, or no JSON at all): every
    read of the history (the as-of and known-at reads, which decode the rows themselves, too)
    and a command on it answer 409, never a 500 and never an answer that leaves the event out."""
    ids = renamed_unit(client)
    unit = ids["units"][0]
    stored_id = UUID(unit).hex if ledger_settings.store == "sqlite" else UUID(unit)
    written = NOT_AN_EVENT[state]
    if written is None:
        tamper(ledger_settings, "UPDATE {events} SET state = (SELECT state FROM {events} WHERE topic LIKE ? LIMIT 1) "
                                "WHERE originator_id = ? AND originator_version = 2", ("%Affiliations%", stored_id))
    else:
        tamper(ledger_settings, "UPDATE {events} SET state = ? WHERE originator_id = ? AND originator_version = 2",
               (written, stored_id))
    with TestClient(create_app(ledger_settings), raise_server_exceptions=False) as another_process:
        position = head(another_process)
        for read in [*reads_of(ids), "/log?after=0", "/catalogue/units?q=phong"]:
            assert_refused_naming_verify(another_process.get(read, headers=AUDITOR))
        assert_refused_naming_verify(post(another_process, "UnitRenamed", {
            "effective_date": "2019-01-01", "unit_id": unit, "name": "Phòng mới"}, CLERK))
        assert head(another_process) == position, "a refused command stored something"
