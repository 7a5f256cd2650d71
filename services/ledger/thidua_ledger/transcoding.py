"""How facts and provenance are stored: their contract JSON, with the fact's version,
so the contract's upcasters can lift old events on read."""

import json
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Annotated, Any, Literal, Union

from eventsourcing.persistence import JSONTranscoder, Transcoding
from pydantic import ConfigDict, Field, Json, StrictInt, TypeAdapter, ValidationError, with_config
from pydantic_core import from_json
from thidua_events.facts import FACTS, Fact, Provenance
from thidua_events.versions import decode_fact
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

from thidua_ledger.domain.snapshots import EncodedState

FactParts = tuple[Fact, Provenance, datetime]
"""A fact event's fact, provenance and timestamp, decoded."""


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
    return TypeAdapter(_fact_event_state())


def _fact_event_state() -> Any:
    facts = [_tagged(f"fact:{name}", _shape(f"Payload_{name}", {"v": StrictInt, "data": fact_type}))
             for name, fact_type in FACTS.items()]
    return _shape("FactEventState", {
        "timestamp": _tagged("datetime_iso", str),
        "originator_topic": str,
        "fact": Annotated[Union[tuple(facts)], Field(discriminator="_type_")],  # noqa: UP007
        "provenance": _tagged("provenance", dict[str, str]),  # validated by _provenance
    }, total=False)


def _runs_of_fact_events() -> Any:
    return list[Json[_fact_event_state()]]  # type: ignore[misc]  # a shape built at run time


@lru_cache(maxsize=1024)
def _provenance(fields: tuple[tuple[str, str], ...]) -> Provenance:
    """One frozen Provenance per distinct who-and-why: a clerk records many facts under the
    same name, role and reason, and validating it again for each was a sixth of a decode."""
    return Provenance.model_validate(dict(fields))


