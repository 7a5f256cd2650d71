"""What changed between two moments of the ledger, in words an auditor reads: members,
leader, deputy, flag, scores, standings, honours and awards of a cluster-year, or the
entries of the award register. Each change names the event that made it.

A state is flattened into items, (section, item) -> value. The events recorded between the
two positions on the entities the view reads are stepped through one at a time; the items
that differ across one event are that event's changes. The steps are few (an auditor's
window), each a read at a past position, so the diff is exact rather than inferred.
"""

from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from thidua_ledger.application import Ledger
from thidua_ledger.audit.clocks import Clock, load
from thidua_ledger.award_register import StoredAwardRegister
from thidua_ledger.domain.errors import NotFound
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.projections import AwardEntry
from thidua_ledger.queries import cluster_in_year, standings, unit_ref

Items = dict[tuple[str, str], str]

SECTIONS = {"members": "Thành viên", "leader": "Cụm trưởng", "deputy": "Cụm phó", "flag_holder": "Giữ cờ luân lưu",
            "flag_handed_to": "Cờ luân lưu trao cho", "scores": "Điểm", "standings": "Xếp hạng",
            "honours": "Suy tôn", "awards": "Khen thưởng", "stated_counts": "Số lượng nêu"}


class Change(BaseModel):
    section: str = Field(description="members, leader, deputy, flag_holder, flag_handed_to, scores, "
                                     "standings, honours, awards, stated_counts")
    section_title: str
    item: str = Field(description="What in the section changed (a unit, a unit and criterion, an award)")
    before: str | None = Field(description="None: the item was not there")
    after: str | None = Field(description="None: the item is no longer there")
    event_id: str = Field(description="<entity_id>:<version> of the fact that made the change")
    position: int


class ChangesPublic(BaseModel):
    from_position: int
    to_position: int
    changes: list[Change]


def _name(ledger: Ledger, unit_id: UUID | None, clock: Clock, year: int) -> str:
    from datetime import date

    ref = unit_ref(ledger, unit_id, min(date(year, 12, 31), ledger.today()), clock)
    return ref.name if ref else ""


def _award_items(ledger: Ledger, register: StoredAwardRegister, entries: Iterable[AwardEntry],
                 clock: Clock) -> Items:
    items: Items = {}
    for e in entries:
        who = _name(ledger, e.unit_id, clock, e.year) if e.unit_id else f"cá nhân {e.person_id}"
        status = f"thu hồi theo {e.revoked_by_decree_no}" if e.revoked_by_decree_no else "có hiệu lực"
        items[("awards", f"{e.award_kind} · {who} · QĐ {e.decree_no}")] = status
    return items


def cluster_year_items(ledger: Ledger, register: StoredAwardRegister, cluster_id: UUID, year: int,
                       clock: Clock) -> tuple[Items, set[UUID]]:
    """The flattened state and the entities it was read from."""
    items: Items = {}
    entities: set[UUID] = {cluster_id, year_id(cluster_id, year), year_id(cluster_id, year - 1)}
    try:
        view = cluster_in_year(ledger, cluster_id, year, clock)
    except NotFound:
        return items, entities
    for m in view.members:
        items[("members", m.name)] = "thành viên"
        entities.add(m.unit_id)
    for role in ("leader", "deputy", "flag_holder", "flag_handed_to"):
        if ref := getattr(view, role):
            items[(role, "")] = ref.name
    try:
        record = load(ledger, EmulationYear, year_id(cluster_id, year), clock)
        ranked = standings(ledger, cluster_id, year, clock)
    except NotFound:
        record = None
    if record is not None:
        for unit_id, criterion, points, _kind, _ in record.current_scores().values():
            items[("scores", f"{_name(ledger, unit_id, clock, year)} · {criterion}")] = _number(points)
            entities.add(unit_id)
        for s in ranked.standings:
            items[("standings", s.unit.name)] = f"hạng {s.rank}{' (đồng hạng)' if s.tied else ''}, " \
                                                 f"tổng {_number(s.total)}"
        for h in record.honours:
            names = ", ".join(_name(ledger, u, clock, year) for u in h.unit_ids)
            items[("honours", h.title)] = names
    awards = register.query(cluster_id=cluster_id, year=year, clock=clock)
    items.update(_award_items(ledger, register, awards.awards, clock))
    entities.update(e.decree_id for e in awards.awards)
    for c in awards.stated_counts:
        items[("stated_counts", c.award_kind or "khen thưởng")] = \
            f"{c.collectives if c.collectives is not None else '—'} tập thể, " \
            f"{c.individuals if c.individuals is not None else '—'} cá nhân"
    return items, entities


