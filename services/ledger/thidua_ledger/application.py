"""The ledger application: every command loads, calls one domain verb, and saves."""

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Mapper, StoredEvent, Transcoder
from thidua_events.facts import Fact, Provenance
from thidua_events.facts import access as xf
from thidua_events.facts import awards as af
from thidua_events.facts import cluster as cf
from thidua_events.facts import corrections as corr
from thidua_events.facts import organisation as of
from thidua_events.facts import year as yf

from thidua_ledger.audit.stored_history import CheckedMapper
from thidua_ledger.domain.access import ACCESS_ID, AccessRegister
from thidua_ledger.domain.awards import (
    AwardClaim,
    AwardKind,
    AwardProposal,
    Decree,
    DecreeNumber,
    award_kind_id,
    check_award_kind_in_catalogue,
    check_award_kind_registered_once,
    check_award_year_not_after_decree,
    check_decree_number_free,
    check_revocation,
    claim_id,
    decree_number_id,
)
from thidua_ledger.domain.cluster import Affiliations, Cluster, affiliations_id
from thidua_ledger.domain.entity import Entity
from thidua_ledger.domain.errors import LedgerError, NotFound, check
from thidua_ledger.domain.organisation import Authority, Person, Unit, UnitName, unit_name_id
from thidua_ledger.domain.year import EmulationYear, units_named, year_id
from thidua_ledger.entity_cache import DEFAULT_SIZE, TRUSTED_HEAD, Command, EntityCache, HeadMoved
from thidua_ledger.migrations import upgrade_ledger
from thidua_ledger.migrations.database import Database
from thidua_ledger.settings import Settings
from thidua_ledger.snapshot_store import CheckedSnapshots, fold
from thidua_ledger.transcoding import LedgerTranscoder, ledger_transcodings

log = logging.getLogger(__name__)
A = TypeVar("A", bound=Aggregate)
T = TypeVar("T")
RACES_RETRIED = 3
"""Attempts at a command that lost a race for an entity to another writer (see `retried`)."""


class ConcurrentWrite(LedgerError):
    """Someone else wrote to the same entity first; reload and retry."""

    def __init__(self, entity_id: UUID, current_version: int | None) -> None:
        super().__init__(f"entity {entity_id} changed meanwhile; it is now at version {current_version}")
        self.entity_id = entity_id
        self.current_version = current_version


ALONG = "along_with_fact"  # the keyword that carries it through eventsourcing's save to the recorder


class AlongWithFact(Protocol):
    """A row to write in the transaction that appends a fact (see audit/recorders.py)."""

    entity_id: UUID | None
    version: int

    def write(self, db: Database, inserted: Sequence[tuple[int, StoredEvent]]) -> None: ...


@dataclass(frozen=True)
class Receipt:
    entity_id: UUID
    version: int
    position: int


def vietnam_today() -> date:
    """Today where the facts happen: a fact dated today in Hà Nội is not "in the future"
    for a server that keeps UTC."""
    return datetime.now(VIETNAM).date()


VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


Handler = Callable[["Ledger", Any, Provenance], list[Aggregate]]
HANDLERS: dict[type[Fact], Handler] = {}


def handles(*fact_types: type[Fact]) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for fact_type in fact_types:
            HANDLERS[fact_type] = handler
        return handler

    return register


