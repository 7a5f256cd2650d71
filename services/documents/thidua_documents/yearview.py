"""One cluster's emulation year folded from its facts, and its standings.

The ledger has the same reading; the documents service keeps its own because it
imports only the event contract, never ledger code.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from uuid import UUID

from thidua_events.facts import Fact
from thidua_events.facts import cluster as cf
from thidua_events.facts import year as yf

STANDINGS_METHOD = (
    "Per unit and criterion: the mean of the cross-inspection scores where there are any, "
    "else the self score; corrected scores replace what they correct."
)


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
    return record


@dataclass(frozen=True)
class Standing:
    rank: int
    unit_id: UUID
    self_total: Decimal
    cross_total: Decimal | None  # None: no member inspected this unit
    total: Decimal
    tied: bool


def standings(record: YearRecord) -> list[Standing]:
    """Units ranked by total; equal totals share a rank and are marked tied. Order within a
    tie is left to the caller (names sort the Vietnamese way)."""
    cross: dict[tuple[UUID, str], list[Decimal]] = defaultdict(list)
    own: dict[tuple[UUID, str], Decimal] = {}
    for score in record.current_scores():
        key = (score.unit_id, score.criterion_code)
        if score.kind is yf.ScoreKind.CROSS:
            cross[key].append(score.points)
        else:
            own[key] = score.points
    totals: dict[UUID, Decimal] = defaultdict(Decimal)
    self_totals: dict[UUID, Decimal] = defaultdict(Decimal)
    cross_totals: dict[UUID, Decimal] = {}
    for key in set(cross) | set(own):
        unit = key[0]
        if key in own:
            self_totals[unit] += own[key]
        if cross.get(key):
            mean = sum(cross[key], Decimal(0)) / len(cross[key])
            cross_totals[unit] = cross_totals.get(unit, Decimal(0)) + mean
            totals[unit] += mean
        else:
            totals[unit] += own[key]
    cent = Decimal("0.01")
    rounded = {unit: total.quantize(cent) for unit, total in totals.items()}
    result = []
    for unit, total in rounded.items():
        rank = 1 + sum(1 for other in rounded.values() if other > total)
        tied = sum(1 for other in rounded.values() if other == total) > 1
        cross_total = cross_totals.get(unit)
        result.append(Standing(rank, unit, self_totals[unit].quantize(cent),
                               None if cross_total is None else cross_total.quantize(cent), total, tied))
    return sorted(result, key=lambda s: (s.rank, str(s.unit_id)))
