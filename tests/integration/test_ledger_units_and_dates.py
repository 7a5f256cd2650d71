"""Text, dates and the names of units, through `Ledger.record` on SQLite and PostgreSQL.

Text is stored as NFC without control characters; a date is a real calendar day and
not in the future; a unit keeps the name it had on each day, and a unit that no longer
exists is not renamed.
"""

import unicodedata
from collections.abc import Iterator
from datetime import date
from uuid import uuid4

import pytest
from pydantic import ValidationError
from thidua_events.facts import Provenance, Role
from thidua_events.facts.awards import AwardKindRegistered, AwardLevel
from thidua_events.facts.cluster import ClusterFormed, UnitJoined
from thidua_events.facts.organisation import (
    AuthorityRegistered,
    PersonRegistered,
    UnitDissolved,
    UnitMerged,
    UnitRegistered,
    UnitRenamed,
)
from thidua_events.facts.year import YearClosed
from thidua_ledger.application import Ledger
from thidua_ledger.domain.organisation import Unit
from thidua_ledger.settings import Settings

from tests.factories import CLERK, START, ClusterSetup
from tests.integration.refusals import assert_recorded, assert_refused

# The names of one department over the years (articles of 2016, 2017 and 2019).
NAMES = ("Phòng Công tác đảng và công tác quần chúng", "Phòng Công tác chính trị",
         "Phòng Công tác Đảng - Công tác Chính trị")


