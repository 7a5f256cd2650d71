"""The demo scenario of the five seed articles: it records, once, and holds what the articles say."""

import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path
from typing import TypeVar

import pytest
from eventsourcing.persistence import JSONTranscoder
from pydantic import ValidationError
from thidua_events.facts import Fact, Provenance, Role
from thidua_events.facts import awards as af
from thidua_events.facts import cluster as cf
from thidua_events.facts import organisation as of
from thidua_events.facts import year as yf
from thidua_events.facts.base import DatePrecision
from thidua_events.facts.conference import AttendanceRole
from thidua_ledger import scenario
from thidua_ledger.application import Ledger
from thidua_ledger.domain.cluster import Cluster
from thidua_ledger.domain.entity import Entity
from thidua_ledger.domain.organisation import Unit
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.queries import cluster_in_year, year_record
from thidua_ledger.scenario import cluster_id, unit_id
from thidua_ledger.transcoding import LedgerTranscoder

F = TypeVar("F", bound=Fact)


def new_ledger(tmp_path: Path) -> Ledger:
    return Ledger(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                       "SQLITE_DBNAME": str(tmp_path / "l.sqlite")})


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    ledger = new_ledger(tmp_path)
    scenario.load(ledger)
    return ledger


def stored(ledger: Ledger) -> list[tuple[Fact, Provenance]]:
    """Every fact in the log, in recording order, decoded from the store."""
    events = [ledger.mapper.to_domain_event(n)
              for n in ledger.recorder.select_notifications(start=1, limit=10_000)]
    return [(e.fact, e.provenance) for e in events if isinstance(e, Entity.Registered | Entity.Recorded)]


def of_type(ledger: Ledger, kind: type[F]) -> list[F]:
    return [fact for fact, _ in stored(ledger) if isinstance(fact, kind)]


def year(ledger: Ledger, cluster: str, y: int) -> EmulationYear:
    return ledger.get(EmulationYear, year_id(cluster_id(cluster), y))


def test_the_whole_scenario_records_without_a_rule_violation(tmp_path: Path) -> None:
    ledger = new_ledger(tmp_path)
    facts = scenario.article_facts()
    assert scenario.load(ledger) == len(facts)
    assert [fact for fact, _ in stored(ledger)] == [fact for fact, _ in facts]


def test_loading_twice_records_nothing_the_second_time(ledger: Ledger) -> None:
    position = ledger.position()
    assert scenario.load(ledger) == 0
    assert ledger.position() == position


def test_ids_are_deterministic() -> None:
    assert scenario.article_facts() == scenario.article_facts()
    assert scenario.unit_id("p-tham-muu") == scenario.unit_id("p-tham-muu")
    assert len({scenario.unit_id(key) for key in scenario.UNITS}) == len(scenario.UNITS)


def test_every_fact_is_sample_data_recorded_by_a_clerk_from_an_article(ledger: Ledger) -> None:
    titles = {title for _, title in scenario.ARTICLES.values()}
    for _, provenance in stored(ledger):
        assert provenance.actor == "Dữ liệu mẫu"
        assert provenance.role is Role.CLERK
        assert provenance.source_ref is not None
        assert any(title in provenance.source_ref for title in titles)


def test_dates_not_stated_keep_the_precision_the_article_gives(ledger: Ledger) -> None:
    for fact, provenance in stored(ledger):
        if isinstance(fact, cf.UnitJoined | of.UnitRegistered | cf.ClusterFormed | yf.YearOpened):
            assert fact.date_precision is DatePrecision.YEAR, fact
            assert (provenance.reason is not None and "không nêu ngày" in provenance.reason) or isinstance(
                fact, yf.YearOpened)


def test_no_fact_is_dated_by_convention_as_a_day(ledger: Ledger) -> None:
    """01-01-Y printed as a day was a convention no article states: a day is always an article's."""
    article_days = {date(2016, 11, 11), date(2017, 2, 23), date(2018, 3, 13), date(2019, 11, 14)}
    for fact, _ in stored(ledger):
        if fact.date_precision is DatePrecision.DAY:
            assert fact.effective_date in article_days, fact


