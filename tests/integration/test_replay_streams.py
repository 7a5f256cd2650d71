"""The full replay folds each cluster and year as the log goes, keeping none of their decoded
facts to the end (a million events' facts were gigabytes), and reads an event's entity as the
library does: by its id in the exact form the store writes it."""

import gc
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import pytest
from thidua_events.facts import Provenance, Role
from thidua_events.facts.corrections import FactCorrected, FactRetracted
from thidua_ledger.application import Ledger
from thidua_ledger.audit.clocks import Clock, load
from thidua_ledger.audit.replay import rebuild, state_of
from thidua_ledger.audit.stored_history import StoredFact
from thidua_ledger.domain.corrections import fold_in_force
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.settings import Settings

from tests.factories import CLERK, adopt_criteria, cluster_with_members, score
from tests.intruder import tamper
from tests.tokens import SIGNING_KEY_FILE


@pytest.fixture
def sqlite_ledger(tmp_path: Path) -> Iterator[tuple[Ledger, Settings]]:
    settings = Settings(store="sqlite", sqlite_path=tmp_path / "ledger.sqlite", signing_key_file=SIGNING_KEY_FILE)
    ledger = Ledger(env=settings.eventstore_env())
    yield ledger, settings
    ledger.close()


WHY = Provenance(actor="Nguyễn Thị Thư ký", role=Role.CLERK, reason="Ghi nhầm")


def year_with_corrections(ledger: Ledger) -> UUID:
    """A year of scores, one corrected, one retracted, and a correction of the correction."""
    setup = cluster_with_members(ledger, members=3)
    adopt_criteria(ledger, setup)
    year = ledger.get(EmulationYear, year_id(setup.cluster_id, 2019))
    versions = []
    for n in range(30):
        year.record(score(setup, setup.units[n % 3], points=str(n % 10)), CLERK)
        versions.append(year.version)
    first = score(setup, setup.units[0], points="3")
    year.record(FactCorrected.of(f"{year.id}:{versions[4]}", first), WHY)
    year.record(FactCorrected.of(f"{year.id}:{year.version}", first.model_copy(update={"points": Decimal(7)})), WHY)
    year.record(FactRetracted(effective_date=first.effective_date, original=f"{year.id}:{versions[9]}"), WHY)
    for n in range(5):
        year.record(score(setup, setup.units[n % 3], points="1"), WHY)
    ledger.save(year)
    return year.id


def same_as_the_library(ledger: Ledger, entity_id: UUID, rebuilt: object) -> None:
    slow = fold_in_force(None, ledger.events.get(entity_id))
    assert state_of(rebuilt) == state_of(slow)
    assert (rebuilt.version, rebuilt.modified_on) == (slow.version, slow.modified_on)  # type: ignore[attr-defined]


def test_the_replay_keeps_no_decoded_facts_to_the_end_of_the_log(ledger: Ledger) -> None:
    """Every cluster's and year's facts were kept until the last page and folded then: the
    replay's memory grew with the whole log, not with the state it rebuilds."""
    year = year_with_corrections(ledger)
    alive: list[int] = []

    def count_kept(position: int, head: int) -> None:  # after each page, and at the end
        alive.append(sum(isinstance(o, StoredFact) for o in gc.get_objects()))

    rebuilt = rebuild(ledger, progress=count_kept, batch=1)
    assert alive and max(alive) <= 1, alive  # the page's last event at most
    same_as_the_library(ledger, year, rebuilt.entities[year])


def test_a_correction_spelled_with_escapes_is_still_folded(sqlite_ledger: tuple[Ledger, Settings]) -> None:
    """A correction whose stored state spells its type with a JSON escape decodes to the same
    fact; the replay, which looks for corrections by their stored type, still applies it."""
    ledger, settings = sqlite_ledger
    year = year_with_corrections(ledger)
    tamper(settings, "UPDATE {events} SET state = CAST(replace(state, ?, ?) AS BLOB)",
           (b'"fact:FactCorrected"', b'"fact:FactC\\u006frrected"'))
    rebuilt = rebuild(ledger)
    same_as_the_library(ledger, year, rebuilt.entities[year])


@pytest.mark.parametrize("spelling", ["upper(originator_id)",
                                      "substr(originator_id, 1, 8) || '-' || substr(originator_id, 9, 4) || '-' || "
                                      "substr(originator_id, 13, 4) || '-' || substr(originator_id, 17, 4) || '-' || "
                                      "substr(originator_id, 21)"])
def test_an_event_whose_id_is_spelled_another_way_is_not_its_entity_s(sqlite_ledger: tuple[Ledger, Settings],
                                                                       spelling: str) -> None:
    """SQLite keeps an entity's id as 32 lower-case hex digits and the library finds its
    events by that text: the same UUID spelled otherwise takes the event out of the entity's
    history. The replay parsed it as a UUID and still folded it in."""
    ledger, settings = sqlite_ledger
    year = year_with_corrections(ledger)
    last = ledger.recorder.query("SELECT max(rowid) FROM {events} WHERE originator_id = ?", (year.hex,))[0][0]
    tamper(settings, f"UPDATE {{events}} SET originator_id = {spelling} WHERE rowid = ?", (last,))
    rebuilt = rebuild(ledger)
    same_as_the_library(ledger, year, rebuilt.entities[year])
    assert rebuilt.entities[year].version == ledger.get(EmulationYear, year).version
    head = ledger.position()
    same_as_the_library(ledger, year, load(ledger, EmulationYear, year, Clock(known_at=head)))
    as_of = load(ledger, EmulationYear, year, Clock(as_of=date(2019, 12, 31)))
    assert state_of(as_of) == state_of(fold_in_force(None, ledger.events.get(year)))
