"""Small factories for test data: a clerk's provenance and a cluster with members."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import count
from uuid import UUID, uuid4

from thidua_events.facts import Provenance, Role
from thidua_events.facts.awards import (
    AwardConferred,
    AwardKindRegistered,
    AwardLevel,
    AwardRevoked,
    Recipient,
    RecipientKind,
)
from thidua_events.facts.cluster import ClusterFormed, RotatingFlagHandedOver, UnitJoined, UnitLeft
from thidua_events.facts.organisation import AuthorityRegistered, PersonRegistered, UnitRegistered
from thidua_events.facts.year import (
    CriteriaAdopted,
    Criterion,
    LeadershipElected,
    PledgeAdopted,
    PledgeDrafted,
    PledgeSigned,
    ScoreCorrected,
    ScoreKind,
    ScoreRecorded,
    YearClosed,
    YearEndReviewHeld,
    YearOpened,
)
from thidua_ledger.application import Ledger

CLERK = Provenance(actor="Nguyễn Thị Thư ký", role=Role.CLERK, source_ref="BB-01")
START = date(2015, 1, 1)


@dataclass
class ClusterSetup:
    authority_id: UUID
    cluster_id: UUID
    units: list[UUID] = field(default_factory=list)


def cluster_with_members(ledger: Ledger, members: int = 3, year: int | None = 2019) -> ClusterSetup:
    """An authority, a cluster formed in 2015, `members` units joined, and `year` opened."""
    setup = ClusterSetup(authority_id=uuid4(), cluster_id=uuid4())
    ledger.record(AuthorityRegistered(effective_date=START, authority_id=setup.authority_id,
                                      name="Công an thành phố Hà Nội", symbol="CATP", place="Hà Nội"), CLERK)
    ledger.record(ClusterFormed(effective_date=START, cluster_id=setup.cluster_id,
                                name="Cụm thi đua số 4", authority_id=setup.authority_id), CLERK)
    for name, level in CATALOGUE.items():
        ledger.record(AwardKindRegistered(effective_date=START, authority_id=setup.authority_id, name=name,
                                          level=level), CLERK)
    for n in range(members):
        unit_id = uuid4()
        ledger.record(UnitRegistered(effective_date=START, unit_id=unit_id, name=f"Phòng số {n + 1}",
                                     authority_id=setup.authority_id), CLERK)
        ledger.record(UnitJoined(effective_date=START, cluster_id=setup.cluster_id, unit_id=unit_id), CLERK)
        setup.units.append(unit_id)
    if year is not None:
        ledger.record(YearOpened(effective_date=date(year, 1, 2), cluster_id=setup.cluster_id, year=year,
                                 movement="Vì an ninh Tổ quốc"), CLERK)
    return setup


# Helpers for the rule tests: facts built without recording them (a refused command
# needs its fact), and the usual steps of a year recorded in one call.

REVIEW_DAY = date(2019, 11, 14)
AWARD_AUTHORITY_SIGNER = "Thiếu tướng Đoàn Ngọc Hùng"
MINISTRY_FLAG = "Cờ thi đua của Bộ Công an"
GOVERNMENT_FLAG = "Cờ thi đua của Chính phủ"
CATALOGUE = {MINISTRY_FLAG: AwardLevel.MINISTRY_FLAG, GOVERNMENT_FLAG: AwardLevel.GOVERNMENT_FLAG,
             "Bằng khen": AwardLevel.CERTIFICATE_OF_MERIT}
"""The award kinds the test authority registers (its catalogue)."""
_DECREE_NUMBERS = count(100)


def criteria_scale() -> tuple[Criterion, ...]:
    """A small scale (thang điểm) with a parent, two children and a decimal maximum."""
    return (
        Criterion(code="1", title="Công tác xây dựng lực lượng", max_points=Decimal("30"), children=(
            Criterion(code="1.1", title="Công tác chính trị", max_points=Decimal("12.50")),
            Criterion(code="1.2", title="Công tác tổ chức", max_points=Decimal("17.50")),
        )),
        Criterion(code="2", title="Kết quả công tác chuyên môn", max_points=Decimal("70")),
    )


def wide_scale(leaves: int) -> tuple[Criterion, ...]:
    """A scale of many top-level criteria "1", "2", ...: room for many scores in one year, one
    self score per unit and criterion."""
    return tuple(Criterion(code=str(n), title=f"Tiêu chí {n}", max_points=Decimal(60))
                 for n in range(1, leaves + 1))


def new_unit(ledger: Ledger, setup: ClusterSetup, name: str = "Phòng ngoài cụm") -> UUID:
    """A unit of the cluster's authority that has not joined the cluster."""
    unit_id = uuid4()
    ledger.record(UnitRegistered(effective_date=START, unit_id=unit_id, name=name,
                                 authority_id=setup.authority_id), CLERK)
    return unit_id


def former_member(ledger: Ledger, setup: ClusterSetup, left_on: date) -> UUID:
    """A unit that joined the cluster in 2015 and left it on `left_on`."""
    unit_id = new_unit(ledger, setup, name="Phòng đã rời cụm")
    ledger.record(UnitJoined(effective_date=START, cluster_id=setup.cluster_id, unit_id=unit_id), CLERK)
    ledger.record(UnitLeft(effective_date=left_on, cluster_id=setup.cluster_id, unit_id=unit_id), CLERK)
    return unit_id


