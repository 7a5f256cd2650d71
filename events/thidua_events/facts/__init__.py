"""The facts the ledger records, one model per type; FACTS lists them by name."""

from thidua_events.facts import access, awards, cluster, corrections, organisation, year
from thidua_events.facts.base import FACTS, Fact, Id, Provenance, Role

__all__ = ["FACTS", "Fact", "Id", "Provenance", "Role", "access", "awards", "cluster", "corrections", "organisation",
           "year"]
