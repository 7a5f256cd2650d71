"""Statistics per authority, cluster and year, and across years: awards by kind and level,
collectives and individuals commended, flags and emulation titles.

Named recipients (the award register's entries) and stated counts ("120 collectives and 357
individuals", a source's totals without names) are kept apart, never added together: a stated
count is not a list, and the named ones may be some of the same people."""

from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from thidua_ledger.application import Ledger
from thidua_ledger.audit.clocks import Clock, load
from thidua_ledger.award_register import StoredAwardRegister
from thidua_ledger.catalogue import StoredCatalogue
from thidua_ledger.domain.awards import AwardKind, award_kind_id
from thidua_ledger.domain.errors import NotFound
from thidua_ledger.domain.organisation import Person
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.projections import AwardEntry
from thidua_ledger.queries import unit_ref

FLAG_LEVELS = ("government_flag", "ministry_flag", "authority_flag")


class AwardCount(BaseModel):
    award_kind: str
    level: str | None = Field(description="The kind's level in its authority's catalogue; None where unregistered")
    collectives: int = Field(description="Named collectives (units) awarded")
    individuals: int = Field(description="Named individuals awarded")


class Recipient(BaseModel):
    award_kind: str
    level: str | None
    recipient_kind: str
    name: str
    decree_no: str
    cluster_id: UUID | None


class StatedCountPublic(BaseModel):
    cluster_id: UUID
    award_kind: str | None
    collectives: int | None
    individuals: int | None
    source_ref: str | None


class Title(BaseModel):
    cluster_id: UUID
    title: str
    units: list[str]


class YearStatistics(BaseModel):
    year: int
    awards: list[AwardCount]
    named_collectives: int = Field(description="Awards to named collectives (not revoked)")
    named_individuals: int = Field(description="Awards to named individuals (not revoked)")
    recipients: list[Recipient]
    stated_counts: list[StatedCountPublic] = Field(description="Totals sources state without names: "
                                                               "apart from the named, never added to them")
    flags: list[Recipient] = Field(description="Emulation flags conferred (government, ministry, authority)")
    titles: list[Title] = Field(description="Emulation titles honoured in the clusters' year-end ballots")


class StatisticsPublic(BaseModel):
    authority_id: UUID | None
    cluster_id: UUID | None
    from_year: int | None
    to_year: int | None
    position: int
    years: list[YearStatistics]


def statistics(ledger: Ledger, register: StoredAwardRegister, catalogue: StoredCatalogue, clock: Clock,
               authority_id: UUID | None = None, cluster_id: UUID | None = None,
               from_year: int | None = None, to_year: int | None = None) -> StatisticsPublic:
    found = register.query(authority_id=authority_id if cluster_id is None else None, cluster_id=cluster_id,
                           clock=clock)
    entries = [e for e in found.awards if _within(e.year, from_year, to_year)]
    counts = [c for c in found.stated_counts if _within(c.year, from_year, to_year)]
    if authority_id is not None and cluster_id is None:  # the register filters counts by cluster only
        clusters = {e.id for e in catalogue.search("clusters", clock=clock, authority_id=authority_id)}
        counts = [c for c in counts if c.cluster_id in clusters]
    years = sorted({e.year for e in entries} | {c.year for c in counts} | set(_title_years(from_year, to_year)))
    clusters_in_scope = _clusters(catalogue, clock, authority_id, cluster_id)
    levels: dict[tuple[UUID, str], str | None] = {}
    result = []
    for year in years:
        in_year = [e for e in entries if e.year == year and e.revoked_by_decree_no is None]
        recipients = [_recipient(ledger, e, _level(ledger, levels, e, clock), clock) for e in in_year]
        by_kind: dict[tuple[str, str | None], list[Recipient]] = {}
        for r in recipients:
            by_kind.setdefault((r.award_kind, r.level), []).append(r)
        titles = _titles(ledger, clusters_in_scope, year, clock)
        stated = [StatedCountPublic(cluster_id=c.cluster_id, award_kind=c.award_kind, collectives=c.collectives,
                                    individuals=c.individuals, source_ref=c.source_ref)
                  for c in counts if c.year == year]
        if not (recipients or stated or titles):
            continue
        result.append(YearStatistics(
            year=year,
            awards=[AwardCount(award_kind=kind, level=level,
                               collectives=sum(r.recipient_kind == "collective" for r in rs),
                               individuals=sum(r.recipient_kind == "individual" for r in rs))
                    for (kind, level), rs in sorted(by_kind.items(), key=lambda kv: kv[0][0])],
            named_collectives=sum(r.recipient_kind == "collective" for r in recipients),
            named_individuals=sum(r.recipient_kind == "individual" for r in recipients),
            recipients=recipients, stated_counts=stated,
            flags=[r for r in recipients if r.level in FLAG_LEVELS], titles=titles))
    return StatisticsPublic(authority_id=authority_id, cluster_id=cluster_id, from_year=from_year,
                            to_year=to_year, position=found.position, years=result)


def _within(year: int, low: int | None, high: int | None) -> bool:
    return (low is None or year >= low) and (high is None or year <= high)


def _title_years(low: int | None, high: int | None) -> range:
    """Years whose ballots are looked at: the range asked for, if bounded (else those with awards)."""
    return range(low, high + 1) if low is not None and high is not None and high - low <= 100 else range(0)


def _clusters(catalogue: StoredCatalogue, clock: Clock, authority_id: UUID | None,
              cluster_id: UUID | None) -> list[UUID]:
    if cluster_id is not None:
        return [cluster_id]
    return [e.id for e in catalogue.search("clusters", clock=clock, authority_id=authority_id)]


def _level(ledger: Ledger, cache: dict[tuple[UUID, str], str | None], entry: AwardEntry, clock: Clock) -> str | None:
    key = (entry.authority_id, entry.award_kind)
    if key not in cache:
        try:
            kind = load(ledger, AwardKind, award_kind_id(*key), Clock(known_at=clock.known_at))
            cache[key] = str(kind.level)
        except NotFound:
            cache[key] = None
    return cache[key]


def _recipient(ledger: Ledger, e: AwardEntry, level: str | None, clock: Clock) -> Recipient:
    if e.unit_id is not None:
        ref = unit_ref(ledger, e.unit_id, min(date(e.year, 12, 31), ledger.today()), clock)
        name = ref.name if ref else str(e.unit_id)
    else:
        assert e.person_id is not None  # the register holds one subject per entry
        name = load(ledger, Person, e.person_id, Clock(known_at=clock.known_at)).full_name
    return Recipient(award_kind=e.award_kind, level=level, recipient_kind=str(e.recipient_kind), name=name,
                     decree_no=e.decree_no, cluster_id=e.cluster_id)


def _titles(ledger: Ledger, clusters: list[UUID], year: int, clock: Clock) -> list[Title]:
    titles = []
    day = min(date(year, 12, 31), ledger.today())
    for cluster_id in clusters:
        try:
            record = load(ledger, EmulationYear, year_id(cluster_id, year), clock)
        except NotFound:
            continue
        for h in record.honours:
            names = [r.name for u in h.unit_ids if (r := unit_ref(ledger, u, day, clock))]
            titles.append(Title(cluster_id=cluster_id, title=h.title, units=names))
    return titles