class Ledger(CheckedSnapshots, Application):
    """The write side: `record` checks a fact against the rules and appends it."""

    name = "ledger"
    # Long-lived entities start their reads from a snapshot at most this many events back.
    snapshotting_intervals = {EmulationYear: 100, Cluster: 100}  # noqa: RUF012 - read by eventsourcing
    snapshotting_projectors = {EmulationYear: fold, Cluster: fold}  # noqa: RUF012 - read by eventsourcing

    def __init__(self, env: dict[str, str] | None = None, today: Callable[[], date] = vietnam_today):
        super().__init__(env=env)
        self.today = today
        self.entity_cache = EntityCache(int(self.env.get("LEDGER_ENTITY_CACHE_SIZE") or DEFAULT_SIZE))
        if getattr(self.recorder, "migrates_on_open", False):
            upgrade_ledger(self)  # the migrations that need the ledger open (its recorder ran the rest)

    def construct_mapper(self) -> Mapper[UUID]:
        # Refuses a stored state that is no event of its topic (an intruder's): see CheckedMapper.
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=CheckedMapper)

    def construct_transcoder(self) -> Transcoder:
        transcoder = LedgerTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: Transcoder) -> None:
        super().register_transcodings(transcoder)  # type: ignore[arg-type]
        for transcoding in ledger_transcodings():
            transcoder.register(transcoding)  # type: ignore[attr-defined]

    def position(self) -> int:
        """The position of the newest event in the log (0 when the log is empty)."""
        return self.recorder.max_notification_id() or 0

    @contextmanager
    def command(self) -> Iterator[Command]:
        """One command's reads and its write: the entities it reads come from the entity cache
        (current at the head the command starts from, trusted or read: see entity_cache) and go
        back to it only if the command succeeds. Wrap the checks made before `record` (a clerk's
        scope) to share its reads, and run it through `retried`, which makes it again when its
        trusted head turns out to have moved (HeadMoved)."""
        if (outer := self.entity_cache.command) is not None:
            with self.entity_cache.running(outer.head) as command:
                yield command
            return
        trusted = self.entity_cache.run_end()
        head = trusted if trusted is not None else self.position()
        with self.entity_cache.running(head, trusted is not None) as command:
            try:
                yield command
            except LedgerError as refused:
                # A refusal read from entities kept at a trusted head stands only if the log
                # is still there: else it is made again from the store (see `retried`).
                if trusted is not None and (isinstance(refused, HeadMoved) or self.position() != head):
                    self.entity_cache.run_broken()
                    if not isinstance(refused, HeadMoved):
                        raise HeadMoved(head) from refused
                raise
            self._keep(command)

    def _keep(self, command: Command) -> None:
        newest: dict[UUID, Aggregate] = {}
        for entity in command.loaded:
            if entity.id in command.refold:
                continue
            if not entity.pending_events and entity.version >= getattr(newest.get(entity.id), "version", -1):
                newest[entity.id] = entity
        saved = [e for e in newest.values() if e.id in command.saved]
        untouched = [e for e in newest.values() if e.id not in command.saved]
        # Untouched entities are current as of the command's start; as of its own write too,
        # if nobody wrote in between (its first position follows the head it started from).
        contiguous = command.first == command.head + 1
        if command.saved:
            self.entity_cache.wrote(command.head, command.first, command.written_at, command.saved)
        self.entity_cache.keep(untouched, command.written_at if contiguous else command.head)
        self.entity_cache.keep(saved, command.written_at)

    def record(self, fact: Fact, provenance: Provenance, expected_version: int | None = None,
               along: AlongWithFact | None = None) -> Receipt:
        """Check one fact against the rules and append it, with whatever it changes, atomically;
        `along` writes its own row in the same transaction (an idempotency key's receipt)."""
        def attempt() -> Receipt:
            with self.command() as command:
                return self._record_in(command, fact, provenance, expected_version, along)
        return self.retried(attempt, expected_version)

    def retried(self, attempt: Callable[[], T], expected_version: int | None = None) -> T:
        """`attempt` (a command: its reads and its write), made again on the log as it now is
        when another writer saved an entity it wrote between its reads and its write, up to
        RACES_RETRIED times: the clerk's command is checked against the rules again and
        recorded, or refused by the rule it now breaks. Not when the caller named the version
        it expects (that conflict is its answer), nor inside a command: the outermost retries."""
        if self.entity_cache.command is not None:
            return attempt()
        races = 0
        while True:
            try:
                return attempt()
            except HeadMoved:
                continue  # once at most: this thread's next attempt reads the head from the store
            except ConcurrentWrite:
                races += 1
                if expected_version is not None or races == RACES_RETRIED:
                    raise

    def _record_in(self, command: Command, fact: Fact, provenance: Provenance, expected_version: int | None,
                   along: AlongWithFact | None) -> Receipt:
        check(fact.effective_date <= self.today(), "effective-date-not-in-future",
              f"{fact.effective_date} is after today; record what has happened")
        changed = HANDLERS[type(fact)](self, fact, provenance)
        subject = changed[0]
        loaded_version = subject.version - len(subject.pending_events)
        if expected_version is not None and expected_version != loaded_version:
            raise ConcurrentWrite(subject.id, loaded_version)
        if along is not None:
            along.entity_id, along.version = subject.id, subject.version
        command.saving = changed
        try:
            recordings = self.save(*changed, **({} if along is None else {ALONG: along}),
                                   **({TRUSTED_HEAD: command.head} if command.trusted else {}))
        except IntegrityError:
            # Another writer won the race. Check the command again against what it wrote: a rule
            # it now breaks (the same award given twice, a year opened twice) is named as such.
            HANDLERS[type(fact)](self, fact, provenance)
            raise ConcurrentWrite(subject.id, self._version_of(subject.id)) from None
        positions = [r.notification.id for r in recordings]
        command.saved.update(entity.id for entity in changed)
        command.loaded.extend(changed)
        command.first, command.written_at, command.saving = min(positions), max(positions), []
        # The fact's own position: the subject's last event, not the internal ones saved with it.
        own = max(r.notification.id for r in recordings if r.domain_event.originator_id == subject.id)
        return Receipt(subject.id, subject.version, own)

    def get(self, kind: type[A], entity_id: UUID, version: int | None = None) -> A:
        command = self.entity_cache.command
        found = self._checked_out(command, entity_id) if command and version is None else self._load(entity_id, version)
        if not isinstance(found, kind):
            raise NotFound(kind.__name__, entity_id)
        return found

    def _checked_out(self, command: Command, entity_id: UUID) -> Aggregate | None:
        """The entity now, for a command: the cached one if nothing was written to it since."""
        found = self.entity_cache.take(entity_id, command.head)
        if found is None and (kept := self.entity_cache.take_any(entity_id)) is not None \
                and self._stored_version(entity_id) == kept.version:
            found = kept
        if found is None:
            found = self._load(entity_id)
        if found is not None:
            command.loaded.append(found)
        return found

    def _stored_version(self, entity_id: UUID) -> int | None:
        rows = self.recorder.select_events(entity_id, desc=True, limit=1)
        return rows[0].originator_version if rows else None

    def exists(self, entity_id: UUID) -> bool:
        # One stored row answers it; `entity_id in repository` would rebuild the whole entity.
        return bool(self.recorder.select_events(entity_id, limit=1))

    def take_snapshot(self, aggregate_id: UUID, version: int | None = None, projector_func: Any = fold,
                      replace: bool = False) -> None:
        """As CheckedSnapshots', except for one due after a command's write: that one is taken
        once the command's events have committed, and a snapshot is only a cache of the log, so
        failing to store it (the store refuses a second one at that version, say, or is gone a
        moment) leaves the command recorded. Raised, it was taken for a lost race: the command
        was made again on a log that held its fact (recorded twice, or refused by its own rule)."""
        command = self.entity_cache.command
        if replace or command is None or not command.saving:
            super().take_snapshot(aggregate_id, version, projector_func, replace)
            return
        try:
            super().take_snapshot(aggregate_id, version, projector_func)
        except Exception:
            log.error("the snapshot of %s at version %s was not stored: reads start from the one before",
                      aggregate_id, version, exc_info=True)

    def snapshot_source(self, entity_id: UUID, version: int | None) -> Aggregate | None:
        """The entity this command has just saved, if it is `entity_id` at exactly `version`
        and holds its facts in force: a snapshot due on it is taken from memory instead of
        reading the snapshot before it and a hundred events back. One a correction was
        recorded on holds the original fact (see `_correct`): that one is read from the store."""
        command = self.entity_cache.command
        if command is None or entity_id in command.refold:
            return None
        return next((e for e in command.saving if e.id == entity_id and e.version == version
                     and not e.pending_events), None)

    def _version_of(self, entity_id: UUID) -> int | None:
        found = self._load(entity_id)
        return found.version if found is not None else None

    def _new(self, kind: type[Entity], fact: Fact, provenance: Provenance) -> list[Aggregate]:
        entity_id = kind.id_of(fact)
        check(not self.exists(entity_id), "register-once",
              f"{kind.__name__} {entity_id} is already in the ledger")
        return [kind(fact=fact, provenance=provenance)]

    def _active_unit(self, unit_id: UUID, on: date) -> Unit:
        unit = self.get(Unit, unit_id)
        unit.check_active(on)
        return unit

    def _check_recipients(self, fact: af.AwardProposed | af.Decree) -> None:
        self.get(Authority, fact.authority_id)
        kind_id = award_kind_id(fact.authority_id, fact.award_kind)
        check_award_kind_in_catalogue(fact, self.get(AwardKind, kind_id) if self.exists(kind_id) else None)
        for recipient in fact.recipients:
            if recipient.unit_id:
                self.get(Unit, recipient.unit_id)
            else:
                self.get(Person, recipient.subject_id)

    def _check_decree(self, fact: af.Decree) -> list[Aggregate]:
        """The rules every decree keeps, and the number it takes."""
        self._check_recipients(fact)
        check_award_year_not_after_decree(fact)
        number_id = decree_number_id(fact)
        taken = self.get(DecreeNumber, number_id) if self.exists(number_id) else None
        check_decree_number_free(fact, taken.decree_id if taken else None)
        return [DecreeNumber(fact.authority_id, fact.decree_date.year, fact.decree_no, fact.decree_id)]