def award_items(ledger: Ledger, register: StoredAwardRegister, filters: dict[str, Any],
                clock: Clock) -> tuple[Items, set[UUID]]:
    awards = register.query(clock=clock, **filters)
    items = _award_items(ledger, register, awards.awards, clock)
    entities = {e.decree_id for e in awards.awards}
    for c in awards.stated_counts:
        items[("stated_counts", f"{c.award_kind or 'khen thưởng'} · {c.year}")] = \
            f"{c.collectives if c.collectives is not None else '—'} tập thể, " \
            f"{c.individuals if c.individuals is not None else '—'} cá nhân"
        entities.add(year_id(c.cluster_id, c.year))
    return items, entities


def _number(value: Any) -> str:
    text = str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


Reader = Callable[[Clock], tuple[Items, set[UUID]]]


def changes_between(ledger: Ledger, read: Reader, before: int, after: int,
                    every_event: bool = False) -> ChangesPublic:
    """The changes from `before` to `after` (log positions), each named by its event.

    The events stepped through are those on the entities either state was read from (or, with
    `every_event`, every event: for a view whose entities a new fact can add, like the register)."""
    old, old_entities = read(Clock(known_at=before))
    new, new_entities = read(Clock(known_at=after))
    entities = {str(e) for e in old_entities | new_entities}
    rows = ledger.recorder.query(  # type: ignore[attr-defined]
        "SELECT position, originator_id, originator_version FROM {chain} WHERE position > ? AND position <= ? "
        "ORDER BY position", (before, after))
    steps = [(int(p), f"{o}:{v}") for p, o, v in rows if every_event or str(o) in entities]
    found: list[Change] = []
    if len(steps) <= LINEAR_STEPS:
        previous = old
        for index, (position, event_id) in enumerate(steps):
            current = new if index == len(steps) - 1 else read(Clock(known_at=position))[0]
            found += _differences(previous, current, event_id, position)
            previous = current
    else:
        _bisect(read, steps, old, new, found)
    return ChangesPublic(from_position=before, to_position=after, changes=found)


LINEAR_STEPS = 64
"""Up to this many events, each is stepped through; beyond, the window is halved while its
two ends differ, which finds every change whose effect outlasts its half (a change undone
within the same half is not seen: the ends agree)."""


def _bisect(read: Reader, steps: list[tuple[int, str]], old: Items, new: Items, found: list[Change]) -> None:
    if old == new or not steps:
        return
    if len(steps) == 1:
        found += _differences(old, new, steps[0][1], steps[0][0])
        return
    middle = len(steps) // 2
    state = read(Clock(known_at=steps[middle - 1][0]))[0]
    _bisect(read, steps[:middle], old, state, found)
    _bisect(read, steps[middle:], state, new, found)


def _differences(old: Items, new: Items, event_id: str, position: int) -> list[Change]:
    keys = sorted(set(old) | set(new), key=lambda k: (list(SECTIONS).index(k[0]), k[1]))
    return [Change(section=section, section_title=SECTIONS[section], item=item, before=old.get((section, item)),
                   after=new.get((section, item)), event_id=event_id, position=position)
            for section, item in keys if old.get((section, item)) != new.get((section, item))]
