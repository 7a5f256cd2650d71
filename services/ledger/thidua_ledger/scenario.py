"""A demo scenario: the five seed articles (/work/shared/seeds/*.txt) as ledger facts.

Only what the articles state is recorded: no scores, ballots, honours, decree numbers,
symbols of units, signatories or leaders the articles do not name. Where a fact needs a
date the article does not give, a convention is used and its Provenance.reason says so:

- a unit, cluster or authority shown by an article for year Y is registered on 1 January Y
  (the first year any article shows it);
- a membership "as stated in the article for year Y" starts on 1 January Y; when an article
  lists a cluster's members exhaustively, a former member missing from the list leaves on
  1 January Y;
- an emulation year opens on 1 January; drives whose number alone is stated are launched
  on 1 January with the title "Đợt thi đua thứ N năm Y";
- a fact reported at a conference without its own date takes the conference's date.

Ids are uuid5 over NAMESPACE and a stable key, so building the scenario twice gives the
same ids. `load(ledger)` records it once.
"""

from datetime import date
from uuid import UUID, uuid5

from thidua_events.facts import Fact, Provenance, Role
from thidua_events.facts.cluster import (
    ClusterFormed,
    RegulationAdopted,
    RotatingFlagHandedOver,
    UnitJoined,
    UnitLeft,
    WorkingGroupEstablished,
)
from thidua_events.facts.organisation import AuthorityRegistered, DocumentForm, UnitRegistered
from thidua_events.facts.year import (
    CommendationsCounted,
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


def jan1(year: int) -> date:
    return date(year, 1, 1)


def _start_of_year(year: int, what: str) -> str:
    return f"Ngày hiệu lực theo quy ước: đầu năm {year}; bài báo không nêu ngày {what}."


# Registrations and memberships


def _registrations() -> Facts:
    facts: Facts = []
    for key, (name, symbol, place, year, article) in AUTHORITIES.items():
        reason = _start_of_year(year, "đăng ký")
        if symbol != "CATP":
            reason += f" Ký hiệu “{symbol}” theo quy ước (bài báo không nêu; trường bắt buộc)."
        # A Thành ủy is a Party committee: its documents and those of the bodies under it
        # follow the Party's forms (Hướng dẫn 36-HD/VPTW), not the State's.
        form = DocumentForm.PARTY if key in PARTY_AUTHORITIES else DocumentForm.STATE
        facts.append((AuthorityRegistered(effective_date=jan1(year), authority_id=authority_id(key),
                                          name=name, symbol=symbol, place=place, document_form=form),
                      source(article, reason)))
    for key, (name, authority, year, article) in UNITS.items():
        facts.append((UnitRegistered(effective_date=jan1(year), unit_id=unit_id(key), name=name,
                                     authority_id=authority_id(authority)),
                      source(article, _start_of_year(year, "thành lập đơn vị"))))
    for key, (name, authority, year, article) in CLUSTERS.items():
        facts.append((ClusterFormed(effective_date=jan1(year), cluster_id=cluster_id(key), name=name,
                                    authority_id=authority_id(authority)),
                      source(article, _start_of_year(year, "thành lập cụm"))))
    return facts


def _memberships() -> Facts:
    facts: Facts = []
    current: dict[str, set[str]] = {key: set() for key in CLUSTERS}
    for cluster, year, article, members, complete in MEMBERSHIPS:
        if complete:  # a former member the article's full list leaves out has left
            for key in sorted(current[cluster] - set(members)):
                reason = (f"Bài báo liệt kê đủ {len(members)} đơn vị của cụm năm {year}, "
                          f"không có đơn vị này. {_start_of_year(year, 'rời cụm')}")
                facts.append((UnitLeft(effective_date=jan1(year), cluster_id=cluster_id(cluster),
                                       unit_id=unit_id(key)), source(article, reason)))
                current[cluster].discard(key)
        for key in members:
            if key not in current[cluster]:
                facts += _leave_other_clusters(current, cluster, key, year, article)
                facts.append((UnitJoined(effective_date=jan1(year), cluster_id=cluster_id(cluster),
                                         unit_id=unit_id(key)),
                              source(article, _start_of_year(year, "gia nhập"))))
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
                      f"một cụm thi đua của cùng cơ quan tại một thời điểm. {_start_of_year(year, 'rời cụm')}")
            facts.append((UnitLeft(effective_date=jan1(year), cluster_id=cluster_id(other),
                                   unit_id=unit_id(key)), source(article, reason)))
            members.discard(key)
    return facts


# Emulation years, one function per article


def _open(cluster: str, year: int, article: str, note: str, leader: str | None = None,
          movement: str | None = MOVEMENT) -> tuple[Fact, Provenance]:
    """Open a year; `leader` is the unit a source states as this year's cụm trưởng."""
    reason = f"{_start_of_year(year, 'mở năm thi đua')} {note}"
    return (YearOpened(effective_date=jan1(year), cluster_id=cluster_id(cluster), year=year,
                       movement=movement, leader_unit_id=unit_id(leader) if leader else None),
            source(article, reason))


# The articles state how many drives (đợt thi đua) a year had, but not their titles or dates:
# they are left for the clerk to enter rather than invented.