# The command handlers: one per kind of fact, in the shape load → verb → changed aggregates.


@handles(of.AuthorityRegistered)
def _register_authority(app: Ledger, fact: of.AuthorityRegistered, p: Provenance) -> list[Aggregate]:
    if fact.parent_id:
        app.get(Authority, fact.parent_id).check_registered_by(fact.effective_date)
    return app._new(Authority, fact, p)


@handles(of.UnitRegistered)
def _register_unit(app: Ledger, fact: of.UnitRegistered, p: Provenance) -> list[Aggregate]:
    app.get(Authority, fact.authority_id).check_registered_by(fact.effective_date)
    changed = app._new(Unit, fact, p)
    name_id = unit_name_id(fact.authority_id, fact.name)
    if not app.exists(name_id):
        return [*changed, UnitName(fact.authority_id, fact.name, fact.unit_id)]
    name = app.get(UnitName, name_id)
    name.take(fact, p)
    return [*changed, name]


@handles(of.UnitRenamed)
def _rename_unit(app: Ledger, fact: of.UnitRenamed, p: Provenance) -> list[Aggregate]:
    unit = app.get(Unit, fact.unit_id)
    unit.rename(fact, p)
    name_id = unit_name_id(unit.authority_id, fact.name)
    if not app.exists(name_id):  # no unit of the authority took this name
        return [unit, UnitName(unit.authority_id, fact.name, fact.unit_id)]
    name = app.get(UnitName, name_id)
    name.take_by_renaming(fact, p, holders=[app.get(Unit, holder) for holder in dict.fromkeys(name.unit_ids)])
    return [unit, name]


