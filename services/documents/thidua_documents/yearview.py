"""One cluster's emulation year folded from its facts, and its standings (ranked by the
contract's shared rule, so the printed report agrees with the ledger's API)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from uuid import UUID

from thidua_events.facts import Fact
from thidua_events.facts import cluster as cf
from thidua_events.facts import year as yf
from thidua_events.standings import Standing, rank_units


@dataclass(frozen=True)
class Score:
    unit_id: UUID
    criterion_code: str
    points: Decimal
    kind: yf.ScoreKind


@dataclass
class YearRecord:
    movement: str | None = None
    pledge: yf.PledgeDrafted | None = None
    pledge_adopted_on: date | None = None
    pledge_conference: yf.PledgeAdopted | None = None  # place, chair, officials present, summary
    signatures: dict[UUID, yf.PledgeSigned] = field(default_factory=dict)
    criteria: tuple[yf.Criterion, ...] = ()
    drives: dict[int, tuple[yf.DriveLaunched, date | None]] = field(default_factory=dict)
    mid_year_review: yf.MidYearReviewHeld | None = None
    review: yf.YearEndReviewHeld | None = None
    scores: dict[UUID, Score] = field(default_factory=dict)
    superseded: set[UUID] = field(default_factory=set)
    ballots: list[yf.BallotHeld] = field(default_factory=list)
    honours: list[yf.UnitsHonoured] = field(default_factory=list)
    election: yf.LeadershipElected | None = None
    commendations: list[yf.CommendationsCounted] = field(default_factory=list)
    handovers: list[cf.RotatingFlagHandedOver] = field(default_factory=list)
    members_stated: int | None = None  # "8 đơn vị": stated, named or not
    drives_stated: int | None = None  # "4 đợt thi đua"

    def current_scores(self) -> list[Score]:
        return [score for sid, score in self.scores.items() if sid not in self.superseded]


def fold(facts: list[Fact]) -> YearRecord:
    record = YearRecord()
    for fact in facts:
        match fact:
            case yf.YearOpened():
                record.movement = fact.movement
            case yf.PledgeDrafted():
                record.pledge = fact
            case yf.PledgeAdopted():
                record.pledge_adopted_on = fact.effective_date
                record.pledge_conference = fact
            case yf.PledgeSigned():
                record.signatures[fact.unit_id] = fact
            case yf.CriteriaAdopted():
                record.criteria = fact.criteria
            case yf.DriveLaunched():
                record.drives[fact.drive_no] = (fact, None)
            case yf.DriveClosed() if fact.drive_no in record.drives:
                record.drives[fact.drive_no] = (record.drives[fact.drive_no][0], fact.effective_date)
            case yf.MidYearReviewHeld():
                record.mid_year_review = fact
            case yf.YearEndReviewHeld():
                record.review = fact
            case yf.ScoreRecorded():
                record.scores[fact.score_id] = Score(fact.unit_id, fact.criterion_code, fact.points, fact.kind)
            case yf.ScoreCorrected() if fact.corrects_score_id in record.scores:
                old = record.scores[fact.corrects_score_id]
                record.scores[fact.score_id] = Score(old.unit_id, old.criterion_code, fact.points, old.kind)
                record.superseded.add(fact.corrects_score_id)
            case yf.BallotHeld():
                record.ballots.append(fact)
            case yf.UnitsHonoured():
                record.honours.append(fact)
            case yf.LeadershipElected():
                record.election = fact
            case yf.CommendationsCounted():
                record.commendations.append(fact)
            case cf.RotatingFlagHandedOver():
                record.handovers.append(fact)
            case cf.MembersCounted():
                record.members_stated = fact.count
            case yf.DrivesCounted():
                record.drives_stated = fact.count
    return record


def standings(record: YearRecord) -> list[Standing]:
    """Units ranked by total; equal totals share a rank and are marked tied. Order within a
    tie is left to the caller (names sort the Vietnamese way)."""
    return rank_units((s.unit_id, s.criterion_code, s.points, s.kind) for s in record.current_scores())
