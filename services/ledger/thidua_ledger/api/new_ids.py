"""Ids the server makes: a clerk records a new unit, cluster, ballot, score or decree
without inventing a UUID, and reads the new id back from the receipt.

Only the field that names the entity (or the item within a year) a fact creates is
optional; a fact about an existing entity still names it. Ids derived from other fields
(an emulation year from its cluster and year, an award kind from its authority and name)
stay derived: the receipt's `entity_id` carries them.
"""

from typing import Any
from uuid import UUID, uuid4

from thidua_events.facts import Fact
from thidua_events.facts import awards as af
from thidua_events.facts import cluster as cf
from thidua_events.facts import organisation as of
from thidua_events.facts import year as yf

NEW_IDS: dict[type[Fact], str] = {
    of.AuthorityRegistered: "authority_id",
    of.UnitRegistered: "unit_id",
    of.PersonRegistered: "person_id",
    cf.ClusterFormed: "cluster_id",
    af.AwardProposed: "proposal_id",
    af.AwardConferred: "decree_id",
    af.AwardRevoked: "decree_id",
    yf.ScoreRecorded: "score_id",
    yf.ScoreCorrected: "score_id",
    yf.BallotHeld: "ballot_id",
}


def new_id_field(fact_type: type[Fact]) -> str | None:
    return NEW_IDS.get(fact_type)


def fill_new_id(fact_type: type[Fact], data: dict[str, Any]) -> dict[str, UUID]:
    """Make the new entity's id where the request left it out (uuid4, never reused); the
    ids this fact creates, sent or made, for the receipt."""
    field = new_id_field(fact_type)
    if field is None:
        return {}
    if data.get(field) is None:
        data[field] = uuid4()
    return {field: data[field]}