@handles(of.UnitMerged)
def _merge_unit(app: Ledger, fact: of.UnitMerged, p: Provenance) -> list[Aggregate]:
    unit = app.get(Unit, fact.unit_id)
    unit.merge_into(fact, p, into=app.get(Unit, fact.into_unit_id))
    return [unit]


@handles(of.UnitDissolved)
def _dissolve_unit(app: Ledger, fact: of.UnitDissolved, p: Provenance) -> list[Aggregate]:
    unit = app.get(Unit, fact.unit_id)
    unit.dissolve(fact, p)
    return [unit]


@handles(of.PersonRegistered)
def _register_person(app: Ledger, fact: of.PersonRegistered, p: Provenance) -> list[Aggregate]:
    app._active_unit(fact.unit_id, fact.effective_date)
    return app._new(Person, fact, p)


@handles(of.PersonPostingChanged)
def _change_posting(app: Ledger, fact: of.PersonPostingChanged, p: Provenance) -> list[Aggregate]:
    person = app.get(Person, fact.person_id)
    app._active_unit(fact.unit_id, fact.effective_date)
    person.change_posting(fact, p)
    return [person]


@handles(cf.ClusterFormed)
def _form_cluster(app: Ledger, fact: cf.ClusterFormed, p: Provenance) -> list[Aggregate]:
    app.get(Authority, fact.authority_id).check_registered_by(fact.effective_date)
    return app._new(Cluster, fact, p)


