"""One cluster's emulation year (năm thi đua): pledge, criteria, drives, reviews,
scores, ballots, honours and the election of next year's leadership."""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import cast
from uuid import UUID, uuid5

from thidua_events.facts import Provenance
from thidua_events.facts.conference import Conference
from thidua_events.facts.year import (
    BallotHeld,
    CommendationsCounted,
    CriteriaAdopted,
    Criterion,
    DriveClosed,
    DriveLaunched,
    DrivesCounted,
    LeadershipElected,
    MidYearReviewHeld,
    PledgeAdopted,
    PledgeDrafted,
    PledgeSigned,
    ScoreCorrected,
    ScoreKind,
    ScoreRecorded,
    UnitsHonoured,
    YearClosed,
    YearEndReviewHeld,
    YearFact,
    YearOpened,
)
from thidua_events.standings import rank_units

from thidua_ledger.domain.cluster import Cluster
from thidua_ledger.domain.entity import Entity, applies
from thidua_ledger.domain.errors import check
from thidua_ledger.domain.score_index import Score, ScoreIndex


def year_id(cluster_id: UUID, year: int) -> UUID:
    """One emulation year per cluster and year: a second opening collides in the store."""
    return uuid5(cluster_id, f"emulation-year-{year}")


def units_named(fact: YearFact) -> set[UUID]:
    """Every unit a year fact names, so the application can check that each still exists."""
    found: set[UUID] = set()
    for name, value in fact:
        if name.endswith("unit_id") and value is not None:
            found.add(value)
        elif name.endswith("unit_ids"):
            found.update(value)
    if isinstance(fact, BallotHeld):
        found.update(vote.unit_id for vote in fact.votes)
    return found


def flatten(criteria: tuple[Criterion, ...]) -> dict[str, Criterion]:
    found: dict[str, Criterion] = {}
    for criterion in criteria:
        check(criterion.code not in found, "criterion-codes-unique", f"code {criterion.code} repeats")
        found[criterion.code] = criterion
        for code, child in flatten(criterion.children).items():
            check(code not in found, "criterion-codes-unique", f"code {code} repeats")
            found[code] = child
    return found


def scale_of(criteria: Mapping[str, Criterion]) -> Decimal:
    """The points of a whole scale: the sum of its top-level criteria (a year's criteria
    change only when adopted, so a year keeps this rather than summing on every score)."""
    children = {child.code for c in criteria.values() for child in c.children}
    return sum((c.max_points for code, c in criteria.items() if code not in children), Decimal(0))