def nfd(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    return decomposed


def register(ledger: Ledger, cluster: ClusterSetup, name: str = NAMES[0]) -> UnitRegistered:
    fact = UnitRegistered(effective_date=START, unit_id=uuid4(), name=name, authority_id=cluster.authority_id)
    ledger.record(fact, CLERK)
    return fact


def renaming(unit_id: object, name: str, on: date) -> UnitRenamed:
    return UnitRenamed(effective_date=on, unit_id=unit_id, name=name)


# Text


def test_nfd_input_is_stored_and_read_back_as_nfc(ledger: Ledger, cluster: ClusterSetup) -> None:
    unit_id = register(ledger, cluster, name=nfd(NAMES[2])).unit_id
    assert ledger.get(Unit, unit_id).name == NAMES[2]
    stored = next(iter(ledger.events.get(unit_id)))
    assert stored.fact.name == NAMES[2]


def test_an_nfd_reason_is_stored_as_nfc(ledger: Ledger, cluster: ClusterSetup) -> None:
    reason = "Nhập bổ sung theo biên bản tổng kết"
    provenance = Provenance(actor=nfd("Nguyễn Thị Thư ký"), role=Role.CLERK, reason=nfd(reason))
    fact = UnitRegistered(effective_date=START, unit_id=uuid4(), name=NAMES[0],
                          authority_id=cluster.authority_id)
    ledger.record(fact, provenance)
    stored = next(iter(ledger.events.get(fact.unit_id)))
    assert (stored.provenance.actor, stored.provenance.reason) == ("Nguyễn Thị Thư ký", reason)


@pytest.mark.parametrize("bad", ["\x00", "\t", "\u200b"], ids=["nul", "tab", "zero-width-space"])
def test_control_characters_never_reach_the_ledger(ledger: Ledger, cluster: ClusterSetup, bad: str) -> None:
    before = ledger.position()
    with pytest.raises(ValidationError, match="control characters"):
        register(ledger, cluster, name=f"Phòng{bad}Tham mưu")
    assert ledger.position() == before


# Dates


@pytest.mark.parametrize("day", ["2019-02-30", "2019-04-31", "2019-00-10"])
def test_invalid_dates_never_reach_the_ledger(ledger: Ledger, cluster: ClusterSetup, day: str) -> None:
    before = ledger.position()
    with pytest.raises(ValidationError):
        ledger.record(YearClosed.model_validate(
            {"effective_date": day, "cluster_id": str(cluster.cluster_id), "year": 2019}), CLERK)
    assert ledger.position() == before


@pytest.fixture
def on_1_june_2019(ledger_settings: Settings, ledger: Ledger) -> Iterator[Ledger]:
    """A second ledger on the same store whose clock says 2019-06-01."""
    fixed = Ledger(env=ledger_settings.eventstore_env(), today=lambda: date(2019, 6, 1))
    yield fixed
    fixed.close()


def test_an_effective_date_in_the_future_is_refused(on_1_june_2019: Ledger, cluster: ClusterSetup) -> None:
    tomorrow = YearClosed(effective_date=date(2019, 6, 2), cluster_id=cluster.cluster_id, year=2019)
    assert_refused(on_1_june_2019, tomorrow, "effective-date-not-in-future")


def test_an_effective_date_of_today_is_accepted(on_1_june_2019: Ledger, cluster: ClusterSetup) -> None:
    today = YearClosed(effective_date=date(2019, 6, 1), cluster_id=cluster.cluster_id, year=2019)
    assert_recorded(on_1_june_2019, today)


def test_a_future_dated_fact_is_refused_even_with_a_reason(
    on_1_june_2019: Ledger, cluster: ClusterSetup
) -> None:
    fact = UnitRenamed(effective_date=date(2020, 1, 1), unit_id=cluster.units[0], name="Phòng mới")
    with_reason = CLERK.model_copy(update={"reason": "Đổi tên theo quyết định"})
    assert_refused(on_1_june_2019, fact, "effective-date-not-in-future", with_reason)


# Names over time


def test_name_on_gives_the_name_carried_on_each_day(ledger: Ledger, cluster: ClusterSetup) -> None:
    unit_id = register(ledger, cluster).unit_id
    ledger.record(renaming(unit_id, NAMES[1], date(2017, 3, 1)), CLERK)
    ledger.record(renaming(unit_id, NAMES[2], date(2019, 1, 1)), CLERK)
    unit = ledger.get(Unit, unit_id)
    assert unit.name_on(date(2016, 11, 14)) == NAMES[0]
    assert unit.name_on(date(2017, 2, 28)) == NAMES[0]
    assert unit.name_on(date(2017, 3, 1)) == NAMES[1]
    assert unit.name_on(date(2018, 12, 31)) == NAMES[1]
    assert unit.name_on(date(2019, 11, 14)) == NAMES[2]
    assert unit.name == NAMES[2]


def test_a_rename_changes_the_name(ledger: Ledger, cluster: ClusterSetup) -> None:
    unit_id = register(ledger, cluster).unit_id
    assert_refused(ledger, renaming(unit_id, nfd(NAMES[0]), date(2017, 3, 1)), "rename-changes-name")


def test_a_rename_comes_after_the_name_in_force(ledger: Ledger, cluster: ClusterSetup) -> None:
    unit_id = register(ledger, cluster).unit_id
    ledger.record(renaming(unit_id, NAMES[1], date(2017, 3, 1)), CLERK)
    assert_refused(ledger, renaming(unit_id, NAMES[2], date(2017, 3, 1)), "rename-after-current-name")
    assert_refused(ledger, renaming(unit_id, NAMES[2], date(2016, 1, 1)), "rename-after-current-name")


def test_a_dissolved_unit_cannot_be_renamed(ledger: Ledger, cluster: ClusterSetup) -> None:
    unit_id = register(ledger, cluster).unit_id
    ledger.record(UnitDissolved(effective_date=date(2018, 6, 1), unit_id=unit_id), CLERK)
    assert_refused(ledger, renaming(unit_id, NAMES[1], date(2018, 6, 1)), "unit-must-exist")
    assert_refused(ledger, renaming(unit_id, NAMES[1], date(2019, 1, 1)), "unit-must-exist")


def test_a_merged_unit_cannot_be_renamed(ledger: Ledger, cluster: ClusterSetup) -> None:
    unit_id = register(ledger, cluster).unit_id
    ledger.record(UnitMerged(effective_date=date(2018, 8, 1), unit_id=unit_id,
                             into_unit_id=cluster.units[0]), CLERK)
    assert_refused(ledger, renaming(unit_id, NAMES[1], date(2018, 9, 1)), "unit-must-exist")


def test_a_unit_cannot_merge_into_itself(ledger: Ledger, cluster: ClusterSetup) -> None:
    unit_id = register(ledger, cluster).unit_id
    merge = UnitMerged(effective_date=date(2018, 8, 1), unit_id=unit_id, into_unit_id=unit_id)
    assert_refused(ledger, merge, "merge-into-another-unit")


def test_a_unit_cannot_merge_into_a_dissolved_unit(ledger: Ledger, cluster: ClusterSetup) -> None:
    unit_id, gone = register(ledger, cluster).unit_id, register(ledger, cluster, NAMES[1]).unit_id
    ledger.record(UnitDissolved(effective_date=date(2018, 6, 1), unit_id=gone), CLERK)
    merge = UnitMerged(effective_date=date(2018, 8, 1), unit_id=unit_id, into_unit_id=gone)
    assert_refused(ledger, merge, "unit-must-exist")


def test_a_dissolved_unit_cannot_be_dissolved_again(ledger: Ledger, cluster: ClusterSetup) -> None:
    unit_id = register(ledger, cluster).unit_id
    ledger.record(UnitDissolved(effective_date=date(2018, 6, 1), unit_id=unit_id), CLERK)
    assert_refused(ledger, UnitDissolved(effective_date=date(2018, 3, 1), unit_id=unit_id), rule=None)


# A unit acts, and ends, only once it is registered: a fact dated before its cause.

LATER = date(2016, 6, 1)  # the day the unit below is registered


def registered_later(ledger: Ledger, cluster: ClusterSetup) -> object:
    fact = UnitRegistered(effective_date=LATER, unit_id=uuid4(), name="Phòng Kỹ thuật hình sự",
                          authority_id=cluster.authority_id)
    ledger.record(fact, CLERK)
    return fact.unit_id


def test_a_unit_joins_a_cluster_only_once_registered(ledger: Ledger, cluster: ClusterSetup) -> None:
    unit_id = registered_later(ledger, cluster)
    join = UnitJoined(effective_date=date(2015, 6, 1), cluster_id=cluster.cluster_id, unit_id=unit_id)
    assert_refused(ledger, join, "unit-must-exist")
    assert_recorded(ledger, UnitJoined(effective_date=LATER, cluster_id=cluster.cluster_id, unit_id=unit_id))


def test_a_person_is_posted_to_a_unit_only_once_it_is_registered(ledger: Ledger, cluster: ClusterSetup) -> None:
    unit_id = registered_later(ledger, cluster)
    person = PersonRegistered(effective_date=date(2016, 5, 31), person_id=uuid4(), full_name="Nguyễn Văn An",
                              unit_id=unit_id)
    assert_refused(ledger, person, "unit-must-exist")
    assert_recorded(ledger, person.model_copy(update={"effective_date": LATER}))


@pytest.mark.parametrize("ending", ["dissolved", "merged"])
def test_a_unit_ends_only_after_it_was_registered(ledger: Ledger, cluster: ClusterSetup, ending: str) -> None:
    unit_id = registered_later(ledger, cluster)

    def end(on: date) -> UnitDissolved | UnitMerged:
        if ending == "dissolved":
            return UnitDissolved(effective_date=on, unit_id=unit_id)
        return UnitMerged(effective_date=on, unit_id=unit_id, into_unit_id=cluster.units[0])

    for before in (date(2016, 1, 1), LATER):
        assert_refused(ledger, end(before), "end-after-registration")
    assert_recorded(ledger, end(date(2016, 6, 2)))


def test_a_unit_is_not_merged_into_one_registered_after_the_merger(ledger: Ledger, cluster: ClusterSetup) -> None:
    into = registered_later(ledger, cluster)
    merge = UnitMerged(effective_date=date(2016, 1, 1), unit_id=cluster.units[0], into_unit_id=into)
    assert_refused(ledger, merge, "unit-must-exist")


def test_nothing_of_an_authority_is_dated_before_its_registration(ledger: Ledger, cluster: ClusterSetup) -> None:
    """The test authority was registered on 1 January 2015."""
    before, on = date(2014, 12, 31), START
    for fact in (UnitRegistered(effective_date=before, unit_id=uuid4(), name="Phòng Hậu cần",
                                authority_id=cluster.authority_id),
                 ClusterFormed(effective_date=before, cluster_id=uuid4(), name="Cụm thi đua số 9",
                               authority_id=cluster.authority_id),
                 AwardKindRegistered(effective_date=before, authority_id=cluster.authority_id, name="Giấy khen",
                                     level=AwardLevel.CERTIFICATE_OF_MERIT),
                 AuthorityRegistered(effective_date=before, authority_id=uuid4(), name="Công an quận Ba Đình",
                                     symbol="CAQBĐ", parent_id=cluster.authority_id)):
        assert_refused(ledger, fact, "authority-must-exist")
        assert_recorded(ledger, fact.model_copy(update={"effective_date": on}))