@handles(cf.UnitJoined)
def _join(app: Ledger, fact: cf.UnitJoined, p: Provenance) -> list[Aggregate]:
    cluster = app.get(Cluster, fact.cluster_id)
    app._active_unit(fact.unit_id, fact.effective_date)
    index_id = affiliations_id(fact.unit_id)
    if not app.exists(index_id):
        cluster.admit(fact, p)
        return [cluster, Affiliations(fact.unit_id, fact.cluster_id)]
    index = app.get(Affiliations, index_id)
    cluster.admit(fact, p, [app.get(Cluster, other) for other in index.cluster_ids if other != fact.cluster_id])
    index.note_join(fact.cluster_id)
    return [cluster, index]


@handles(cf.UnitLeft)
def _leave(app: Ledger, fact: cf.UnitLeft, p: Provenance) -> list[Aggregate]:
    cluster = app.get(Cluster, fact.cluster_id)
    cluster.release(fact, p)
    return [cluster]


@handles(cf.RegulationAdopted)
def _adopt_regulation(app: Ledger, fact: cf.RegulationAdopted, p: Provenance) -> list[Aggregate]:
    cluster = app.get(Cluster, fact.cluster_id)
    cluster.adopt_regulation(fact, p)
    return [cluster]


@handles(cf.MembersCounted)
def _count_members(app: Ledger, fact: cf.MembersCounted, p: Provenance) -> list[Aggregate]:
    cluster = app.get(Cluster, fact.cluster_id)
    cluster.count_members(fact, p)
    return [cluster]


@handles(cf.WorkingGroupEstablished)
def _working_group(app: Ledger, fact: cf.WorkingGroupEstablished, p: Provenance) -> list[Aggregate]:
    cluster = app.get(Cluster, fact.cluster_id)
    cluster.establish_working_group(fact, p)
    return [cluster]


@handles(cf.RotatingFlagHandedOver)
def _hand_over_flag(app: Ledger, fact: cf.RotatingFlagHandedOver, p: Provenance) -> list[Aggregate]:
    cluster = app.get(Cluster, fact.cluster_id)
    for unit_id in (fact.from_unit_id, fact.to_unit_id):
        app._active_unit(unit_id, fact.effective_date)
    cluster.hand_over_flag(fact, p)
    return [cluster]


@handles(yf.YearOpened)
def _open_year(app: Ledger, fact: yf.YearOpened, p: Provenance) -> list[Aggregate]:
    cluster = app.get(Cluster, fact.cluster_id)
    cluster.check_year_opens_after_formation(fact)
    check(not app.exists(year_id(fact.cluster_id, fact.year)), "open-year-once",
          f"{fact.year} is already open for cluster {fact.cluster_id}")
    if fact.leader_unit_id:
        cluster.check_member(fact.leader_unit_id, fact.year, "the leader")
    if fact.deputy_unit_id:
        cluster.check_member(fact.deputy_unit_id, fact.year, "the deputy")
    return [EmulationYear(fact=fact, provenance=p)]


@handles(*(t for t in vars(yf).values() if isinstance(t, type) and issubclass(t, yf.YearFact)
           and t not in (yf.YearFact, yf.ReviewHeld, yf.YearOpened)))
def _year_fact(app: Ledger, fact: yf.YearFact, p: Provenance) -> list[Aggregate]:
    year = app.get(EmulationYear, year_id(fact.cluster_id, fact.year))
    for unit_id in units_named(fact):
        app._active_unit(unit_id, fact.effective_date)
    year.accept(fact, p, cluster=app.get(Cluster, fact.cluster_id))
    return [year]


