"""A small world recorded through the ledger's HTTP API, for the documents tests.

Cluster 4 of the Hanoi city police, built on the articles in /work/shared/seeds: the
2016 year-end review and the rename of the political-work department, the 2019 year with
its pledge, scores, secret ballot, honours, the election of Phòng Tổ chức cán bộ and
Phòng Tài chính for 2020, and the flag handover. Scores, ballots, people, decrees and
the rename's date are invented test data (the articles give none), chosen so that the
Vietnamese order (D before Đ, given names first) and the old-name rule are visible.
"""

from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

from fastapi.testclient import TestClient
from thidua_events.facts import Role

from tests.tokens import bearer, mint

CLERK_ACCOUNT = "Nguyễn Thị Thư ký"
CLERK = bearer(Role.CLERK, CLERK_ACCOUNT)
ADMIN = bearer(Role.ADMIN, "Quản trị hệ thống")
SUBSCRIBER_TOKEN = mint(Role.SUBSCRIBER, "Dịch vụ văn bản")

OLD_NAME = "Phòng Công tác đảng và công tác quần chúng"
NEW_NAME = "Phòng Công tác Đảng - Công tác Chính trị"
RENAMED_ON = "2018-08-01"
UNITS = {
    "ctd": OLD_NAME, "hau_can": "Phòng Hậu cần", "tham_muu": "Phòng Tham mưu", "dao_tao": "Phòng Đào tạo",
    "dan_van": "Phòng Dân vận", "tccb": "Phòng Tổ chức cán bộ", "tai_chinh": "Phòng Tài chính",
}
PEOPLE = {"an": "Nguyễn Văn An", "duc": "Lê Văn Đức", "dung": "Phạm Văn Dũng", "binh": "Trần Thị Bình"}
SIGNER_2016 = "Thiếu tướng Đinh Văn Toản"
SIGNER_2019 = "Thiếu tướng Đoàn Ngọc Hùng"
AWARD_2016 = "Giấy khen của Giám đốc Công an thành phố Hà Nội"


@dataclass
class World:
    client: TestClient
    authority: str = field(default_factory=lambda: str(uuid4()))
    ministry: str = field(default_factory=lambda: str(uuid4()))
    cluster: str = field(default_factory=lambda: str(uuid4()))
    units: dict[str, str] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)
    decree_2016: str = field(default_factory=lambda: str(uuid4()))
    decree_2017: str = field(default_factory=lambda: str(uuid4()))
    decree_2019: str = field(default_factory=lambda: str(uuid4()))
    proposal_2019: str = field(default_factory=lambda: str(uuid4()))
    ballot_2019: str = field(default_factory=lambda: str(uuid4()))
    law: str = ""  # the legal instrument's id in the documents catalogue, once registered

    def record(self, fact: str, as_: dict[str, str] = CLERK, **body: Any) -> int:
        response = self.client.post(f"/facts/{fact}", json=body, headers=as_)
        assert response.status_code == 201, response.text
        return int(response.json()["position"])

    def year_fact(self, fact: str, day: str, year: int, **body: Any) -> int:
        return self.record(fact, effective_date=day, cluster_id=self.cluster, year=year, **body)


