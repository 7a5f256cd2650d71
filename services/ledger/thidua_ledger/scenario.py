"""A demo scenario: the five seed articles (/work/shared/seeds/*.txt) as ledger facts.

Only what the articles state is recorded: no scores, ballots, honours, decree numbers,
symbols of units, signatories or leaders the articles do not name. Counts stated without
names ("8 đơn vị", "4 đợt thi đua") are recorded as counts. Where an article gives no day,
the fact keeps the precision it does give (date_precision year: read and printed as "2018",
never as 01-01-2018), and its Provenance.reason says what the article states:

- a unit, cluster or authority an article shows in year Y is dated Y (the first year any
  article shows it; no article says when it was formed);
- a membership an article states for year Y is dated Y; when an article lists a cluster's
  members exhaustively, a former member missing from the list is dated as leaving in Y;
- an emulation year opens in its year; Cụm 5's 2018 pledge conference, "in the first days
  of the new year", is dated 2018;
- a fact reported at a conference without its own date takes the conference's date.

Ids are uuid5 over NAMESPACE and a stable key, so building the scenario twice gives the
same ids. `load(ledger)` records it once.
"""

from datetime import date
from typing import Any
from uuid import UUID, uuid5

from thidua_events.facts import Fact, Provenance, Role
from thidua_events.facts.base import DatePrecision
from thidua_events.facts.cluster import (
    ClusterFormed,
    MembersCounted,
    RegulationAdopted,
    RotatingFlagHandedOver,
    UnitJoined,
    UnitLeft,
    WorkingGroupEstablished,
)
from thidua_events.facts.conference import AttendanceRole, Official
from thidua_events.facts.organisation import AuthorityRegistered, DocumentForm, UnitRegistered
from thidua_events.facts.year import (
    CommendationsCounted,
    DrivesCounted,
    LeadershipElected,
    PledgeAdopted,
    PledgeDrafted,
    PledgeSigned,
    YearEndReviewHeld,
    YearOpened,
)

from thidua_ledger.application import Ledger

Facts = list[tuple[Fact, Provenance]]

NAMESPACE = UUID("6cea2f36-ca85-4680-a50d-92b576e736d3")
ACTOR = "Dữ liệu mẫu"
# Articles 003 and 000 print "Vì An ninh Tổ quốc" / "Vì an ninh tổ quốc"; the other
# articles (and 000 itself, further down) print this spelling.
MOVEMENT = "Vì an ninh Tổ quốc"

# key -> (file in /work/shared/seeds, title as printed)
ARTICLES: dict[str, tuple[str, str]] = {
    # Title as printed, including its typo "Thu đua" (for "Thi đua").
    "000": ("000_5aa6c24f10087fae.txt", "Thu đua lập thành tích công tác từ những ngày đầu năm mới"),
    "001": ("001_e16bdf7cab428127.txt",
            "Đưa phong trào thi đua ngày càng thực chất, có chiều sâu và bền vững"),
    "002": ("002_19de562f3a7b3c24.txt",
            "Khối các đơn vị trực thuộc Bộ trưởng ký kết giao ước thi đua “Vì an ninh Tổ quốc”"),
    # The file has no title line; this one is the photo captions' unaccented
    # "Phong trao thi dua co suc lan toa manh me", with its diacritics restored.
    "003": ("003_db7db08c4ba36cc4.txt", "Phong trào thi đua có sức lan tỏa mạnh mẽ"),
    "004": ("004_f0f758ee270a7329.txt", "Đổi mới các nội dung thi đua để tạo sức lan tỏa sâu rộng"),
}

# key -> (name, symbol, place, first year shown, article)
# No article prints a symbol; AuthorityRegistered requires one. "CATP" is the articles'
# own abbreviation; "BCA" and "TU" are the authorities' usual document-number symbols
# (e.g. "Thông tư 12/2019/TT-BCA"), a convention stated in each reason.
AUTHORITIES: dict[str, tuple[str, str, str | None, int, str]] = {
    "catp": ("Công an thành phố Hà Nội", "CATP", "Hà Nội", 2016, "003"),
    "bca": ("Bộ Công an", "BCA", None, 2017, "002"),
    "tuhn": ("Thành ủy Hà Nội", "TU", "Hà Nội", 2016, "004"),
}

