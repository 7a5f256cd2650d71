"""The articles' facts as the articles state them, on SQLite and PostgreSQL: counts without
names, dates without a day, and who attended a conference in what role."""

from datetime import date

import pytest
from pydantic import ValidationError
from thidua_events.facts.base import DatePrecision
from thidua_events.facts.cluster import MembersCounted
from thidua_events.facts.conference import AttendanceRole, Official
from thidua_events.facts.corrections import FactCorrected
from thidua_events.facts.year import DrivesCounted, PledgeAdopted, PledgeDrafted, PledgeSigned, YearEndReviewHeld
from thidua_ledger.application import Ledger
from thidua_ledger.audit.clocks import Clock
from thidua_ledger.audit.provenance import history
from thidua_ledger.queries import cluster_in_year, year_record

from tests.factories import CLERK, ClusterSetup
from tests.integration.refusals import assert_recorded, assert_refused
from tests.integration.test_corrections import WHY

YEAR = DatePrecision.YEAR


def members_counted(setup: ClusterSetup, count: int, year: int = 2019) -> MembersCounted:
    return MembersCounted(effective_date=date(year, 11, 14), cluster_id=setup.cluster_id, year=year, count=count)


# Stated counts ("8 đơn vị", "4 đợt thi đua")


def test_a_stated_member_count_is_read_beside_the_members_named(ledger: Ledger, cluster: ClusterSetup) -> None:
    ledger.record(members_counted(cluster, 8), CLERK)
    read = cluster_in_year(ledger, cluster.cluster_id, 2019)
    assert (read.members_stated, read.members_named, len(read.members)) == (8, 3, 3)
    assert cluster_in_year(ledger, cluster.cluster_id, 2018).members_stated is None  # another year states none


def test_members_are_counted_once_per_year(ledger: Ledger, cluster: ClusterSetup) -> None:
    ledger.record(members_counted(cluster, 8), CLERK)
    assert_refused(ledger, members_counted(cluster, 10), "count-members-once")
    assert_recorded(ledger, members_counted(cluster, 10, year=2018))  # the near miss: another year


def test_a_stated_drive_count_is_read_without_inventing_the_drives(ledger: Ledger, cluster: ClusterSetup) -> None:
    ledger.record(DrivesCounted(effective_date=date(2019, 11, 14), cluster_id=cluster.cluster_id, year=2019,
                                count=4), CLERK)
    record = year_record(ledger, cluster.cluster_id, 2019)
    assert (record.drives_stated, record.drives) == (4, [])
    assert_refused(ledger, DrivesCounted(effective_date=date(2019, 11, 14), cluster_id=cluster.cluster_id,
                                         year=2019, count=5), "count-drives-once")


def test_a_stated_count_is_corrected_not_counted_again(ledger: Ledger, cluster: ClusterSetup) -> None:
    first = ledger.record(members_counted(cluster, 8), CLERK)
    ledger.record(FactCorrected.of(f"{first.entity_id}:{first.version}", members_counted(cluster, 7)), WHY)
    assert cluster_in_year(ledger, cluster.cluster_id, 2019).members_stated == 7


# Dates as precise as the source ("early 2018" is the year 2018)


def _early_2019_pledge(ledger: Ledger, setup: ClusterSetup) -> None:
    for fact in (PledgeDrafted(effective_date=date(2019, 1, 1), date_precision=YEAR, cluster_id=setup.cluster_id,
                               year=2019, title="Giao ước thi đua năm 2019"),
                 PledgeAdopted(effective_date=date(2019, 1, 1), date_precision=YEAR, cluster_id=setup.cluster_id,
                               year=2019)):
        ledger.record(fact, CLERK)


def test_a_date_stated_as_a_year_reads_back_as_the_year(ledger: Ledger, cluster: ClusterSetup) -> None:
    _early_2019_pledge(ledger, cluster)
    record = year_record(ledger, cluster.cluster_id, 2019)
    assert (record.pledge_drafted_on, record.pledge_adopted_on) == ("2019", "2019")
    [adopted] = [e for e in history(ledger, record_id(cluster)) if e.type == "PledgeAdopted"]
    assert adopted.data["date_precision"] == "year"
    assert adopted.fact().stated_date() == "2019"