def build_world(client: TestClient, form: str = "state") -> World:
    """`form`: the city authority's family of forms ("party" to try a Party body's books)."""
    w = World(client)
    w.record("AuthorityRegistered", ADMIN, effective_date="2015-01-01", authority_id=w.ministry,
             name="Bộ Công an", symbol="BCA")
    w.record("AuthorityRegistered", ADMIN, effective_date="2015-01-01", authority_id=w.authority,
             name="Công an thành phố Hà Nội", symbol="CATP", place="Hà Nội", parent_id=w.ministry,
             document_form=form)
    # One clerk writes for both authorities here: the city police's units, cluster and decrees,
    # and the Ministry's decree of 2019.
    for authority in (w.authority, w.ministry):
        w.record("ScopeGranted", ADMIN, effective_date="2015-01-01", account=CLERK_ACCOUNT, authority_id=authority)
    for authority, kind, level in ((w.ministry, "Cờ thi đua của Bộ Công an", "ministry_flag"),
                                   (w.authority, "Bằng khen của Giám đốc Công an thành phố Hà Nội",
                                    "certificate_of_merit"),
                                   (w.authority, AWARD_2016, "commendation"),
                                   (w.authority, "Giấy khen", "commendation")):
        w.record("AwardKindRegistered", effective_date="2015-01-01", authority_id=authority, name=kind,
                 level=level)
    w.record("ClusterFormed", effective_date="2015-01-01", cluster_id=w.cluster, name="Cụm thi đua số 4",
             authority_id=w.authority)
    for key, name in UNITS.items():
        w.units[key] = str(uuid4())
        w.record("UnitRegistered", effective_date="2015-01-01", unit_id=w.units[key], name=name,
                 authority_id=w.authority, symbol="PV01" if key == "tham_muu" else None)
        w.record("UnitJoined", effective_date="2015-01-01", cluster_id=w.cluster, unit_id=w.units[key])
    for key, name in PEOPLE.items():
        w.people[key] = str(uuid4())
        w.record("PersonRegistered", effective_date="2015-01-01", person_id=w.people[key], full_name=name,
                 unit_id=w.units["hau_can"], rank="Thiếu tá", position="Phó Trưởng phòng")
    _year_2016(w)
    # Signed by the Giám đốc himself, on a day and month that take leading zeros.
    w.record("AwardConferred", effective_date="2017-02-05", decree_id=w.decree_2017, decree_no="09/QĐ-CATP",
             decree_date="2017-02-05", authority_id=w.authority, signer="Trung tướng Nguyễn Văn Mẫu",
             signer_title="GIÁM ĐỐC", award_kind="Bằng khen của Giám đốc Công an thành phố Hà Nội", year=2016,
             cluster_id=w.cluster, recipients=[{"kind": "collective", "unit_id": w.units["ctd"]}])
    w.record("UnitRenamed", effective_date=RENAMED_ON, unit_id=w.units["ctd"], name=NEW_NAME)
    _year_2018(w)
    _year_2019(w)
    return w


def _year_2016(w: World) -> None:
    w.year_fact("YearOpened", "2016-01-01", 2016, movement="Vì an ninh Tổ quốc")
    w.year_fact("YearEndReviewHeld", "2016-11-11", 2016, place="Hội trường Công an thành phố Hà Nội",
                chair=SIGNER_2016)
    recipients = [{"kind": "collective", "unit_id": w.units[k]} for k in ("hau_can", "ctd", "dao_tao", "dan_van")]
    recipients += [{"kind": "individual", "person_id": p, "achievement": "Hoàn thành xuất sắc nhiệm vụ"}
                   for p in w.people.values()]
    w.record("AwardConferred", effective_date="2016-12-20", decree_id=w.decree_2016, decree_no="120/QĐ-CATP",
             decree_date="2016-12-20", authority_id=w.authority, signer=SIGNER_2016,
             signer_title="KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC", award_kind=AWARD_2016, year=2016, cluster_id=w.cluster,
             recipients=recipients)


def _year_2018(w: World) -> None:
    """Only what makes Phòng Tham mưu the leader of 2019."""
    w.year_fact("YearOpened", "2018-01-01", 2018, movement="Vì an ninh Tổ quốc")
    w.year_fact("YearEndReviewHeld", "2018-11-15", 2018)
    w.year_fact("LeadershipElected", "2018-11-15", 2018, for_year=2019, leader_unit_id=w.units["tham_muu"],
                deputy_unit_id=w.units["hau_can"])


