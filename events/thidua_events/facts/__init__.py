"""The facts the ledger records, one model per type; FACTS lists them by name."""

from thidua_events.facts import awards, cluster, organisation, year
from thidua_events.facts.base import FACTS, Fact, Id, Provenance, Role

__all__ = ["FACTS", "Fact", "Id", "Provenance", "Role", "awards", "cluster", "organisation", "year"]