def test_as_of_reads_place_a_year_date_on_the_first_day_of_its_year(ledger: Ledger, cluster: ClusterSetup) -> None:
    _early_2019_pledge(ledger, cluster)
    in_the_year = year_record(ledger, cluster.cluster_id, 2019, Clock(as_of=date(2019, 1, 2)))
    assert in_the_year.pledge_adopted_on == "2019"


def test_a_year_date_is_the_first_of_january(ledger: Ledger, cluster: ClusterSetup) -> None:
    with pytest.raises(ValidationError, match="effective_date"):
        PledgeAdopted(effective_date=date(2019, 2, 1), date_precision=YEAR, cluster_id=cluster.cluster_id,
                      year=2019)
    with pytest.raises(ValidationError, match="effective_date"):
        PledgeAdopted(effective_date=date(2019, 2, 2), date_precision=DatePrecision.MONTH,
                      cluster_id=cluster.cluster_id, year=2019)
    assert PledgeAdopted(effective_date=date(2019, 2, 1), date_precision=DatePrecision.MONTH,
                         cluster_id=cluster.cluster_id, year=2019).stated_date() == "2019-02"


def test_a_signature_dated_by_year_is_corrected_to_its_day(ledger: Ledger, cluster: ClusterSetup) -> None:
    _early_2019_pledge(ledger, cluster)
    signed = ledger.record(PledgeSigned(effective_date=date(2019, 1, 1), date_precision=YEAR,
                                        cluster_id=cluster.cluster_id, year=2019, unit_id=cluster.units[0]), CLERK)
    ledger.record(FactCorrected.of(f"{signed.entity_id}:{signed.version}", PledgeSigned(
        effective_date=date(2019, 2, 20), cluster_id=cluster.cluster_id, year=2019, unit_id=cluster.units[0])), WHY)
    assert year_record(ledger, cluster.cluster_id, 2019, Clock(as_of=date(2019, 2, 19))).signed_by == []


# Conferences: place, chair, officials present and their role as stated


def test_a_review_records_the_officials_present_in_the_role_the_source_states(
        ledger: Ledger, cluster: ClusterSetup) -> None:
    hung = Official(name="Đoàn Ngọc Hùng", rank="Thiếu tướng", post="Phó Giám đốc CATP",
                    role=AttendanceRole.ATTENDED)
    ledger.record(YearEndReviewHeld(effective_date=date(2019, 11, 14), cluster_id=cluster.cluster_id, year=2019,
                                    officials=(hung,), summary="Tổng kết phong trào thi đua năm 2019"), CLERK)
    review = year_record(ledger, cluster.cluster_id, 2019).conferences["year_end_review"]
    assert review.officials == (hung,)
    assert review.officials[0].role == "dự"  # attended, neither presided nor directed
    assert review.chair is None and review.place is None  # not stated, left empty


def test_an_officials_role_is_one_of_the_articles_terms() -> None:
    with pytest.raises(ValidationError, match="role"):
        Official(name="Đoàn Ngọc Hùng", role="chủ trì")  # type: ignore[arg-type]
    assert Official(name="Đinh Văn Toản", role="dự và chỉ đạo").role is AttendanceRole.DIRECTED  # type: ignore[arg-type]


def record_id(setup: ClusterSetup):  # type: ignore[no-untyped-def]
    from thidua_ledger.domain.year import year_id
    return year_id(setup.cluster_id, 2019)


def test_a_corrected_commendation_count_is_replayed_corrected(ledger: Ledger, cluster: ClusterSetup) -> None:
    """The register rebuilt from the log (the auditor's replay) applies corrections of counts."""
    from thidua_events.facts.corrections import FactRetracted
    from thidua_events.facts.year import CommendationsCounted
    from thidua_ledger.audit.replay import rebuild

    def counted(collectives: int) -> CommendationsCounted:
        return CommendationsCounted(effective_date=date(2019, 11, 14), cluster_id=cluster.cluster_id, year=2019,
                                    collectives=collectives, individuals=357)

    def replayed(known_at: int | None = None) -> list[int | None]:
        return [c.collectives for c in rebuild(ledger, known_at).register.counts]

    first = ledger.record(counted(12), CLERK)
    fixed = ledger.record(FactCorrected.of(f"{first.entity_id}:{first.version}", counted(120)), WHY)
    assert replayed() == [120]
    assert replayed(fixed.position - 1) == [12]
    ledger.record(FactRetracted(effective_date=date(2019, 12, 1), original=f"{fixed.entity_id}:{fixed.version}"),
                  WHY)
    assert replayed() == []