def test_cluster_5s_pledge_of_early_2018_reads_as_2018(ledger: Ledger) -> None:
    record = year_record(ledger, cluster_id("cum-5"), 2018)
    assert (record.pledge_drafted_on, record.pledge_adopted_on) == ("2018", "2018")
    signed = [f for f in of_type(ledger, yf.PledgeSigned) if f.cluster_id == cluster_id("cum-5")]
    assert [f.stated_date() for f in signed] == ["2018"]


def test_stated_counts_are_read_beside_the_named_members(ledger: Ledger) -> None:
    def members(cluster: str, y: int) -> tuple[int, int | None]:
        read = cluster_in_year(ledger, cluster_id(cluster), y)
        return read.members_named, read.members_stated

    assert members("cum-4", 2016) == (3, 8)  # "8 đơn vị", 3 named
    assert members("cum-5", 2018) == (1, 7)  # "7 đơn vị", 1 named
    assert members("cum-vp-du", 2016) == (0, 12)  # "12 đơn vị" in 2016, none named that year
    assert members("cum-4", 2019) == (10, None)  # a full list, no count stated
    assert year_record(ledger, cluster_id("cum-4"), 2016).drives_stated == 4
    assert year_record(ledger, cluster_id("cum-4"), 2019).drives_stated == 4


def test_each_senior_officer_the_articles_name_is_recorded_with_the_role_they_state(ledger: Ledger) -> None:
    present = {}
    for fact, _ in stored(ledger):
        for o in getattr(fact, "officials", ()):
            present[(type(fact).__name__, fact.cluster_id, fact.year, o.name)] = (o.rank, o.post, o.role)
    assert present == {
        ("PledgeAdopted", cluster_id("cum-5"), 2018, "Đoàn Ngọc Hùng"):
            ("Thiếu tướng", "Phó Giám đốc CATP Hà Nội", AttendanceRole.PRESIDED),
        ("YearEndReviewHeld", cluster_id("cum-4"), 2019, "Đoàn Ngọc Hùng"):
            ("Thiếu tướng", "Phó Giám đốc CATP", AttendanceRole.ATTENDED),
        ("YearEndReviewHeld", cluster_id("cum-4"), 2016, "Đinh Văn Toản"):
            ("Thiếu tướng", "Phó Giám đốc CATP", AttendanceRole.DIRECTED),
        ("PledgeAdopted", cluster_id("cum-2"), 2018, "Đỗ Ngọc Cẩn"):
            ("Thiếu tướng", "Phó Tổng cục trưởng Tổng cục Chính trị CAND", AttendanceRole.ATTENDED),
        ("PledgeAdopted", cluster_id("cum-vp-du"), 2017, "Nguyễn Minh Tâm"):
            (None, "Phó Chánh văn phòng Thành ủy Hà Nội", AttendanceRole.ATTENDED),
        ("PledgeAdopted", cluster_id("cum-vp-du"), 2017, "Đào Thanh Hải"):
            ("Đại tá", "Phó Bí thư Đảng ủy, Phó Giám đốc CATP", AttendanceRole.ATTENDED),
    }
    chairs = {(f.cluster_id, f.year): f.chair for f, _ in stored(ledger) if getattr(f, "chair", None)}
    assert chairs == {(cluster_id("cum-5"), 2018): "Đoàn Ngọc Hùng"}  # the only "chủ trì" stated
    assert year_record(ledger, cluster_id("cum-2"), 2018).conferences["pledge"].place == "Hà Nội"


def test_the_scenario_records_the_facts_the_articles_state(ledger: Ledger) -> None:
    kinds = Counter(type(fact).__name__ for fact, _ in stored(ledger))
    assert kinds == {
        "AuthorityRegistered": 3, "UnitRegistered": 19, "ClusterFormed": 4, "UnitJoined": 20, "UnitLeft": 3,
        "MembersCounted": 3, "YearOpened": 6, "YearEndReviewHeld": 2, "DrivesCounted": 2,
        "CommendationsCounted": 3, "LeadershipElected": 2, "RotatingFlagHandedOver": 1, "RegulationAdopted": 1,
        "PledgeDrafted": 3, "PledgeAdopted": 3, "PledgeSigned": 8, "WorkingGroupEstablished": 1,
    }