PARTY_AUTHORITIES = {"tuhn"}

# key -> (name as printed, authority, first year shown, article)
UNITS: dict[str, tuple[str, str, int, str]] = {
    # 003: the only units of Cụm 4's eight in 2016 that the article names.
    "p-ctd-ctqc": ("Phòng Công tác đảng và công tác quần chúng", "catp", 2016, "003"),
    "p-ctct": ("Phòng Công tác chính trị", "catp", 2016, "003"),
    "p-hau-can": ("Phòng Hậu cần", "catp", 2016, "003"),  # 001 prints "Hậu Cần"
    # 000 prints "Phòng Tham mưu CATP Hà Nội", 001 "Phòng Tham mưu": one unit of the CATP.
    "p-tham-muu": ("Phòng Tham mưu", "catp", 2018, "000"),
    # 001: "các Phòng Tham mưu, Tổ chức cán bộ, Hậu Cần, Tài Chính, ..." — "Phòng" is
    # distributed over the list. 001 itself also prints "Phòng Tổ chức Cán bộ" and
    # "Phòng Tài chính"; the lower-case forms are used.
    "p-tccb": ("Phòng Tổ chức cán bộ", "catp", 2019, "001"),
    "p-tai-chinh": ("Phòng Tài chính", "catp", 2019, "001"),
    "bao-antd": ("Báo An ninh Thủ đô", "catp", 2019, "001"),
    "tt-huan-luyen": ("Trung tâm Huấn luyện và bồi dưỡng nghiệp vụ CATP", "catp", 2019, "001"),
    # Printed without a head noun; read as one of "các Phòng ...".
    "p-xdpt": ("Phòng Xây dựng phong trào bảo vệ an ninh Tổ quốc", "catp", 2019, "001"),
    "cty-thang-tam": ("Công ty Tháng Tám", "catp", 2019, "001"),
    "thanh-tra": ("Thanh tra CATP", "catp", 2019, "001"),
    # Possibly the successor of p-ctd-ctqc and p-ctct; no article says so.
    "p-ctd-ctct": ("Phòng Công tác Đảng - Công tác Chính trị", "catp", 2019, "001"),
    # 002: the six units of Cụm 2 in 2018.
    "c-pccc": ("Cục Cảnh sát PCCC và CNCH", "bca", 2018, "002"),
    "btl-canh-ve": ("Bộ Tư lệnh Cảnh vệ", "bca", 2018, "002"),
    "c-khdt": ("Cục Kế hoạch và Đầu tư", "bca", 2018, "002"),
    "c-anm": ("Cục An ninh mạng", "bca", 2018, "002"),
    "c-csgt": ("Cục Cảnh sát giao thông", "bca", 2018, "002"),
    "c-co-yeu": ("Cục Cơ yếu", "bca", 2018, "002"),
    # 004: the office of a Party committee under the Thành ủy, in the Thành ủy's cluster.
    "vp-du-catp": ("Văn phòng Đảng ủy CATP", "tuhn", 2017, "004"),
}

# key -> (name as printed, authority, first year shown, article)
CLUSTERS: dict[str, tuple[str, str, int, str]] = {
    "cum-4": ("Cụm thi đua số 4", "catp", 2016, "003"),
    "cum-5": ("Cụm thi đua số 5", "catp", 2018, "000"),
    "cum-2": ("Cụm thi đua số 2 – Khối các đơn vị trực thuộc Bộ trưởng Bộ Công an", "bca", 2017, "002"),
    "cum-vp-du": ("Cụm thi đua Văn phòng các Đảng ủy khối và các Đảng ủy trực thuộc Thành ủy Hà Nội",
                  "tuhn", 2016, "004"),
}

CUM_2_2018 = ("c-pccc", "btl-canh-ve", "c-khdt", "c-anm", "c-csgt", "c-co-yeu")