def _year_2019(w: World) -> None:
    u = w.units
    w.year_fact("YearOpened", "2019-01-02", 2019, movement="Vì an ninh Tổ quốc")
    w.year_fact("PledgeDrafted", "2019-01-10", 2019, drafted_by_unit_id=u["tham_muu"],
                title="Giao ước thi đua năm 2019", content="Hoàn thành các chỉ tiêu công tác năm 2019.")
    w.year_fact("CriteriaAdopted", "2019-01-10", 2019, criteria=[
        {"code": "1", "title": "Công tác xây dựng lực lượng", "max_points": "40", "children": [
            {"code": "1.1", "title": "Công tác chính trị", "max_points": "20"}]},
        {"code": "2", "title": "Kết quả công tác chuyên môn", "max_points": "60"}])
    w.year_fact("PledgeAdopted", "2019-01-15", 2019)
    for key in ("tham_muu", "hau_can", "tccb"):
        w.year_fact("PledgeSigned", "2019-01-15", 2019, unit_id=u[key],
                    signatory="Đại tá Nguyễn Văn Ký" if key == "tham_muu" else None)
    w.year_fact("DriveLaunched", "2019-02-01", 2019, drive_no=1, title="Đợt thi đua cao điểm Tết Nguyên đán")
    w.year_fact("DriveClosed", "2019-03-01", 2019, drive_no=1)
    for key, own, cross in (("tham_muu", "55", "50"), ("hau_can", "50", None), ("tccb", "58", "52"),
                            ("tai_chinh", "50", None)):
        w.year_fact("ScoreRecorded", "2019-11-01", 2019, score_id=str(uuid4()), unit_id=u[key],
                    criterion_code="2", points=own, kind="self")
        if cross:
            w.year_fact("ScoreRecorded", "2019-11-05", 2019, score_id=str(uuid4()), unit_id=u[key],
                        criterion_code="2", points=cross, kind="cross", scored_by_unit_id=u["dan_van"])
    w.year_fact("YearEndReviewHeld", "2019-11-14", 2019, place="Hội trường Phòng Tham mưu", chair=SIGNER_2019,
                summary="Các đơn vị triển khai 4 đợt thi đua.\nHoàn thành các chỉ tiêu công tác.")
    w.year_fact("BallotHeld", "2019-11-14", 2019, ballot_id=w.ballot_2019, subject="Cờ thi đua của Bộ Công an",
                issued=7, returned=7, valid=6, votes=[{"unit_id": u["tccb"], "votes": 6},
                                                      {"unit_id": u["tham_muu"], "votes": 4}])
    w.year_fact("UnitsHonoured", "2019-11-14", 2019, title="Cờ thi đua của Bộ Công an", unit_ids=[u["tccb"]],
                ballot_id=w.ballot_2019)
    w.year_fact("LeadershipElected", "2019-11-14", 2019, for_year=2020, leader_unit_id=u["tccb"],
                deputy_unit_id=u["tai_chinh"])
    w.record("RotatingFlagHandedOver", effective_date="2019-11-14", cluster_id=w.cluster, year=2019,
             from_unit_id=u["tham_muu"], to_unit_id=u["tccb"])
    w.record("AwardProposed", effective_date="2019-11-20", proposal_id=w.proposal_2019, authority_id=w.ministry,
             award_kind="Cờ thi đua của Bộ Công an", year=2019, cluster_id=w.cluster,
             proposed_by_unit_id=u["tham_muu"], recipients=[{"kind": "collective", "unit_id": u["tccb"]}])
    w.record("AwardConferred", effective_date="2020-01-15", decree_id=w.decree_2019, decree_no="15/QĐ-BCA",
             decree_date="2020-01-15", authority_id=w.ministry, signer="Thượng tướng Lê Văn Mẫu",
             signer_title="KT. BỘ TRƯỞNG / THỨ TRƯỞNG", award_kind="Cờ thi đua của Bộ Công an", year=2019,
             cluster_id=w.cluster, recipients=[{"kind": "collective", "unit_id": u["tccb"]}])
