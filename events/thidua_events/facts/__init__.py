"""The facts the ledger records, one model per type; FACTS lists them by name."""

from thidua_events.facts import awards, cluster, corrections, organisation, year
from thidua_events.facts.base import FACTS, Fact, Id, Provenance, Role

__all__ = ["FACTS", "Fact", "Id", "Provenance", "Role", "awards", "cluster", "corrections", "organisation", "year"]