# (cluster, year, article, named members, whether the article lists every member)
MEMBERSHIPS: list[tuple[str, int, str, tuple[str, ...], bool]] = [
    ("cum-4", 2016, "003", ("p-ctd-ctqc", "p-ctct", "p-hau-can"), False),  # 3 of 8 named
    ("cum-vp-du", 2017, "004", ("vp-du-catp",), False),  # 1 of 12 (2016) named
    ("cum-2", 2018, "002", CUM_2_2018, True),
    ("cum-5", 2018, "000", ("p-tham-muu",), False),  # 1 of 7 named
    ("cum-4", 2019, "001", ("p-tham-muu", "p-tccb", "p-hau-can", "p-tai-chinh", "bao-antd", "tt-huan-luyen",
                            "p-xdpt", "cty-thang-tam", "thanh-tra", "p-ctd-ctct"), True),
]


def authority_id(key: str) -> UUID:
    return uuid5(NAMESPACE, f"authority:{key}")


def unit_id(key: str) -> UUID:
    return uuid5(NAMESPACE, f"unit:{key}")


def cluster_id(key: str) -> UUID:
    return uuid5(NAMESPACE, f"cluster:{key}")


def source(article: str, reason: str | None = None) -> Provenance:
    file, title = ARTICLES[article]
    return Provenance(actor=ACTOR, role=Role.CLERK, reason=reason, source_ref=f"Bài báo “{title}” ({file})")


YEAR = DatePrecision.YEAR


def in_year(year: int) -> dict[str, Any]:
    """The date fields of a fact an article places in a year without a day: read as "2018"."""
    return {"effective_date": date(year, 1, 1), "date_precision": YEAR}


def _only_year(year: int, what: str) -> str:
    return f"Bài báo cho thấy điều này trong năm {year}, không nêu ngày {what}: ngày ghi theo năm."


# The senior officers the articles name, with rank and post as printed.
DOAN_NGOC_HUNG = ("Đoàn Ngọc Hùng", "Thiếu tướng")
DINH_VAN_TOAN = ("Đinh Văn Toản", "Thiếu tướng")
DO_NGOC_CAN = ("Đỗ Ngọc Cẩn", "Thiếu tướng")
NGUYEN_MINH_TAM = ("Nguyễn Minh Tâm", None)  # "đồng chí": an address, not a rank
DAO_THANH_HAI = ("Đào Thanh Hải", "Đại tá")


def official(person: tuple[str, str | None], post: str, role: AttendanceRole) -> Official:
    name, rank = person
    return Official(name=name, rank=rank, post=post, role=role)


# Registrations and memberships


def _registrations() -> Facts:
    facts: Facts = []
    for key, (name, symbol, place, year, article) in AUTHORITIES.items():
        reason = _only_year(year, "thành lập")
        if symbol != "CATP":
            reason += f" Ký hiệu “{symbol}” theo quy ước (bài báo không nêu; trường bắt buộc)."
        # A Thành ủy is a Party committee: its documents and those of the bodies under it
        # follow the Party's forms (Hướng dẫn 36-HD/VPTW), not the State's.
        form = DocumentForm.PARTY if key in PARTY_AUTHORITIES else DocumentForm.STATE
        facts.append((AuthorityRegistered(**in_year(year), authority_id=authority_id(key),
                                          name=name, symbol=symbol, place=place, document_form=form),
                      source(article, reason)))
    for key, (name, authority, year, article) in UNITS.items():
        facts.append((UnitRegistered(**in_year(year), unit_id=unit_id(key), name=name,
                                     authority_id=authority_id(authority)),
                      source(article, _only_year(year, "thành lập đơn vị"))))
    for key, (name, authority, year, article) in CLUSTERS.items():
        facts.append((ClusterFormed(**in_year(year), cluster_id=cluster_id(key), name=name,
                                    authority_id=authority_id(authority)),
                      source(article, _only_year(year, "thành lập cụm"))))
    return facts