def test_names_are_nfc_as_in_the_articles() -> None:
    names = [name for name, *_ in scenario.UNITS.values()] + [name for name, *_ in scenario.CLUSTERS.values()]
    assert all(unicodedata.is_normalized("NFC", name) for name in names)
    assert len(set(names)) == len(names)


def test_cluster_4_in_2016(ledger: Ledger) -> None:
    cluster = ledger.get(Cluster, cluster_id("cum-4"))
    assert set(cluster.members_in(2016)) == {unit_id("p-ctd-ctqc"), unit_id("p-ctct"), unit_id("p-hau-can")}
    y2016 = year(ledger, "cum-4", 2016)
    assert y2016.year_end_review_on == date(2016, 11, 11)
    assert y2016.election is not None
    assert (y2016.election.leader_unit_id, y2016.election.deputy_unit_id) == (
        unit_id("p-ctct"), unit_id("p-hau-can"))
    assert cluster.flag_handovers == [(2016, date(2016, 11, 11), unit_id("p-ctd-ctqc"), unit_id("p-ctct"))]
    counted = [f for f in of_type(ledger, yf.CommendationsCounted) if f.cluster_id == cluster_id("cum-4")]
    assert [(f.year, f.collectives, f.individuals, f.award_kind) for f in counted] == [(2016, 120, 357, None)]
    assert y2016.drives == {}  # 4 drives stated, without titles or dates: left to the clerk


def test_cluster_4_in_2019_has_the_ten_listed_members(ledger: Ledger) -> None:
    cluster = ledger.get(Cluster, cluster_id("cum-4"))
    members = cluster.members_in(2019)
    assert len(members) == 10
    names = {ledger.get(Unit, u).name_on(date(2019, 11, 14)) for u in members}
    assert {"Phòng Tham mưu", "Phòng Hậu cần", "Báo An ninh Thủ đô", "Công ty Tháng Tám",
            "Phòng Công tác Đảng - Công tác Chính trị"} <= names
    y2019 = year(ledger, "cum-4", 2019)
    assert y2019.year_end_review_on == date(2019, 11, 14)
    assert y2019.drives == {}


def test_cluster_4_elects_tccb_and_tai_chinh_for_2020(ledger: Ledger) -> None:
    election = year(ledger, "cum-4", 2019).election
    assert election is not None and election.for_year == 2020
    assert ledger.get(Unit, election.leader_unit_id).name == "Phòng Tổ chức cán bộ"
    assert election.deputy_unit_id is not None
    assert ledger.get(Unit, election.deputy_unit_id).name == "Phòng Tài chính"


def test_no_flag_handover_is_recorded_for_2019(ledger: Ledger) -> None:
    handovers = of_type(ledger, cf.RotatingFlagHandedOver)
    assert [(f.cluster_id, f.year) for f in handovers] == [(cluster_id("cum-4"), 2016)]


def test_phong_tham_muu_is_one_unit_in_clusters_5_and_4(ledger: Ledger) -> None:
    tham_muu = unit_id("p-tham-muu")
    assert tham_muu in ledger.get(Cluster, cluster_id("cum-5")).members_in(2018)
    assert tham_muu in ledger.get(Cluster, cluster_id("cum-4")).members_in(2019)
    assert set(year(ledger, "cum-5", 2018).signatures) == {tham_muu}
    drafts = [f for f in of_type(ledger, yf.PledgeDrafted) if f.cluster_id == cluster_id("cum-5")]
    assert [f.drafted_by_unit_id for f in drafts] == [tham_muu]


def test_cluster_2_flags_of_2017_and_pledge_of_2018(ledger: Ledger) -> None:
    counted = [f for f in of_type(ledger, yf.CommendationsCounted) if f.cluster_id == cluster_id("cum-2")]
    assert {(f.year, f.award_kind, f.collectives, f.individuals) for f in counted} == {
        (2017, "Cờ thi đua của Chính phủ", 1, None), (2017, "Cờ thi đua của Bộ Công an", 3, None)}
    y2018 = year(ledger, "cum-2", 2018)
    assert y2018.pledge_adopted_on == date(2018, 3, 13)
    assert set(y2018.signatures) == {unit_id(k) for k in scenario.CUM_2_2018}
    assert set(y2018.signatures.values()) == {date(2018, 3, 13)}
    cluster = ledger.get(Cluster, cluster_id("cum-2"))
    assert cluster.working_groups == {2018: (date(2018, 3, 13), None, ())}
    drafts = [f for f in of_type(ledger, yf.PledgeDrafted) if f.cluster_id == cluster_id("cum-2")]
    assert [f.drafted_by_unit_id for f in drafts] == [unit_id("c-pccc")]


