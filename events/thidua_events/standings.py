"""How a year's scores become standings: one rule, shared by the ledger and the documents
service so that the API and the printed report can never rank units differently."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from thidua_events.facts.year import ScoreKind

STANDINGS_METHOD = (
    "Per unit and criterion: the mean of the cross-inspection scores where there are any, "
    "else the self score; corrected scores replace what they correct. Units are ranked by "
    "their total; equal totals share a rank, are marked tied and listed in name order."
)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Standing:
    rank: int
    unit_id: UUID
    self_total: Decimal
    cross_total: Decimal | None  # None: no member inspected this unit
    total: Decimal
    tied: bool


def rank_units(scores: Iterable[tuple[UUID, str, Decimal, ScoreKind]]) -> list[Standing]:
    """Standings from the scores in force (unit, criterion, points, kind), highest first.
    Totals are rounded to the cent before ranking, so a tie is what the reader sees; the
    order within a tie is left to the caller (names sort the Vietnamese way)."""
    cross: dict[tuple[UUID, str], list[Decimal]] = defaultdict(list)
    own: dict[tuple[UUID, str], Decimal] = {}
    for unit_id, criterion, points, kind in scores:
        if kind is ScoreKind.CROSS:
            cross[(unit_id, criterion)].append(points)
        else:
            own[(unit_id, criterion)] = points
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
    rounded = {unit: total.quantize(CENT) for unit, total in totals.items()}
    result = []
    for unit, total in rounded.items():
        rank = 1 + sum(1 for other in rounded.values() if other > total)
        tied = sum(1 for other in rounded.values() if other == total) > 1
        cross_total = cross_totals.get(unit)
        result.append(Standing(rank, unit, self_totals[unit].quantize(CENT),
                               None if cross_total is None else cross_total.quantize(CENT), total, tied))
    return sorted(result, key=lambda s: (s.rank, str(s.unit_id)))
