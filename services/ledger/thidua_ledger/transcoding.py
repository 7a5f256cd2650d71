"""How facts and provenance are stored: their contract JSON, with the fact's version,
so the contract's upcasters can lift old events on read."""

from typing import Any

from eventsourcing.persistence import Transcoding
from thidua_events.facts import FACTS, Fact, Provenance
from thidua_events.versions import decode_fact


class FactAsJSON(Transcoding):
    def __init__(self, fact_type: type[Fact]) -> None:
        self.type = self.fact_type = fact_type
        self.name = f"fact:{fact_type.type_name()}"

    def encode(self, obj: Fact) -> dict[str, Any]:
        return {"v": obj.version, "data": obj.model_dump(mode="json")}

    def decode(self, data: dict[str, Any]) -> Fact:
        return decode_fact(self.fact_type.type_name(), data["v"], data["data"])


class ProvenanceAsJSON(Transcoding):
    type = Provenance
    name = "provenance"

    def encode(self, obj: Provenance) -> dict[str, Any]:
        return obj.model_dump(mode="json", exclude_none=True)

    def decode(self, data: dict[str, Any]) -> Provenance:
        return Provenance.model_validate(data)


def ledger_transcodings() -> list[Transcoding]:
    return [ProvenanceAsJSON(), *(FactAsJSON(fact_type) for fact_type in FACTS.values())]