class EmulationYear(Entity):
    # the scores in force by unit and criterion (see score_index), and the scale's maximum
    derived = ("_index", "_scale")

    # DrivesCounted; a class default for years snapshotted before it (unannotated: see Entity.id_field)
    drives_stated = cast(int | None, None)
    # "pledge" / "mid_year_review" / "year_end_review" -> the fact with its conference details
    conferences = cast(Mapping[str, Conference], MappingProxyType({}))
    # state attribute -> the date as stated ("2018", "2018-03") where a source gives no day
    stated_dates = cast(Mapping[str, str], MappingProxyType({}))

    def _dated(self, attribute: str, fact: YearFact) -> date:
        stated = fact.stated_date()
        others = {k: v for k, v in self.stated_dates.items() if k != attribute}
        self.stated_dates = others if isinstance(stated, date) else {**others, attribute: stated}
        return fact.effective_date

    @classmethod
    def id_of(cls, fact: YearFact) -> UUID:  # type: ignore[override,unused-ignore]
        return year_id(fact.cluster_id, fact.year)

    @applies
    def _(self, fact: YearOpened) -> None:
        self.cluster_id = fact.cluster_id
        self.year = fact.year
        self.movement = fact.movement
        self.stated_leader = fact.leader_unit_id
        self.stated_deputy = fact.deputy_unit_id
        self.pledge_drafted_on: date | None = None
        self.pledge_adopted_on: date | None = None
        self.signatures: dict[UUID, date] = {}
        self.criteria: dict[str, Criterion] = {}
        self.drives: dict[int, tuple[str, date, date | None]] = {}
        self.mid_year_review_on: date | None = None
        self.year_end_review_on: date | None = None
        # score id -> (unit, criterion, points, kind, by); corrections are scores too
        self.scores: dict[UUID, Score] = {}
        self.superseded: dict[UUID, UUID] = {}  # corrected score -> its correction
        self._index = ScoreIndex()
        self._scale = Decimal(0)
        self.score_dates: dict[UUID, date] = {}  # score or correction -> its effective date
        self.ballots: dict[UUID, BallotHeld] = {}
        self.honours: list[UnitsHonoured] = []
        self.election: LeadershipElected | None = None
        self.closed_on: date | None = None

    @applies
    def _(self, fact: PledgeDrafted) -> None:
        self.pledge_drafted_on = self._dated("pledge_drafted_on", fact)

    @applies
    def _(self, fact: PledgeAdopted) -> None:
        self.pledge_adopted_on = self._dated("pledge_adopted_on", fact)
        self.conferences = {**self.conferences, "pledge": fact}

    @applies
    def _(self, fact: PledgeSigned) -> None:
        self.signatures[fact.unit_id] = fact.effective_date

    @applies
    def _(self, fact: CriteriaAdopted) -> None:
        self.criteria = flatten(fact.criteria)
        self._scale = scale_of(self.criteria)

    @applies
    def _(self, fact: DriveLaunched) -> None:
        self.drives[fact.drive_no] = (fact.title, fact.effective_date, None)

    @applies
    def _(self, fact: DrivesCounted) -> None:
        self.drives_stated = fact.count

    @applies
    def _(self, fact: DriveClosed) -> None:
        if fact.drive_no not in self.drives:
            # Only in a view as of a date that leaves out a launch dated after its closing
            # (history recorded before the rule close-after-launch): nothing to close.
            return
        title, launched, _ = self.drives[fact.drive_no]
        self.drives[fact.drive_no] = (title, launched, fact.effective_date)

    @applies
    def _(self, fact: MidYearReviewHeld) -> None:
        self.mid_year_review_on = self._dated("mid_year_review_on", fact)
        self.conferences = {**self.conferences, "mid_year_review": fact}

    @applies
    def _(self, fact: YearEndReviewHeld) -> None:
        self.year_end_review_on = self._dated("year_end_review_on", fact)
        self.conferences = {**self.conferences, "year_end_review": fact}

    @applies
    def _(self, fact: ScoreRecorded) -> None:
        self._score(fact.score_id, (fact.unit_id, fact.criterion_code, fact.points, fact.kind,
                                    fact.scored_by_unit_id))
        self.score_dates[fact.score_id] = fact.effective_date

    def _score(self, score_id: UUID, score: Score) -> None:
        scores = self.scores
        known = len(scores)
        scores[score_id] = score  # (the length tells a new id: a UUID hashes in Python, once a look-up)
        if len(scores) == known:  # a score id recorded twice (refused now: score-id-unique)
            self.rebuild_derived()
        elif score_id not in self.superseded:
            self._index.add(score_id, score)

    def rebuild_derived(self) -> None:
        self._index = ScoreIndex.of(self.scores, self.superseded)
        self._scale = scale_of(self.criteria)

    @applies
    def _(self, fact: ScoreCorrected) -> None:
        corrected = self.scores.get(fact.corrects_score_id)
        if corrected is None:
            # Only in a view as of a date: the correction is dated before the score it corrects,
            # which that view leaves out, and a correction of nothing changes nothing.
            return
        unit, criterion, _, kind, by = corrected
        self.superseded[fact.corrects_score_id] = fact.score_id
        self._index.drop(fact.corrects_score_id, corrected)
        self._score(fact.score_id, (unit, criterion, fact.points, kind, by))
        self.score_dates[fact.score_id] = fact.effective_date

    @applies
    def _(self, fact: BallotHeld) -> None:
        self.ballots[fact.ballot_id] = fact

    @applies
    def _(self, fact: UnitsHonoured) -> None:
        self.honours.append(fact)

    @applies
    def _(self, fact: LeadershipElected) -> None:
        self.election = fact

    @applies
    def _(self, fact: CommendationsCounted) -> None:
        pass  # a stated total; read from the log by the award register

    @applies
    def _(self, fact: YearClosed) -> None:
        self.closed_on = self._dated("closed_on", fact)

    # Queries

    def current_scores(self) -> dict[UUID, Score]:
        """Scores in force: every recorded score not replaced by a correction."""
        return {sid: s for sid, s in self.scores.items() if sid not in self.superseded}

    def scale_maximum(self) -> Decimal:
        """The points of the whole scale (thang điểm): the sum of its top-level criteria."""
        return self._scale

    def totals_with(self, unit_id: UUID, score_id: UUID, score: Score, replacing: UUID | None = None) -> Decimal:
        """The unit's total as the standings would give it once `score` is in force."""
        if score_id in self.scores:  # (the rules refuse a score id twice; kept for its place in the order)
            scores = self.current_scores()
            scores.pop(replacing, None)  # type: ignore[arg-type]
            scores[score_id] = score
            ranked = rank_units((u, c, p, k) for u, c, p, k, _ in scores.values() if u == unit_id)
            return ranked[0].total if ranked else Decimal(0)
        replaced = self.scores.get(replacing) if replacing is not None and replacing not in self.superseded else None
        return self._index.total_with(unit_id, score_id, score,
                                      None if replaced is None or replacing is None else (replacing, replaced))

    # Verbs

    def check_fact_belongs(self, fact: YearFact) -> None:
        check((fact.cluster_id, fact.year) == (self.cluster_id, self.year), "fact-names-its-year",
              f"the fact is for {fact.cluster_id}/{fact.year}, not this year")

    def check_open(self, fact: YearFact) -> None:
        check(self.closed_on is None, "closed-year-accepts-only-corrections-with-reason",
              f"{self.year} was closed on {self.closed_on}")

    def accept(self, fact: YearFact, provenance: Provenance, cluster: Cluster) -> None:
        """Check a fact against the rules of the year, then record it."""
        self.check_fact_belongs(fact)
        if isinstance(fact, ScoreCorrected):
            check(self.closed_on is None or bool(provenance.reason),
                  "closed-year-accepts-only-corrections-with-reason",
                  f"{self.year} was closed on {self.closed_on}: a correction must give its reason")
        else:
            self.check_open(fact)
        self._check(fact, cluster)
        self.record(fact, provenance)

    def _check(self, fact: YearFact, cluster: Cluster) -> None:
        year = self.year
        match fact:
            case PledgeDrafted():
                if fact.drafted_by_unit_id:
                    cluster.check_member(fact.drafted_by_unit_id, year, "the drafting unit")
            case PledgeAdopted():
                check(self.pledge_drafted_on is not None, "adopt-a-drafted-pledge",
                      "no pledge draft is recorded for this year")
                check(self.pledge_drafted_on is None or fact.effective_date >= self.pledge_drafted_on,
                      "adopt-after-drafting", f"the pledge was drafted on {self.pledge_drafted_on}")
                check(self.pledge_adopted_on is None, "adopt-once", "the pledge is already adopted")
            case PledgeSigned():
                cluster.check_member(fact.unit_id, year, "the signing unit")
                self.check_signed_after_drafting(fact)
                check(self.pledge_adopted_on is not None, "sign-an-adopted-pledge",
                      "the pledge must be adopted before units sign it")
                check(self.pledge_adopted_on is None or fact.effective_date >= self.pledge_adopted_on,
                      "sign-after-adoption", f"the pledge was adopted on {self.pledge_adopted_on}")
                check(fact.unit_id not in self.signatures, "sign-once",
                      f"unit {fact.unit_id} already signed on {self.signatures.get(fact.unit_id)}")
            case CriteriaAdopted():
                check(not self.criteria, "adopt-criteria-once", "the criteria are already adopted")
                flatten(fact.criteria)
            case DriveLaunched():
                check(fact.drive_no not in self.drives, "launch-drive-once",
                      f"drive {fact.drive_no} is already launched")
            case DrivesCounted():
                check(self.drives_stated is None, "count-drives-once",
                      f"{self.drives_stated} drives are stated for {year} already; correct that fact instead")
            case DriveClosed():
                drive = self.drives.get(fact.drive_no)
                check(drive is not None, "close-a-launched-drive", f"drive {fact.drive_no} was not launched")
                check(drive is None or drive[2] is None, "close-drive-once",
                      f"drive {fact.drive_no} is already closed")
                self.check_closed_after_launch(fact)
            case MidYearReviewHeld():
                check(self.mid_year_review_on is None, "one-mid-year-review", "already held")
            case YearEndReviewHeld():
                check(self.year_end_review_on is None, "one-year-end-review", "already held")
            case ScoreRecorded():
                self._check_score(fact, cluster)
            case ScoreCorrected():
                self._check_correction(fact)
            case BallotHeld():
                check(fact.ballot_id not in self.ballots, "ballot-once", "this ballot is already recorded")
                for vote in fact.votes:
                    cluster.check_member(vote.unit_id, year, "the candidate")
            case UnitsHonoured():
                for unit_id in fact.unit_ids:
                    cluster.check_member(unit_id, year, "the honoured unit")
                check(fact.ballot_id is None or fact.ballot_id in self.ballots, "honour-names-a-ballot",
                      f"ballot {fact.ballot_id} is not recorded in {year}")
                if fact.ballot_id is not None:
                    self.check_honour_carried_by_the_ballot(fact, self.ballots[fact.ballot_id], cluster)
            case LeadershipElected():
                self._check_election(fact, cluster)
            case YearClosed():
                pass  # check_open already refuses a second closing

    def _check_score(self, fact: ScoreRecorded, cluster: Cluster) -> None:
        cluster.check_member(fact.unit_id, self.year, "the scored unit")
        check(fact.score_id not in self.scores, "score-id-unique", f"score {fact.score_id} exists")
        criterion = self.criteria.get(fact.criterion_code)
        check(criterion is not None, "score-an-adopted-criterion",
              f"criterion {fact.criterion_code} is not among the adopted criteria of {self.year}")
        assert criterion is not None  # for the type checker; check() raised otherwise
        self.check_a_leaf_is_scored(criterion)
        check(fact.points <= criterion.max_points, "score-within-maximum",
              f"{fact.points} exceeds the maximum {criterion.max_points} of criterion {criterion.code}")
        if fact.kind is ScoreKind.CROSS:
            check(fact.scored_by_unit_id is not None and fact.scored_by_unit_id != fact.unit_id,
                  "cross-score-by-another-member", "a cross score names another member as scorer")
            assert fact.scored_by_unit_id is not None  # checked just above
            cluster.check_member(fact.scored_by_unit_id, self.year, "the inspecting unit")
        else:
            check(fact.scored_by_unit_id in (None, fact.unit_id), "self-score-by-the-unit",
                  "a self score is given by the scored unit")
        self.check_one_score_per_scorer(fact)
        self.check_total_within_scale(fact.unit_id, fact.score_id, (
            fact.unit_id, fact.criterion_code, fact.points, fact.kind, fact.scored_by_unit_id))

    def check_a_leaf_is_scored(self, criterion: Criterion) -> None:
        """A parent's points are the sum of its children's: scoring it as well counts them twice
        (a unit totalled 143 on a 100-point scale)."""
        check(not criterion.children, "score-a-leaf-criterion",
              f"criterion {criterion.code} has sub-criteria "
              f"({', '.join(child.code for child in criterion.children)}): score those; its points "
              "are their sum")

    def check_one_score_per_scorer(self, fact: ScoreRecorded) -> None:
        """One self score per unit and criterion, one cross score per inspecting unit, unit and
        criterion: a second entry would be averaged in, or silently replace the first."""
        by = fact.scored_by_unit_id if fact.kind is ScoreKind.CROSS else None
        for score_id, (unit, code, _, kind, scorer) in self._index.in_force(fact.unit_id, fact.criterion_code):
            if kind is not fact.kind:
                continue
            if kind is ScoreKind.SELF:
                check(False, "one-self-score-per-unit-and-criterion",
                      f"unit {unit} already has a self score for criterion {code} (score {score_id}); "
                      "to change it, record a ScoreCorrected naming that score")
            check(scorer != by, "one-cross-score-per-inspector-unit-and-criterion",
                  f"unit {by} already cross-scored unit {unit} on criterion {code} (score {score_id}); "
                  "to change it, record a ScoreCorrected naming that score")

    def check_total_within_scale(self, unit_id: UUID, score_id: UUID, score: Score,
                                 replacing: UUID | None = None) -> None:
        total, scale = self.totals_with(unit_id, score_id, score, replacing), self.scale_maximum()
        check(total <= scale, "total-within-scale",
              f"unit {unit_id} would total {total} on a {scale}-point scale")

    def _check_correction(self, fact: ScoreCorrected) -> None:
        check(fact.score_id not in self.scores, "score-id-unique", f"score {fact.score_id} exists")
        corrected = self.scores.get(fact.corrects_score_id)
        check(corrected is not None, "correction-references-a-score",
              f"score {fact.corrects_score_id} is not recorded in {self.year}")
        check(fact.corrects_score_id not in self.superseded, "correct-the-current-value",
              f"score {fact.corrects_score_id} was already corrected by "
              f"{self.superseded.get(fact.corrects_score_id)}; correct that one")
        assert corrected is not None
        self.check_corrected_after_the_score(fact)
        criterion = self.criteria[corrected[1]]
        check(fact.points <= criterion.max_points, "score-within-maximum",
              f"{fact.points} exceeds the maximum {criterion.max_points} of criterion {criterion.code}")
        unit, code, _, kind, by = corrected
        self.check_total_within_scale(unit, fact.score_id, (unit, code, fact.points, kind, by),
                                      replacing=fact.corrects_score_id)

    # Causal dates: nothing is dated before what it depends on.

    def check_corrected_after_the_score(self, fact: ScoreCorrected) -> None:
        scored_on = self.score_dates.get(fact.corrects_score_id)
        check(scored_on is None or fact.effective_date >= scored_on, "correction-after-the-score",
              f"score {fact.corrects_score_id} is dated {scored_on}; its correction cannot come before")

    def check_closed_after_launch(self, fact: DriveClosed) -> None:
        drive = self.drives.get(fact.drive_no)
        check(drive is None or fact.effective_date >= drive[1], "close-after-launch",
              f"drive {fact.drive_no} was launched on {drive[1] if drive else None}")

    def check_signed_after_drafting(self, fact: PledgeSigned) -> None:
        drafted = self.pledge_drafted_on
        check(drafted is None or fact.effective_date >= drafted, "sign-after-drafting",
              f"the pledge was drafted on {drafted}; no unit signs it before")

    # Honours (bình xét, suy tôn) carried by a ballot

    def check_honour_carried_by_the_ballot(self, fact: UnitsHonoured, ballot: BallotHeld,
                                           cluster: Cluster) -> None:
        """Each unit honoured citing a ballot stood in it and reached the share of ballots the
        cluster's regulation states (entered by the clerk; no law states it). No votes never
        carries an honour, whatever the regulation says."""
        check(fact.effective_date >= ballot.effective_date, "honour-after-the-ballot",
              f"ballot {ballot.ballot_id} was held on {ballot.effective_date}")
        votes = {vote.unit_id: vote.votes for vote in ballot.votes}
        threshold = cluster.honour_threshold_on(ballot.effective_date)
        for unit_id in fact.unit_ids:
            check(unit_id in votes, "honoured-unit-is-a-candidate",
                  f"unit {unit_id} is not a candidate in ballot {ballot.ballot_id}")
            received = votes[unit_id]
            check(received > 0 and (threshold is None or threshold.reached(received, ballot)),
                  "honour-reaches-the-ballot-threshold",
                  f"unit {unit_id} received {received} of {ballot.valid} valid ballots; the regulation "
                  f"requires {threshold.describe() if threshold else 'at least one vote'}")

    def _check_election(self, fact: LeadershipElected, cluster: Cluster) -> None:
        cluster.check_member(fact.leader_unit_id, self.year, "the leader")
        if fact.deputy_unit_id is not None:
            cluster.check_member(fact.deputy_unit_id, self.year, "the deputy")
        check(self.election is None, "elect-once", f"leadership for {self.year + 1} is already elected")
        review = self.year_end_review_on
        check(review is not None and fact.effective_date >= review,
              "election-at-or-after-year-end-review",
              f"the year-end review of {self.year} is "
              + (f"on {review}" if review else "not recorded yet"))