def _memberships() -> Facts:
    facts: Facts = []
    current: dict[str, set[str]] = {key: set() for key in CLUSTERS}
    for cluster, year, article, members, complete in MEMBERSHIPS:
        if complete:  # a former member the article's full list leaves out has left
            for key in sorted(current[cluster] - set(members)):
                reason = (f"Bài báo liệt kê đủ {len(members)} đơn vị của cụm năm {year}, không có đơn vị "
                          f"này: đã rời cụm trước năm {year} hoặc đầu năm {year}; bài báo không nêu ngày.")
                facts.append((UnitLeft(**in_year(year), cluster_id=cluster_id(cluster),
                                       unit_id=unit_id(key)), source(article, reason)))
                current[cluster].discard(key)
        for key in members:
            if key not in current[cluster]:
                facts += _leave_other_clusters(current, cluster, key, year, article)
                facts.append((UnitJoined(**in_year(year), cluster_id=cluster_id(cluster),
                                         unit_id=unit_id(key)),
                              source(article, _only_year(year, "gia nhập cụm"))))
                current[cluster].add(key)
    return facts


def _leave_other_clusters(current: dict[str, set[str]], cluster: str, key: str, year: int,
                          article: str) -> Facts:
    """A unit is in one cluster of an authority at a time: joining another of the same
    authority, it leaves the one it was in (Phòng Tham mưu: Cụm 5 in 2018, Cụm 4 in 2019)."""
    facts: Facts = []
    authority = CLUSTERS[cluster][1]
    for other, members in current.items():
        if other != cluster and CLUSTERS[other][1] == authority and key in members:
            reason = (f"Bài báo nêu đơn vị trong {CLUSTERS[cluster][0]} năm {year}; một đơn vị chỉ thuộc "
                      f"một cụm thi đua của cùng cơ quan tại một thời điểm. {_only_year(year, 'rời cụm')}")
            facts.append((UnitLeft(**in_year(year), cluster_id=cluster_id(other),
                                   unit_id=unit_id(key)), source(article, reason)))
            members.discard(key)
    return facts


# Emulation years, one function per article


def _open(cluster: str, year: int, article: str, note: str, leader: str | None = None,
          movement: str | None = MOVEMENT) -> tuple[Fact, Provenance]:
    """Open a year; `leader` is the unit a source states as this year's cụm trưởng."""
    reason = f"Năm thi đua {year}. {note}"
    return (YearOpened(**in_year(year), cluster_id=cluster_id(cluster), year=year,
                       movement=movement, leader_unit_id=unit_id(leader) if leader else None),
            source(article, reason))


# The articles state how many drives (đợt thi đua) a year had, but not their titles or dates:
# the count is recorded (DrivesCounted); the drives themselves are left for the clerk.

TOAN_POST = "Phó Giám đốc CATP"  # 003, twice; once "Phó Giám đốc CATP Hà Nội"
HUNG_POST_2018 = "Phó Giám đốc CATP Hà Nội"  # 000
HUNG_POST_2019 = "Phó Giám đốc CATP"  # 001, in the sentence that says he attended