@handles(af.AwardKindRegistered)
def _register_award_kind(app: Ledger, fact: af.AwardKindRegistered, p: Provenance) -> list[Aggregate]:
    app.get(Authority, fact.authority_id).check_registered_by(fact.effective_date)
    check_award_kind_registered_once(fact, app.exists(AwardKind.id_of(fact)))
    return [AwardKind(fact=fact, provenance=p)]


@handles(af.AwardProposed)
def _propose(app: Ledger, fact: af.AwardProposed, p: Provenance) -> list[Aggregate]:
    app._check_recipients(fact)
    return app._new(AwardProposal, fact, p)


@handles(af.AwardConferred)
def _confer(app: Ledger, fact: af.AwardConferred, p: Provenance) -> list[Aggregate]:
    changed = app._new(Decree, fact, p)
    changed += app._check_decree(fact)
    if fact.cluster_id is not None:
        cluster = app.get(Cluster, fact.cluster_id)
        cluster.check_award_recipients_are_members(fact, {
            r.subject_id: app.get(Person, r.subject_id).units_in(fact.year)
            for r in fact.recipients if r.person_id})
    for recipient in fact.recipients:
        key = claim_id(fact.award_kind, fact.year, recipient.subject_id)
        if app.exists(key):
            claim = app.get(AwardClaim, key)
            claim.reclaim(fact.decree_id, recipient)
        else:
            claim = AwardClaim(fact.award_kind, fact.year, recipient.subject_id, fact.decree_id)
        changed.append(claim)
    return changed


@handles(af.AwardRevoked)
def _revoke(app: Ledger, fact: af.AwardRevoked, p: Provenance) -> list[Aggregate]:
    changed = app._new(Decree, fact, p)
    changed += app._check_decree(fact)
    check_revocation(fact, app.get(Decree, fact.revokes_decree_id))
    for recipient in fact.recipients:
        claim = app.get(AwardClaim, claim_id(fact.award_kind, fact.year, recipient.subject_id))
        claim.release(fact.decree_id, fact.revokes_decree_id, recipient)
        changed.append(claim)
    return changed


@handles(xf.ScopeGranted, xf.ScopeRevoked, xf.TokenRevoked, xf.AccountDisabled)
def _access(app: Ledger, fact: Fact, p: Provenance) -> list[Aggregate]:
    if isinstance(fact, xf.Scope):  # a grant names an authority or a cluster that exists by its date
        if fact.authority_id:
            app.get(Authority, fact.authority_id).check_registered_by(fact.effective_date)
        if fact.cluster_id:
            app.get(Cluster, fact.cluster_id).check_formed_by(fact.effective_date)
    if not app.exists(ACCESS_ID):
        return [AccessRegister.begin(fact, p)]
    register = app.get(AccessRegister, ACCESS_ID)
    if isinstance(fact, xf.ScopeGranted):
        register.grant(fact, p)
    elif isinstance(fact, xf.ScopeRevoked):
        register.revoke_scope(fact, p)
    elif isinstance(fact, xf.TokenRevoked):
        register.revoke_token(fact, p)
    elif isinstance(fact, xf.AccountDisabled):
        register.disable(fact, p)
    return [register]


@handles(corr.FactCorrected, corr.FactRetracted)
def _correct(app: Ledger, fact: corr.Correction, p: Provenance) -> list[Aggregate]:
    from thidua_ledger.rehearsal import correct  # it replays the handlers of this module

    changed = correct(app, fact, p)
    # A correction applies as nothing: the facts in force are folded by a read from the store
    # (`fold_in_force`). The entity in memory still holds the original, so it is not handed
    # back to the cache: the next command reads it anew.
    command = app.entity_cache.command
    if command is not None:
        command.refold.update(entity.id for entity in changed)
    return changed


def open_ledger(settings: Settings) -> Ledger:
    return Ledger(env=settings.eventstore_env())