def _cluster_4_2016() -> Facts:
    """003: year-end review of 11-11-2016, commendations, election for 2017, flag handover."""
    c, y, day, a = cluster_id("cum-4"), 2016, date(2016, 11, 11), "003"
    return [
        _open("cum-4", y, a, "Cụm trưởng năm 2016: đơn vị bàn giao cờ luân lưu Cụm trưởng (Phòng Công tác "
                             "đảng và công tác quần chúng). Bài báo nêu 4 đợt thi đua, không nêu tên, ngày.",
              leader="p-ctd-ctqc"),
        # "dự và chỉ đạo hội nghị": attended and directed; the article names no chair (chủ trì).
        (YearEndReviewHeld(effective_date=day, cluster_id=c, year=y,
                           summary="Thiếu tướng Đinh Văn Toản, Phó Giám đốc CATP dự và chỉ đạo hội nghị."),
         source(a)),
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
    """004: the conference of 23-2-2017 adopted the regulation and the plan and signed the
    pledge. The article names no movement and no drafter; of the signers only the leader."""
    c, y, day, a = cluster_id("cum-vp-du"), 2017, date(2017, 2, 23), "004"
    conference = "Hội nghị ngày 23-2-2017 triển khai kế hoạch công tác và ký kết giao ước thi đua năm 2017."
    return [
        _open("cum-vp-du", y, a, "Cụm trưởng năm 2017: Văn phòng Đảng ủy CATP (“với vai trò Cụm trưởng”); "
                                 "bài báo không nêu tên phong trào.", leader="vp-du-catp", movement=None),
        (RegulationAdopted(effective_date=day, cluster_id=c,
                           title="Quy chế tổ chức, hoạt động của Cụm thi đua"),
         source(a, "Hội nghị thông qua dự thảo quy chế tổ chức, hoạt động của Cụm thi đua.")),
        (PledgeDrafted(effective_date=day, cluster_id=c, year=y, title="Giao ước thi đua năm 2017"),
         source(a, "Bài báo không nêu đơn vị soạn dự thảo, ngày soạn. " + conference)),
        (PledgeAdopted(effective_date=day, cluster_id=c, year=y), source(a, conference)),
        (PledgeSigned(effective_date=day, cluster_id=c, year=y, unit_id=unit_id("vp-du-catp")),
         source(a, "Các đơn vị trong Cụm ký kết giao ước; bài báo chỉ nêu tên đơn vị Cụm trưởng.")),
    ]


def _cluster_2() -> Facts:
    """002: the 2017 flags (counts only) and the pledge signing of 13-3-2018."""
    c, day, a = cluster_id("cum-2"), date(2018, 3, 13), "002"
    at_conference = "Ngày theo quy ước: ngày hội nghị 13-3-2018, nơi nội dung này được công bố."
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
        (PledgeAdopted(effective_date=day, cluster_id=c, year=2018), source(a)),
        (WorkingGroupEstablished(effective_date=day, cluster_id=c, year=2018),
         source(a, "Quyết định thành lập Tổ giúp việc cho đơn vị Cụm trưởng được công bố tại hội nghị; "
                   "bài báo không nêu số, ngày quyết định và thành viên. " + at_conference)),
        *[(PledgeSigned(effective_date=day, cluster_id=c, year=2018, unit_id=unit_id(key)), source(a))
          for key in CUM_2_2018],
    ]


def _cluster_5_2018() -> Facts:
    """000: the 2018 pledge conference; the article gives no date."""
    c, y, a = cluster_id("cum-5"), 2018, "000"
    undated = ("Bài báo không nêu ngày hội nghị (tiêu đề: “những ngày đầu năm mới”); ngày theo quy ước: "
               "01-01-2018.")
    return [
        _open("cum-5", y, a, "Cụm trưởng năm 2018: Phòng Tham mưu CATP Hà Nội.", leader="p-tham-muu"),
        (PledgeDrafted(effective_date=jan1(y), cluster_id=c, year=y, drafted_by_unit_id=unit_id("p-tham-muu"),
                       title="Giao ước thi đua năm 2018"),
         source(a, "Chỉ huy đơn vị Cụm trưởng trình bày dự thảo các báo cáo giao ước thi đua, điều lệ, "
                   "tiêu chí chấm điểm, nội dung giao ước. " + undated)),
        (PledgeAdopted(effective_date=jan1(y), cluster_id=c, year=y),
         source(a, "Các đơn vị thảo luận, đi đến thống nhất; hội nghị do Thiếu tướng Đoàn Ngọc Hùng, "
                   "Phó Giám đốc CATP Hà Nội dự và chủ trì. " + undated)),
        (PledgeSigned(effective_date=jan1(y), cluster_id=c, year=y, unit_id=unit_id("p-tham-muu")),
         source(a, "“Các đơn vị ký kết giao ước thi đua năm 2018”; chỉ đơn vị Cụm trưởng được nêu tên. "
                   + undated)),
    ]


def _cluster_4_2019() -> Facts:
    """001: year-end review of 14-11-2019 and the election for 2020. The flag handover
    is not recorded: the article does not name the units that handed and received it."""
    c, y, day, a = cluster_id("cum-4"), 2019, date(2019, 11, 14), "001"
    return [
        _open("cum-4", y, a, "Bài báo không nêu tên đơn vị Cụm trưởng, Cụm phó năm 2019; nêu 4 đợt thi đua, "
                             "không nêu tên, ngày."),
        (YearEndReviewHeld(effective_date=day, cluster_id=c, year=y,
                           summary="Thiếu tướng Đoàn Ngọc Hùng, Phó Giám đốc CATP; cùng chỉ huy các đơn vị "
                                   "thành viên trong Cụm thi đua số 4, dự hội nghị."), source(a)),
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