def _cluster_4_2016() -> Facts:
    """003: year-end review of 11-11-2016, 8 units, 4 drives, commendations, election for
    2017, flag handover."""
    c, y, day, a = cluster_id("cum-4"), 2016, date(2016, 11, 11), "003"
    return [
        _open("cum-4", y, a, "Cụm trưởng năm 2016: đơn vị bàn giao cờ luân lưu Cụm trưởng (Phòng Công tác "
                             "đảng và công tác quần chúng).", leader="p-ctd-ctqc"),
        (MembersCounted(effective_date=day, cluster_id=c, year=y, count=8),
         source(a, "“Cụm thi đua số 4 gồm 8 đơn vị thuộc khối XDLL, hậu cần kỹ thuật của CATP Hà Nội”; "
                   "bài báo nêu tên 3 đơn vị. Số liệu nêu tại hội nghị ngày 11-11-2016.")),
        # "dự và chỉ đạo hội nghị": attended and directed; the article names no chair (chủ trì).
        (YearEndReviewHeld(
            effective_date=day, cluster_id=c, year=y,
            officials=(official(DINH_VAN_TOAN, TOAN_POST, AttendanceRole.DIRECTED),),
            summary="Tổng kết phong trào thi đua “Vì An ninh Tổ quốc” năm 2016; biểu dương kết quả của Cụm "
                    "thi đua số 4 góp phần bảo vệ ANCT, TTATXH trên địa bàn; bầu Cụm trưởng, Cụm phó năm "
                    "2017."),
         source(a, "“Thiếu tướng Đinh Văn Toản, Phó Giám đốc CATP dự và chỉ đạo hội nghị.”")),
        (DrivesCounted(effective_date=day, cluster_id=c, year=y, count=4),
         source(a, "“các đơn vị trong cụm đã triển khai và tổ chức có hiệu quả 4 đợt thi đua khen thưởng do "
                   "CATP Hà Nội phát động”; bài báo không nêu tên, ngày các đợt.")),
        (CommendationsCounted(effective_date=day, cluster_id=c, year=y, collectives=120, individuals=357),
         source(a, "Số liệu nêu tại hội nghị tổng kết ngày 11-11-2016 (“120 tập thể và 357 cá nhân … đã được "
                   "lãnh đạo các cấp khen thưởng”); bài báo không nêu ngày, số các quyết định khen thưởng.")),
        (LeadershipElected(effective_date=day, cluster_id=c, year=y, for_year=2017,
                           leader_unit_id=unit_id("p-ctct"), deputy_unit_id=unit_id("p-hau-can")), source(a)),
        (RotatingFlagHandedOver(effective_date=day, cluster_id=c, year=y, from_unit_id=unit_id("p-ctd-ctqc"),
                                to_unit_id=unit_id("p-ctct")),
         source(a, "“Bàn giao cờ luân lưu Cụm trưởng cụm thi đua giữa Phòng Công tác đảng và công tác quần "
                   "chúng với Phòng Công tác chính trị” (chú thích ảnh); ngày theo ngày hội nghị.")),
    ]


def _cluster_vp_du_2017() -> Facts:
    """004: 12 units in 2016; the conference of 23-2-2017 adopted the regulation and the plan
    and signed the pledge. The article names no movement and no drafter; of the signers only
    the leader."""
    c, y, day, a = cluster_id("cum-vp-du"), 2017, date(2017, 2, 23), "004"
    conference = "Hội nghị ngày 23-2-2017 triển khai kế hoạch công tác và ký kết giao ước thi đua năm 2017."
    return [
        (MembersCounted(**in_year(2016), cluster_id=c, year=2016, count=12),
         source(a, "“Năm 2016, 12 đơn vị thuộc Cụm thi đua …”; bài báo nêu tên 1 đơn vị.")),
        _open("cum-vp-du", y, a, "Cụm trưởng năm 2017: Văn phòng Đảng ủy CATP (“với vai trò Cụm trưởng”); "
                                 "bài báo không nêu tên phong trào.", leader="vp-du-catp", movement=None),
        (RegulationAdopted(effective_date=day, cluster_id=c,
                           title="Quy chế tổ chức, hoạt động của Cụm thi đua"),
         source(a, "Hội nghị thông qua dự thảo quy chế tổ chức, hoạt động của Cụm thi đua.")),
        (PledgeDrafted(effective_date=day, cluster_id=c, year=y, title="Giao ước thi đua năm 2017"),
         source(a, "Bài báo không nêu đơn vị soạn dự thảo, ngày soạn. " + conference)),
        (PledgeAdopted(
            effective_date=day, cluster_id=c, year=y,
            officials=(official(NGUYEN_MINH_TAM, "Phó Chánh văn phòng Thành ủy Hà Nội", AttendanceRole.ATTENDED),
                       official(DAO_THANH_HAI, "Phó Bí thư Đảng ủy, Phó Giám đốc CATP", AttendanceRole.ATTENDED)),
            summary="Hội nghị triển khai kế hoạch công tác và ký kết giao ước thi đua năm 2017; thông qua dự "
                    "thảo quy chế tổ chức, hoạt động của Cụm thi đua, kế hoạch công tác thi đua, khen thưởng."),
         source(a, "“Tới dự có đồng chí Nguyễn Minh Tâm, Phó Chánh văn phòng Thành ủy Hà Nội; Đại tá Đào "
                   "Thanh Hải, Phó Bí thư Đảng ủy, Phó Giám đốc CATP.” " + conference)),
        (PledgeSigned(effective_date=day, cluster_id=c, year=y, unit_id=unit_id("vp-du-catp")),
         source(a, "Các đơn vị trong Cụm ký kết giao ước; bài báo chỉ nêu tên đơn vị Cụm trưởng.")),
    ]