def adopt_pledge(ledger: Ledger, setup: ClusterSetup, year: int = 2019) -> None:
    """The leader drafts the pledge (giao ước) and the members adopt it."""
    ledger.record(PledgeDrafted(effective_date=date(year, 1, 10), cluster_id=setup.cluster_id, year=year,
                                drafted_by_unit_id=setup.units[0], title="Giao ước thi đua"), CLERK)
    ledger.record(PledgeAdopted(effective_date=date(year, 1, 15), cluster_id=setup.cluster_id,
                                year=year), CLERK)


def signing(setup: ClusterSetup, unit_id: UUID, on: date = date(2019, 1, 20),
            year: int = 2019) -> PledgeSigned:
    return PledgeSigned(effective_date=on, cluster_id=setup.cluster_id, year=year, unit_id=unit_id)


def adopt_criteria(ledger: Ledger, setup: ClusterSetup, year: int = 2019) -> CriteriaAdopted:
    fact = CriteriaAdopted(effective_date=date(year, 1, 15), cluster_id=setup.cluster_id, year=year,
                           criteria=criteria_scale())
    ledger.record(fact, CLERK)
    return fact


def score(setup: ClusterSetup, unit_id: UUID, code: str = "1.1", points: str = "10",
          kind: ScoreKind = ScoreKind.SELF, by: UUID | None = None, year: int = 2019) -> ScoreRecorded:
    return ScoreRecorded(effective_date=date(year, 10, 1), cluster_id=setup.cluster_id, year=year,
                         score_id=uuid4(), unit_id=unit_id, criterion_code=code,
                         points=Decimal(points), kind=kind, scored_by_unit_id=by)


def correction(setup: ClusterSetup, corrects: UUID, points: str, year: int = 2019) -> ScoreCorrected:
    return ScoreCorrected(effective_date=date(year, 12, 1), cluster_id=setup.cluster_id, year=year,
                          score_id=uuid4(), corrects_score_id=corrects, points=Decimal(points))


def hold_year_end_review(ledger: Ledger, setup: ClusterSetup, on: date = REVIEW_DAY,
                         year: int = 2019) -> None:
    ledger.record(YearEndReviewHeld(effective_date=on, cluster_id=setup.cluster_id, year=year,
                                    place="Hà Nội", chair=AWARD_AUTHORITY_SIGNER), CLERK)


def election(setup: ClusterSetup, leader: UUID, deputy: UUID | None, on: date = REVIEW_DAY,
             year: int = 2019) -> LeadershipElected:
    return LeadershipElected(effective_date=on, cluster_id=setup.cluster_id, year=year, for_year=year + 1,
                             leader_unit_id=leader, deputy_unit_id=deputy)


def close_year(ledger: Ledger, setup: ClusterSetup, on: date = date(2019, 12, 31), year: int = 2019) -> None:
    ledger.record(YearClosed(effective_date=on, cluster_id=setup.cluster_id, year=year), CLERK)


def handover(setup: ClusterSetup, from_unit: UUID, to_unit: UUID, year: int = 2019) -> RotatingFlagHandedOver:
    return RotatingFlagHandedOver(effective_date=date(year, 11, 14), cluster_id=setup.cluster_id, year=year,
                                  from_unit_id=from_unit, to_unit_id=to_unit)


def register_person(ledger: Ledger, unit_id: UUID, full_name: str = "Nguyễn Văn An") -> UUID:
    person_id = uuid4()
    ledger.record(PersonRegistered(effective_date=START, person_id=person_id, full_name=full_name,
                                   unit_id=unit_id, rank="Thiếu tá"), CLERK)
    return person_id


def collective(unit_id: UUID) -> Recipient:
    return Recipient(kind=RecipientKind.COLLECTIVE, unit_id=unit_id)


def new_decree_no() -> str:
    """A decree number no other test decree has (numbers are unique per authority and year)."""
    return f"{next(_DECREE_NUMBERS)}/QĐ-BCA"


def conferral(setup: ClusterSetup, *recipients: Recipient, award_kind: str = MINISTRY_FLAG,
              year: int = 2019, decree_no: str | None = None) -> AwardConferred:
    return AwardConferred(effective_date=date(year + 1, 1, 20), decree_id=uuid4(),
                          decree_no=decree_no or new_decree_no(),
                          decree_date=date(year + 1, 1, 20), authority_id=setup.authority_id,
                          signer=AWARD_AUTHORITY_SIGNER, award_kind=award_kind, year=year,
                          recipients=recipients, cluster_id=setup.cluster_id)


def revocation(setup: ClusterSetup, conferred: AwardConferred, *recipients: Recipient,
               award_kind: str | None = None) -> AwardRevoked:
    return AwardRevoked(effective_date=date(conferred.year + 1, 6, 1), decree_id=uuid4(),
                        decree_no=new_decree_no(), decree_date=date(conferred.year + 1, 6, 1),
                        authority_id=setup.authority_id, signer=AWARD_AUTHORITY_SIGNER,
                        award_kind=award_kind or conferred.award_kind, year=conferred.year,
                        recipients=recipients, revokes_decree_id=conferred.decree_id)
