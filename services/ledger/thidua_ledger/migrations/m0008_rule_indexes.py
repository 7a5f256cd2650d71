"""Backfill the rule indexes (UnitName, Affiliations, DecreeNumber) for facts recorded
before they existed, so "unique unit names", "one cluster per authority at a time" and
"decree numbers unique per authority and year" hold for old data too.

It reads the log's facts in order and saves each missing index through the ledger: the
new events go on the end of the log and into the hash chain, so the chain stays intact.
Old data that already breaks a rule is neither refused nor changed: two units of one name
go into the name's index together; a decree number used twice keeps its first decree.
Safe to re-run (each index entry is looked up first), and to run in two processes at once
(a save that loses a race is retried on the next pass over the log).
"""

from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from thidua_events.facts import awards as af
from thidua_events.facts import cluster as cf
from thidua_events.facts import organisation as of

from thidua_ledger.domain.awards import DecreeNumber, decree_number_id
from thidua_ledger.domain.cluster import Affiliations, affiliations_id
from thidua_ledger.domain.entity import FactEvent
from thidua_ledger.domain.organisation import UnitName, unit_name_id

VERSION = 8
DESCRIPTION = "backfill the UnitName, Affiliations and DecreeNumber indexes from the log's facts"

PAGE = 500
PASSES = 3


def upgrade_ledger(ledger: Any) -> None:
    head = ledger.position()
    for _ in range(PASSES):
        try:
            _backfill(ledger, head)
            return
        except IntegrityError:
            continue  # another process saved the same index first: read it and go on
    _backfill(ledger, head)


def _backfill(ledger: Any, head: int) -> None:
    authority_of: dict[UUID, UUID] = {}
    start = 1
    while start <= head:
        notifications = ledger.recorder.select_notifications(start, PAGE, stop=head)
        if not notifications:
            break
        for notification in notifications:
            event = ledger.mapper.to_domain_event(notification)
            if isinstance(event, FactEvent):
                _index(ledger, event.fact, authority_of)
        start = notifications[-1].id + 1


def _index(ledger: Any, fact: Any, authority_of: dict[UUID, UUID]) -> None:
    if isinstance(fact, of.UnitRegistered):
        authority_of[fact.unit_id] = fact.authority_id
        _take_name(ledger, fact.authority_id, fact.name, fact.unit_id)
    elif isinstance(fact, of.UnitRenamed) and fact.unit_id in authority_of:
        _take_name(ledger, authority_of[fact.unit_id], fact.name, fact.unit_id)
    elif isinstance(fact, cf.UnitJoined):
        _note_join(ledger, fact)
    elif isinstance(fact, af.AwardConferred | af.AwardRevoked) and not ledger.exists(decree_number_id(fact)):
        # A number used twice keeps its first decree.
        ledger.save(DecreeNumber(fact.authority_id, fact.decree_date.year, fact.decree_no, fact.decree_id))


def _note_join(ledger: Any, fact: cf.UnitJoined) -> None:
    index_id = affiliations_id(fact.unit_id)
    if not ledger.exists(index_id):
        ledger.save(Affiliations(fact.unit_id, fact.cluster_id))
        return
    index = ledger.get(Affiliations, index_id)
    if fact.cluster_id not in index.cluster_ids:
        index.note_join(fact.cluster_id)
        ledger.save(index)


def _take_name(ledger: Any, authority_id: UUID, name: str, unit_id: UUID) -> None:
    name_id = unit_name_id(authority_id, name)
    if not ledger.exists(name_id):
        ledger.save(UnitName(authority_id, name, unit_id))
        return
    index = ledger.get(UnitName, name_id)
    if unit_id not in index.unit_ids:  # old duplicates go in together, unchecked
        index.note_earlier(unit_id)
        ledger.save(index)