def _cluster_2() -> Facts:
    """002: the 2017 flags (counts only) and the pledge signing of 13-3-2018, in Hà Nội."""
    c, day, a = cluster_id("cum-2"), date(2018, 3, 13), "002"
    at_conference = "Ngày hội nghị 13-3-2018, nơi nội dung này được công bố; bài báo không nêu ngày khác."
    counted = ("Tổng kết năm 2017: “1 đơn vị được tặng Cờ thi đua của Chính phủ, 3 đơn vị được tặng "
               "Cờ thi đua của Bộ Công an”; bài báo không nêu tên đơn vị, số và ngày quyết định. "
               + at_conference)
    pledge = "Nội dung phát động, giao ước thi đua “Vì an ninh Tổ quốc” năm 2018"
    return [
        _open("cum-2", 2017, a, "Bài báo chỉ nêu kết quả khen thưởng năm 2017 của cụm."),
        *[(CommendationsCounted(effective_date=day, cluster_id=c, year=2017, collectives=n, award_kind=kind),
           source(a, counted))
          for kind, n in (("Cờ thi đua của Chính phủ", 1), ("Cờ thi đua của Bộ Công an", 3))],
        _open("cum-2", 2018, a, "Cụm trưởng năm 2018: Cục Cảnh sát PCCC và CNCH (“đơn vị Cụm trưởng”).",
              leader="c-pccc"),
        (PledgeDrafted(effective_date=day, cluster_id=c, year=2018, drafted_by_unit_id=unit_id("c-pccc"),
                       title=pledge),
         source(a, "Dự thảo do đơn vị Cụm trưởng xây dựng; bài báo không nêu ngày soạn. " + at_conference)),
        (PledgeAdopted(
            effective_date=day, cluster_id=c, year=2018, place="Hà Nội",
            officials=(official(DO_NGOC_CAN, "Phó Tổng cục trưởng Tổng cục Chính trị CAND",
                                AttendanceRole.ATTENDED),),
            summary="Hội nghị ký kết giao ước thi đua “Vì an ninh Tổ quốc” năm 2018; các đơn vị nhất trí cao "
                    "dự thảo nội dung phát động, giao ước thi đua do đơn vị Cụm trưởng xây dựng; công bố "
                    "Quyết định thành lập Tổ giúp việc cho đơn vị Cụm trưởng."),
         source(a, "“Chiều 13-3, tại Hà Nội … Dự Hội nghị, có Thiếu tướng Đỗ Ngọc Cẩn, Phó Tổng cục trưởng "
                   "Tổng cục Chính trị CAND”.")),
        (WorkingGroupEstablished(effective_date=day, cluster_id=c, year=2018),
         source(a, "Quyết định thành lập Tổ giúp việc cho đơn vị Cụm trưởng được công bố tại hội nghị; "
                   "bài báo không nêu số, ngày quyết định và thành viên. " + at_conference)),
        *[(PledgeSigned(effective_date=day, cluster_id=c, year=2018, unit_id=unit_id(key)), source(a))
          for key in CUM_2_2018],
    ]