def test_party_offices_cluster_adopted_its_regulation(ledger: Ledger) -> None:
    cluster = ledger.get(Cluster, cluster_id("cum-vp-du"))
    assert cluster.regulations == [(date(2017, 2, 23), "Quy chế tổ chức, hoạt động của Cụm thi đua")]
    assert cluster.members_in(2017) == [unit_id("vp-du-catp")]
    year = ledger.get(EmulationYear, year_id(cluster_id("cum-vp-du"), 2017))
    assert year.movement is None  # the article names no movement
    assert year.stated_leader == unit_id("vp-du-catp")
    assert list(year.signatures) == [unit_id("vp-du-catp")]


def test_nothing_is_invented(ledger: Ledger) -> None:
    kinds = Counter(type(fact) for fact, _ in stored(ledger))
    invented = (yf.ScoreRecorded, yf.ScoreCorrected, yf.BallotHeld, yf.UnitsHonoured, yf.CriteriaAdopted,
                yf.MidYearReviewHeld, yf.YearClosed, af.AwardProposed, af.AwardConferred, af.AwardRevoked)
    assert not any(kinds[kind] for kind in invented)
    for fact, _ in stored(ledger):
        if isinstance(fact, yf.PledgeSigned):
            assert fact.signatory is None
        if isinstance(fact, yf.YearEndReviewHeld):
            assert fact.chair is None and fact.place is None
        if isinstance(fact, cf.WorkingGroupEstablished):
            assert fact.decision_ref is None


def test_every_stored_event_reads_in_one_pass_as_the_stock_decoder_reads_it(ledger: Ledger) -> None:
    stock, fast = JSONTranscoder(), LedgerTranscoder()
    ledger.register_transcodings(stock)
    ledger.register_transcodings(fast)
    notifications = ledger.recorder.select_notifications(start=1, limit=10_000)
    for notification in notifications:
        assert fast.decode(notification.state) == stock.decode(notification.state)
    # every fact-carrying event took the one-pass path (the rest are the ledger's internal
    # indexes: award claims, unit names, a unit's clusters)
    one_pass = [n for n in notifications if reads_in_one_pass(n.state)]
    assert len(one_pass) == len(stored(ledger))


def reads_in_one_pass(state: bytes) -> bool:
    try:
        return "fact" in LedgerTranscoder.fact_event.validate_json(state)
    except ValidationError:
        return False


def test_phong_tham_muu_leaves_cluster_5_before_joining_cluster_4(ledger: Ledger) -> None:
    tham_muu = unit_id("p-tham-muu")
    moves = [(type(f).__name__, f.cluster_id, f.effective_date) for f in of_type(ledger, cf.UnitJoined | cf.UnitLeft)
             if f.unit_id == tham_muu]
    assert moves == [("UnitJoined", cluster_id("cum-5"), date(2018, 1, 1)),
                     ("UnitLeft", cluster_id("cum-5"), date(2019, 1, 1)),
                     ("UnitJoined", cluster_id("cum-4"), date(2019, 1, 1))]
    assert tham_muu not in ledger.get(Cluster, cluster_id("cum-5")).members_in(2019)


def test_the_demo_clerk_is_granted_each_authority_from_its_registration(ledger: Ledger) -> None:
    """`make run`'s grants pass authority-must-exist: each dated inside its authority's life
    (they were dated 2015-01-01, before any of the scenario's authorities was registered)."""
    from thidua_ledger.access import access_register
    from thidua_ledger.cli_access import grant_demo_clerk
    from thidua_ledger.domain.organisation import Authority

    assert grant_demo_clerk(ledger, "Thư ký mẫu") == len(scenario.AUTHORITIES)
    register = access_register(ledger)
    assert register is not None
    for authority, since in register.grants["Thư ký mẫu"].items():
        assert since == ledger.get(Authority, authority).registered_on
    assert grant_demo_clerk(ledger, "Thư ký mẫu") == 0  # once
