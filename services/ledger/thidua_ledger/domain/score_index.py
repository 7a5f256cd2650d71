"""An index of a year's scores in force, so that each score rule is a lookup, not a scan.

A year with a long history holds thousands of scores, and the rules a new score is checked
against (one self score per unit and criterion, one cross score per inspecting unit, the
unit's total within the scale) scanned every one of them on every command: most of a
command's cost. The index holds the same scores in force, by unit and criterion, with the
points each criterion counts for its unit. It is derived from the year's `scores` and
`superseded` alone: kept by the folds, left out of snapshots, rebuilt when one is read, and
never consulted for anything those would answer differently (tests/unit/test_score_index.py
checks it against a plain scan for any history).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Context, Decimal
from uuid import UUID

from thidua_events.facts.year import ScoreKind
from thidua_events.standings import CENT

Score = tuple[UUID, str, Decimal, ScoreKind, UUID | None]
"""(unit, criterion, points, kind, cross scorer), as the year keeps it."""


Tally = tuple[Decimal, int, Decimal | None]
"""(sum of the cross scores, how many, the last self score): what `counted` adds up."""


def tally_of(scores: Iterable[Score]) -> Tally:
    cross, many, own = Decimal(0), 0, None
    for _, _, points, kind, _ in scores:
        if kind is ScoreKind.CROSS:
            cross, many = cross + points, many + 1
        else:
            own = points
    return cross, many, own


def counted(scores: Iterable[Score]) -> Decimal | None:
    """The points one unit's criterion counts, from its scores in force in recording order:
    the mean of the cross scores where there are any, else the (last) self score; as
    `thidua_events.standings.rank_units` counts them."""
    cross, many, own = tally_of(scores)
    return cross / many if many else own


EXACT = Context(prec=80)
"""Wide enough that adding and taking away points (each at most 28 digits, as Decimal's
default context leaves a mean) never rounds: a unit's running total is the exact sum of its
criteria's points however many scores came and went, rounded once, to the cent, when read."""


NOTHING: Tally = (Decimal(0), 0, None)
"""The tally of a slot with no score in force."""


Key = tuple[int, str]
"""(a unit's id as an int, a criterion). The index is keyed by the ids' ints, which hash in
C: a `uuid.UUID` hashes in Python on every look-up, a dozen times per score folded."""