def _cluster_5_2018() -> Facts:
    """000: 7 units; the 2018 pledge conference "in the first days of the new year", no day given."""
    c, y, a = cluster_id("cum-5"), 2018, "000"
    undated = "Bài báo không nêu ngày hội nghị (“từ những ngày đầu năm mới”): ngày ghi theo năm 2018."
    return [
        _open("cum-5", y, a, "Cụm trưởng năm 2018: Phòng Tham mưu CATP Hà Nội.", leader="p-tham-muu"),
        (MembersCounted(**in_year(y), cluster_id=c, year=y, count=7),
         source(a, "“Cụm thi đua số 5 với 7 đơn vị trong đó giữ vai trò Cụm trưởng là Phòng Tham mưu CATP "
                   "Hà Nội”; bài báo nêu tên 1 đơn vị.")),
        (PledgeDrafted(**in_year(y), cluster_id=c, year=y, drafted_by_unit_id=unit_id("p-tham-muu"),
                       title="Giao ước thi đua năm 2018"),
         source(a, "Chỉ huy đơn vị Cụm trưởng trình bày dự thảo các báo cáo giao ước thi đua, điều lệ, "
                   "tiêu chí chấm điểm, nội dung giao ước. " + undated)),
        (PledgeAdopted(
            **in_year(y), cluster_id=c, year=y, chair=DOAN_NGOC_HUNG[0],
            officials=(official(DOAN_NGOC_HUNG, HUNG_POST_2018, AttendanceRole.PRESIDED),),
            summary="Hội nghị ký Giao ước thi đua năm 2018: các đơn vị nghe chỉ huy đơn vị Cụm trưởng trình "
                    "bày dự thảo các báo cáo giao ước thi đua, cách thức, điều lệ, tiêu chí chấm điểm thi đua, "
                    "nội dung giao ước thi đua và dự thảo kế hoạch tham quan, học tập; thảo luận, thống nhất."),
         source(a, "“Thiếu tướng Đoàn Ngọc Hùng, Phó Giám đốc CATP Hà Nội dự và chủ trì hội nghị.” " + undated)),
        (PledgeSigned(**in_year(y), cluster_id=c, year=y, unit_id=unit_id("p-tham-muu")),
         source(a, "“Các đơn vị ký kết giao ước thi đua năm 2018”; chỉ đơn vị Cụm trưởng được nêu tên. "
                   + undated)),
    ]


def _cluster_4_2019() -> Facts:
    """001: year-end review of 14-11-2019, 4 drives, and the election for 2020. The flag
    handover is not recorded: the article does not name the units that handed and received it."""
    c, y, day, a = cluster_id("cum-4"), 2019, date(2019, 11, 14), "001"
    return [
        _open("cum-4", y, a, "Bài báo không nêu tên đơn vị Cụm trưởng, Cụm phó năm 2019."),
        (YearEndReviewHeld(
            effective_date=day, cluster_id=c, year=y,
            officials=(official(DOAN_NGOC_HUNG, HUNG_POST_2019, AttendanceRole.ATTENDED),),
            summary="Hội nghị tổng kết phong trào thi đua “Vì an ninh Tổ quốc” năm 2019, cùng chỉ huy các đơn "
                    "vị thành viên trong Cụm thi đua số 4; thảo luận tiêu chí, thang điểm và nội dung thi đua "
                    "năm 2020; bầu Cụm trưởng, Cụm phó năm 2020 và danh hiệu thi đua đối với các đơn vị."),
         source(a, "“Sáng 14-11 … Thiếu tướng Đoàn Ngọc Hùng, Phó Giám đốc CATP; cùng chỉ huy các đơn vị "
                   "thành viên trong Cụm thi đua số 4, dự hội nghị.”")),
        (DrivesCounted(effective_date=day, cluster_id=c, year=y, count=4),
         source(a, "“Các thành viên của Cụm đã triển khai 4 đợt thi đua gắn với các đợt cao điểm tấn công "
                   "trấn áp tội phạm và tệ nạn xã hội”; bài báo không nêu tên, ngày các đợt.")),
        (LeadershipElected(effective_date=day, cluster_id=c, year=y, for_year=2020,
                           leader_unit_id=unit_id("p-tccb"), deputy_unit_id=unit_id("p-tai-chinh")),
         source(a, "“Hội nghị đã thống nhất cao bầu Phòng Tổ chức Cán bộ và Phòng Tài chính là các đơn vị "
                   "Cụm trưởng và Cụm phó năm 2020”.")),
    ]


def article_facts() -> Facts:
    """Every fact of the five articles, in an order the ledger accepts."""
    return [*_registrations(), *_memberships(), *_cluster_4_2016(), *_cluster_vp_du_2017(), *_cluster_2(),
            *_cluster_5_2018(), *_cluster_4_2019()]


def load(ledger: Ledger) -> int:
    """Record the scenario unless it is already there; return how many facts were recorded."""
    if ledger.position() > 0 and ledger.exists(authority_id(next(iter(AUTHORITIES)))):
        return 0
    facts = article_facts()
    for fact, provenance in facts:
        ledger.record(fact, provenance)
    return len(facts)
