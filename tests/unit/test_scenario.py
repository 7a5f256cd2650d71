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
from thidua_events.facts import year as yf
from thidua_ledger import scenario
from thidua_ledger.application import Ledger
from thidua_ledger.domain.cluster import Cluster
from thidua_ledger.domain.entity import Entity
from thidua_ledger.domain.organisation import Unit
from thidua_ledger.domain.year import EmulationYear, year_id
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


def test_dates_not_stated_carry_the_convention_in_the_reason(ledger: Ledger) -> None:
    for fact, provenance in stored(ledger):
        if isinstance(fact, cf.UnitJoined):
            assert provenance.reason is not None and "theo quy ước" in provenance.reason


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