@dataclass
class ScoreIndex:
    # (unit, criterion) -> its scores in force, in recording order, by score id (as an int)
    slots: dict[Key, dict[int, tuple[UUID, Score]]] = field(default_factory=dict)
    # unit (as an int) -> criterion -> the points it counts (see `counted`)
    points: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    # unit (as an int) -> the exact sum of its `points`, kept as they change (so no rule sums them)
    totals: dict[int, Decimal] = field(default_factory=dict)
    # (unit, criterion) -> (sum of its cross scores, how many, its last self score): what
    # `counted` adds up, kept as scores are added, so a year of thousands of scores folds in
    # time linear in them (recounting a slot on every score was a replay's slowest step)
    tally: dict[Key, Tally] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, scores: Mapping[UUID, Score], superseded: Mapping[UUID, UUID]) -> "ScoreIndex":
        """Built at once, as a year read from a snapshot needs it: each slot counted and each
        unit summed once (adding the scores one by one counts a slot again on each)."""
        index = cls()
        slots = index.slots
        for score_id, score in scores.items():
            if score_id not in superseded:
                key = (score[0].int, score[1])
                slot = slots.get(key)
                if slot is None:
                    slots[key] = {score_id.int: (score_id, score)}
                else:
                    slot[score_id.int] = (score_id, score)
        for key, slot in slots.items():
            cross, many, own = index.tally[key] = tally_of(score for _, score in slot.values())
            points = cross / many if many else own
            if points is not None:
                index.points.setdefault(key[0], {})[key[1]] = points
        for unit, unit_points in index.points.items():
            total = Decimal(0)
            for points in unit_points.values():
                total = EXACT.add(total, points)
            index.totals[unit] = total
        return index

    def add(self, score_id: UUID, score: Score) -> None:
        key = (score[0].int, score[1])
        number = score_id.int
        slot = self.slots.get(key)
        if slot is None:
            slot = self.slots[key] = {}
        tally = self.tally.get(key)
        if number in slot or (slot and tally is None):  # not appended last: count it all
            slot[number] = (score_id, score)
            self._count(key)
            return
        slot[number] = (score_id, score)
        cross, many, own = NOTHING if tally is None else tally
        if score[3] is ScoreKind.CROSS:
            cross, many = cross + score[2], many + 1
        else:
            own = score[2]
        self._set(key, (cross, many, own))

    def drop(self, score_id: UUID, score: Score) -> None:
        """Take one score out of force (a ScoreCorrected names it): out of its slot's tally,
        not by counting the slot again, which cost a replay a slot of hundreds of scores on
        every score correction. Points have at most 7 digits, so the sums are exact and
        taking one away leaves what adding the others gives."""
        key = (score[0].int, score[1])
        slot = self.slots.get(key)
        dropped = None if slot is None else slot.pop(score_id.int, None)
        if slot is None or dropped is None:
            return
        if not slot:
            del self.slots[key]
        tally = self.tally.get(key)
        if tally is None:
            self._count(key)
            return
        cross, many, own = tally
        _, _, points, kind, _ = dropped[1]
        if kind is ScoreKind.CROSS:
            cross, many = (cross - points, many - 1) if many > 1 else (Decimal(0), 0)
        else:  # the slot's last self score now (one, under the rule one-self-score-per-unit)
            own = next((s[2] for _, s in reversed(slot.values()) if s[3] is not ScoreKind.CROSS), None)
        self._set(key, (cross, many, own))

    def _count(self, key: Key) -> None:
        self._set(key, tally_of(score for _, score in self.slots.get(key, {}).values()))

    def _set(self, key: Key, tally: Tally) -> None:
        unit, criterion = key
        cross, many, own = self.tally[key] = tally
        points = cross / many if many else own
        unit_points = self.points.setdefault(unit, {})
        was = unit_points.pop(criterion, None)
        if points is not None:
            unit_points[criterion] = points
        else:
            self.tally.pop(key)
        if not unit_points:
            del self.points[unit]
            self.totals.pop(unit, None)
        elif was != points:
            total = self.totals.get(unit, Decimal(0))
            if was is not None:
                total = EXACT.subtract(total, was)
            self.totals[unit] = total if points is None else EXACT.add(total, points)

    def in_force(self, unit: UUID, criterion: str) -> Iterable[tuple[UUID, Score]]:
        """The unit's scores in force on one criterion, in recording order."""
        return self.slots.get((unit.int, criterion), {}).values()

    def total_with(self, unit: UUID, score_id: UUID, score: Score,
                   replacing: tuple[UUID, Score] | None = None) -> Decimal:
        """The unit's total, to the cent, once `score` (a new id) is in force in place of
        `replacing`, if any."""
        number = unit.int
        changed: dict[str, dict[int, tuple[UUID, Score]]] = {}
        if replacing is not None and replacing[1][0] == unit:
            slot = changed[replacing[1][1]] = dict(self.slots.get((number, replacing[1][1]), {}))
            slot.pop(replacing[0].int, None)
        if score[0] == unit:
            slot = changed.setdefault(score[1], dict(self.slots.get((number, score[1]), {})))
            slot[score_id.int] = (score_id, score)
        unit_points = self.points.get(number, {})
        total = self.totals.get(number, Decimal(0))
        found = len(unit_points) > sum(1 for criterion in changed if criterion in unit_points)
        for criterion, slot in changed.items():
            was = unit_points.get(criterion)
            if was is not None:
                total = EXACT.subtract(total, was)
            now = counted(score for _, score in slot.values())
            if now is not None:
                total, found = EXACT.add(total, now), True
        return total.quantize(CENT) if found else Decimal(0)