class LedgerTranscoder(JSONTranscoder):
    """eventsourcing's JSON transcoder, decoding the ledger's events in one pass.

    The stock decoder calls a Python hook on every JSON object (seven per event, tens of
    thousands per snapshot), and the facts and provenance were then validated again.
    Instead, an event that carries a fact of the current version is parsed and validated by
    pydantic-core at once, with the same models; other states (snapshots, award claims)
    are parsed in Rust and only their top-level tagged values decoded, when the tags are
    all at the top. Anything else, such as a fact stored at an older version to upcast,
    takes the stock path. For whatever the ledger's encoder writes, every path gives exactly
    the values the stock decoder gives (the integration tests check it on every stored event).
    """

    fact_event = _fact_event_adapter()
    fact_events: TypeAdapter[list[Any]] = TypeAdapter(_runs_of_fact_events())
    """A run of fact events' states, each parsed on its own, validated in one call."""

    def encode(self, obj: Any) -> bytes:
        """As the stock transcoder, except that a snapshot's state, already text, is written
        into it as it is (see `EncodedState`)."""
        state: Any = obj.get("state") if type(obj) is dict else None
        encoded = state.get("encoded") if type(state) is dict else None
        if not isinstance(encoded, EncodedState):
            return super().encode(obj)
        shell = self.encoder.encode({**obj, "state": {**state, "encoded": _SLOT}})
        if shell.count(_SLOT_TEXT) != 1:
            raise TypeError("a snapshot's fields must not spell the slot its state is written into")
        return shell.replace(_SLOT_TEXT, encoded.text, 1).encode("utf8")

    def decode(self, data: bytes) -> Any:
        if self._fact_like(data) and (state := self._fact_event(data)) is not None:
            return state
        return self._other(data)

    def decode_many(self, states: Sequence[bytes], run: int = 64) -> list[Any]:
        """What `decode` gives for each state, the fact events among them validated `run`
        at a time: the call into pydantic-core, not the validation, was the cost a page saves.
        A run in which one state fails is decoded a state at a time."""
        return [self._finish(*found) if found is not None else self.decode(data)
                for data, found in zip(states, self._validated_many(states, run), strict=True)]

    def facts_many(self, states: Sequence[bytes], run: int = 64) -> list[FactParts | None]:
        """For each state, what `decode` gives of its fact, provenance and timestamp, as
        validated `run` at a time (see `decode_many`); None where `decode` must read the state
        itself (no fact event of the current version, or one of a run that failed). A replay
        needs only these, not the state's dict rebuilt around them."""
        return [parts if parts is None else parts[1] for parts in self._validated_many(states, run)]

    def _validated_many(self, states: Sequence[bytes], run: int) -> list[tuple[dict[str, Any], FactParts] | None]:
        found: list[tuple[dict[str, Any], FactParts] | None] = [None] * len(states)
        facts = [n for n, data in enumerate(states) if self._fact_like(data)]
        for start in range(0, len(facts), run):
            picked = facts[start:start + run]
            try:
                validated = self.fact_events.validate_python([states[n] for n in picked])
            except ValidationError:
                continue
            for n, state in zip(picked, validated, strict=True):
                parts = self._parts(state)
                if parts is not None:
                    found[n] = (state, parts)
        return found

    @staticmethod
    def _fact_like(data: bytes) -> bool:
        # A \\uXXXX escape is never written by the ledger's encoder (ensure_ascii=False); the
        # fact follows the timestamp and at most an originator topic: a cheap look spares a
        # snapshot a full failed validation.
        return (BACKSLASH not in data or ESCAPE not in data) and data.find(FACT_MARK, 0, 256) >= 0  # see _escaped

    def _other(self, data: bytes) -> Any:
        if _escaped(data):
            return super().decode(data)
        return self._shallow(data)

    def _fact_event(self, data: bytes) -> dict[str, Any] | None:
        try:
            state = self.fact_event.validate_json(data)
        except ValidationError:
            return None
        parts = self._parts(state)
        return None if parts is None else self._finish(state, parts)

    @staticmethod
    def _finish(state: dict[str, Any], parts: FactParts) -> dict[str, Any]:
        """A validated fact event's state as the stock decoder gives it."""
        state["fact"], state["provenance"], state["timestamp"] = parts
        return state

    @staticmethod
    def _parts(state: dict[str, Any]) -> FactParts | None:
        """The fact, provenance and timestamp of a validated fact event's state; None if it
        is not one of the current version (read by the stock path instead)."""
        try:
            if "fact" not in state or "provenance" not in state or "timestamp" not in state:
                return None
            stored = state["fact"]["_data_"]
            fact = stored["data"]
            if stored["v"] != fact.version:  # stored before a breaking change: upcast it
                return None
            provenance = _provenance(tuple(state["provenance"]["_data_"].items()))
        except ValidationError:
            return None
        return fact, provenance, datetime.fromisoformat(state["timestamp"]["_data_"])

    def _shallow(self, data: bytes) -> Any:
        state = from_json(data)
        if not isinstance(state, dict):
            return super().decode(data)
        tagged = {k: v for k, v in state.items()
                  if isinstance(v, dict) and len(v) == 2 and "_type_" in v and "_data_" in v}
        if data.count(TAG) != len(tagged) or any(v["_type_"] not in self.names for v in tagged.values()):
            return super().decode(data)  # nested tags, or a name the stock path will explain
        for key, value in tagged.items():
            state[key] = self.names[value["_type_"]].decode(value["_data_"])
        return state


_SLOT = "\x00thidua:encoded-state\x00"
_SLOT_TEXT = json.dumps(_SLOT)
FACT_MARK = b'"fact":{"_type_":"fact:'
TAG = b'"_type_"'
ESCAPE = b"\\u"  # a \uXXXX escape: it could spell a tag, or a lone surrogate, in ways the fast paths read differently
BACKSLASH = b"\\"


def _escaped(data: bytes) -> bool:
    """Whether a state holds a \\uXXXX escape. Most states hold no backslash at all, and
    looking for one byte is a memchr in C, about three times as fast as looking for two; only
    a state with a backslash (an escaped quote, say) is searched again."""
    return BACKSLASH in data and ESCAPE in data
