"""How facts and provenance are stored: their contract JSON, with the fact's version,
so the contract's upcasters can lift old events on read."""

from datetime import datetime
from functools import lru_cache
from typing import Annotated, Any, Literal, Union

from eventsourcing.persistence import JSONTranscoder, Transcoding
from pydantic import ConfigDict, Field, TypeAdapter, ValidationError, with_config
from thidua_events.facts import FACTS, Fact, Provenance
from thidua_events.versions import decode_fact
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12


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


def _shape(name: str, fields: dict[str, Any], total: bool = True) -> Any:
    """A JSON object with these keys and no others (a TypedDict built at run time)."""
    typed_dict: Any = TypedDict  # called with computed keys, which type checkers cannot follow
    return with_config(ConfigDict(extra="forbid"))(typed_dict(name, fields, total=total))


def _tagged(name: str, data: Any) -> Any:
    """The shape eventsourcing's JSON transcoder gives a registered type: {"_type_", "_data_"}."""
    return _shape(f"Tagged_{name}", {"_type_": Literal[name], "_data_": data})


def _fact_event_adapter() -> TypeAdapter[Any]:
    """The stored state of every event that carries a fact (read as its current version)."""
    facts = [_tagged(f"fact:{name}", _shape(f"Payload_{name}", {"v": int, "data": fact_type}))
             for name, fact_type in FACTS.items()]
    return TypeAdapter(_shape("FactEventState", {
        "timestamp": _tagged("datetime_iso", str),
        "originator_topic": str,
        "fact": Annotated[Union[tuple(facts)], Field(discriminator="_type_")],  # noqa: UP007
        "provenance": _tagged("provenance", dict[str, str]),  # validated by _provenance
    }, total=False))


@lru_cache(maxsize=1024)
def _provenance(fields: tuple[tuple[str, str], ...]) -> Provenance:
    """One frozen Provenance per distinct who-and-why: a clerk records many facts under the
    same name, role and reason, and validating it again for each was a sixth of a decode."""
    return Provenance.model_validate(dict(fields))


class LedgerTranscoder(JSONTranscoder):
    """eventsourcing's JSON transcoder, with the ledger's common case decoded in one pass.

    The stock decoder calls a Python hook on every JSON object (seven per event) and then
    validates the fact and its provenance again. Events that carry a fact of the current
    version are instead parsed and validated by pydantic-core at once, with the same
    models, so they decode to exactly the same values; anything else (older versions to
    upcast, snapshots, award claims) takes the stock path.
    """

    fact_event = _fact_event_adapter()

    def decode(self, data: bytes) -> Any:
        try:
            state = self.fact_event.validate_json(data)
            if "fact" not in state or "provenance" not in state or "timestamp" not in state:
                return super().decode(data)
            stored = state["fact"]["_data_"]
            if stored["v"] != stored["data"].version:  # stored before a breaking change: upcast it
                return super().decode(data)
            state["provenance"] = _provenance(tuple(state["provenance"]["_data_"].items()))
        except ValidationError:
            return super().decode(data)
        state["timestamp"] = datetime.fromisoformat(state["timestamp"]["_data_"])
        state["fact"] = stored["data"]
        return state
