"""Snapshots of entities, so a read (now or as known at a position) starts from the
nearest snapshot instead of replaying a whole history.

An entity's state holds what JSON cannot: dicts keyed by ids, tuples, dates, decimals,
enums and contract facts. The state is written as tagged JSON here and read back to the
same Python values. Snapshots hold data, never code: a stored tag names a type by its
stable name in `SNAPSHOT_TYPES`, an explicit list, and nothing read from the store is ever
imported or called; an unknown tag or name refuses the snapshot (the read then folds the
entity from its events). Stable names also mean that moving a class never strands a
snapshot; changing what a snapshot holds raises `FORMAT`; formats not in `READABLE` are
ignored (and rebuilt). Large dicts of immutable values (a year's scores) are written as
columns (format 4, see snapshot_columns).

Besides the entity, a snapshot records the log position and chain link of the event it
folds up to, and a seal over all of it (see thidua_ledger.snapshot_store), so that a read
can check it against the chain before trusting it.
"""

import json
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Snapshot
from pydantic import BaseModel, TypeAdapter
from pydantic_core import from_json
from thidua_events.facts.awards import AwardLevel, Recipient, RecipientKind
from thidua_events.facts.base import Role
from thidua_events.facts.cluster import BallotBasis, BallotThreshold
from thidua_events.facts.year import (
    BallotHeld,
    Criterion,
    LeadershipElected,
    MidYearReviewHeld,
    PledgeAdopted,
    ScoreKind,
    UnitsHonoured,
    Vote,
    YearEndReviewHeld,
)

from thidua_ledger.domain.snapshot_columns import LEAST, Kept, column_of, keys_of, keys_of_values

FORMAT = 4  # 4: a large dict of immutable values as columns (see snapshot_columns)
"""1: tags named Python topics (module:Class), no chain link; 2: stable names, chain link, seal;
3: a year keeps its conferences and stated dates, a cluster its stated counts."""
READABLE = frozenset({3, FORMAT})
"""Format 3 is read as it is (format 4 only adds the columns' tag); older ones are rebuilt."""

SNAPSHOT_TYPES: dict[str, type[Enum] | type[BaseModel]] = {t.__name__: t for t in (
    ScoreKind, RecipientKind, Role, AwardLevel, BallotBasis,
    Criterion, Vote, BallotHeld, UnitsHonoured, LeadershipElected, Recipient, BallotThreshold,
    PledgeAdopted, MidYearReviewHeld, YearEndReviewHeld,  # a year's conferences
)}
"""Every enum and contract model an entity's state may hold, by stable name."""
_NAMES = {t: name for name, t in SNAPSHOT_TYPES.items()}

UNSEALED = "0" * 64


class SnapshotRefused(ValueError):
    """A stored snapshot the ledger will not use; `reason` is one of: old-format, foreign,
    doctored, unknown-type (the read folds the entity from its events instead)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


def encode(value: Any) -> Any:
    """The value as tagged JSON, as the stored snapshot holds it (parsed from `encode_text`)."""
    return from_json(encode_text(value))


def encode_text(value: Any) -> str:
    """The value as the text of tagged JSON, exactly as the standard library's encoder writes
    it with the stock transcoder's settings (compact, UTF-8 unescaped); a dict of `LEAST`
    entries or more, of immutable values, as columns (format 4). Written as text because a
    year's snapshot is taken every hundred events: the text of unchanged values is kept from
    the snapshot before (`_Encoded`, and the columns), where building the tagged values again
    and walking them with `json` cost three quarters of a command on a 3,000-score year. Most
    values are found by their exact type in one lookup; `_text_other` settles the rest
    (enums, models, subclasses) to the same form."""
    by_type = _ENCODERS.get(type(value))
    return by_type(value) if by_type is not None else _text_other(value)


class _Encoded:
    """Encodings of immutable values (ids, dates, and tuples of ids, codes, points and kinds),
    by the identity of the value, which each entry holds so that no other value can take its
    id. A year snapshotted every hundred events encodes the same thousands of scores each
    time, from the same objects it keeps in memory; found here, each costs one lookup.
    Bounded: emptied when full."""

    size = 65_536

    def __init__(self) -> None:
        self._kept: dict[int, tuple[Any, str]] = {}

    def get(self, value: Any) -> str | None:
        kept = self._kept.get(id(value))
        return kept[1] if kept is not None and kept[0] is value else None

    def put(self, value: Any, encoded: str) -> str:
        if len(self._kept) >= self.size:
            self._kept.clear()
        self._kept[id(value)] = (value, encoded)
        return encoded


_ENCODED = _Encoded()
_string = json.encoder.encode_basestring  # the standard encoder's own (ensure_ascii=False): in C
_STANDARD = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
"""The stock transcoder's JSON settings, for what is rare in a snapshot (floats, models' dumps)."""


def _text_dict(value: dict[Any, Any]) -> str:
    if len(value) >= LEAST and (columns := _COLUMNS.text(value, _KEYS, encode_text)) is not None:
        return columns[0]
    return '{"~d":[' + ",".join([_item_text(k, v) for k, v in value.items()]) + "]}"


def _item_text(key: Any, value: Any) -> str:
    return "[" + encode_text(key) + "," + encode_text(value) + "]"


def encode_state(state: dict[str, Any]) -> str:
    """An entity's state (attribute -> value) as `encode_text` writes it, except that a large
    dict with the same keys, object for object, as an earlier attribute's names that one
    instead of writing them again (a year's score dates have its scores' ids)."""
    items: list[str] = []
    written: list[tuple[str, list[int]]] = []
    for name, value in state.items():
        columns = _COLUMNS.text(value, _KEYS, encode_text, written) if type(value) is dict and len(value) >= LEAST \
            else None
        if columns is None:
            items.append(_item_text(name, value))
            continue
        text, key_ids, same = columns
        items.append("[" + _string(name) + "," + text + "]")
        if same is None:
            written.append((name, key_ids))
    return '{"~d":[' + ",".join(items) + "]}"


_COLUMNS = Kept()


def _immutable(value: Any) -> bool:
    return type(value) in _IMMUTABLE or (type(value) is tuple and all(type(v) in _IMMUTABLE for v in value))


def _text_list(value: list[Any]) -> str:
    return "[" + ",".join([encode_text(v) for v in value]) + "]"


def _uuid_text(value: UUID) -> str:
    return '{"~u":"' + str(value) + '"}'


def _date_text(value: date) -> str:
    return '{"~date":"' + value.isoformat() + '"}'


def _tuple_text(value: tuple[Any, ...]) -> str:
    return '{"~t":[' + ",".join([encode_text(v) for v in value]) + "]}"


def _kept(encoder: Any) -> Any:
    def kept(value: Any) -> str:
        found = _ENCODED.get(value)
        return found if found is not None else _ENCODED.put(value, encoder(value))
    return kept


def _tuple_kept(value: tuple[Any, ...]) -> str:
    found = _ENCODED.get(value)
    if found is not None:
        return found
    # Only a tuple of immutable values encodes the same for as long as it lives; its parts
    # are not kept apart (the tuple's text holds them).
    if _immutable(value):
        return _ENCODED.put(value, '{"~t":[' + ",".join([_ONCE.get(type(v), encode_text)(v) for v in value]) + "]}")
    return _tuple_text(value)


def _enum_text(value: Enum) -> str:
    return '{"~e":"' + _NAMES[type(value)] + '","v":' + encode_text(value._value_) + "}"  # `.value`: a slow descriptor


def _model_text(value: BaseModel) -> str:
    return '{"~m":' + _string(_name(value)) + ',"v":' + _STANDARD(value.model_dump(mode="json")) + "}"


_ENUMS = tuple(t for t in SNAPSHOT_TYPES.values() if issubclass(t, Enum))
_MODELS = tuple(t for t in SNAPSHOT_TYPES.values() if issubclass(t, BaseModel) and t.model_config.get("frozen"))
"""The contract's models are frozen, their fields tuples, scalars and frozen models."""
_IMMUTABLE = frozenset({str, int, float, bool, type(None), UUID, datetime, date, Decimal, *_ENUMS, *_MODELS})
_ONCE: dict[type, Any] = {
    str: _string, int: int.__repr__, bool: lambda value: "true" if value else "false",
    type(None): lambda _: "null", float: _STANDARD,
    UUID: _uuid_text,
    datetime: lambda value: '{"~dt":"' + value.isoformat() + '"}',
    date: _date_text,
    Decimal: lambda value: '{"~n":"' + str(value) + '"}',
    **{t: _enum_text for t in _ENUMS},
    **{t: _model_text for t in _MODELS},
}
"""A value's text without keeping it (scalars, and the parts of a kept tuple)."""
_ENCODERS: dict[type, Any] = {
    **_ONCE, UUID: _kept(_uuid_text), date: _kept(_date_text), **{t: _kept(_model_text) for t in _MODELS},
    dict: _text_dict, list: _text_list, tuple: _tuple_kept,
}
_KEYS = keys_of_values(_ENUMS, _MODELS, encode_text)
"""The values a column may hold, each with what tells it apart (see snapshot_columns)."""


def _text_other(value: Any) -> str:
    if isinstance(value, Enum):  # before str: StrEnum values are str too
        return '{"~e":' + _string(_name(value)) + ',"v":' + encode_text(value.value) + "}"
    if value is None or isinstance(value, bool | int | float | str):
        return _STANDARD(value)
    if isinstance(value, dict):
        return _text_dict(value)
    if isinstance(value, list):
        return _text_list(value)
    if isinstance(value, tuple):
        return _tuple_text(value)
    for kind in (UUID, datetime, date, Decimal):  # datetime before date: it is one
        if isinstance(value, kind):
            return _ONCE[kind](value)
    if isinstance(value, BaseModel):
        return _model_text(value)
    raise TypeError(f"cannot snapshot a {type(value).__name__}")


def _name(value: Any) -> str:
    try:
        return _NAMES[type(value)]
    except KeyError:
        raise TypeError(f"{type(value).__name__} is not in SNAPSHOT_TYPES: add it to snapshot it") from None


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    tag, data = next(iter(value.items()))
    by_tag = _DECODERS.get(tag)
    if by_tag is not None:
        return by_tag(data)
    match tag:
        case "~e":
            return _listed(data, Enum)(value["v"])
        case "~m":
            return _listed(data, BaseModel).model_validate(value["v"])
    raise SnapshotRefused("unknown-type", f"unknown snapshot tag {str(tag)[:40]!r}")


def _decode_uuid(data: Any) -> UUID:
    return _uuid(data)


def _decode_items(data: Any) -> dict[Any, Any]:
    """A dict's entries in order: a columnar one may name an earlier entry's keys as its own."""
    found: dict[Any, Any] = {}
    for key, value in data:
        columnar = type(value) is dict and len(value) == 1 and "~c" in value
        found[decode(key)] = _decode_columns(value["~c"], found) if columnar else decode(value)
    return found


def _decode_columns(data: Any, earlier: dict[str, Any] | None) -> dict[Any, Any]:
    try:
        n, width = data["n"], data["w"]
        keys = keys_of(data["k"], n, earlier, _uuids, decode)
        columns = [column_of(column, n, decode) for column in data["v"]]
        if width is None and len(columns) == 1:
            return dict(zip(keys, columns[0], strict=True))
        if type(width) is int and len(columns) == width > 0:
            return dict(zip(keys, zip(*columns, strict=True), strict=True))
    except SnapshotRefused:
        raise  # (a ValueError) as the value in the column gave it: an unknown type stays one
    except (KeyError, TypeError, ValueError, IndexError) as bad:
        raise SnapshotRefused("doctored", f"its columns do not read: {bad}") from None
    raise SnapshotRefused("doctored", "its columns do not match their width")


_DECODERS: dict[str, Any] = {
    "~d": _decode_items,
    "~t": lambda data: tuple([decode(v) for v in data]),
    "~u": _decode_uuid,
    "~dt": datetime.fromisoformat,
    "~date": date.fromisoformat,
    "~n": Decimal,
    "~c": lambda data: _decode_columns(data, None),
}
"""The tags that stand alone (an enum's or a model's also carries its value, "v")."""


def _listed(name: Any, kind: type) -> Any:
    found = SNAPSHOT_TYPES.get(name) if isinstance(name, str) else None
    if found is None or not issubclass(found, kind):
        raise SnapshotRefused("unknown-type", f"{str(name)[:80]!r} is not a snapshot type")
    return found


_uuid = TypeAdapter(UUID).validate_python
_uuids = TypeAdapter(list[UUID]).validate_python
"""UUID(text) in Rust: a year's snapshot holds two ids per score, and uuid.UUID's own
parsing, in Python, was a third of reading one back."""


def entity_kinds() -> dict[str, type]:
    """The entities whose snapshots the ledger keeps, by stable name (imported here, not at
    the top: the entities import this module)."""
    from thidua_ledger.domain.cluster import Cluster
    from thidua_ledger.domain.year import EmulationYear

    return {"Cluster": Cluster, "EmulationYear": EmulationYear}


class EncodedState:
    """An entity's state as the text of tagged JSON (`encode_text`), which the ledger's
    transcoder writes into the stored snapshot as it is, instead of parsing and writing it
    again; anything else that meets one refuses it (it is no JSON value)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


class EntitySnapshot(Snapshot):
    """The state is stored under "encoded", after "effective_through" (the latest effective
    date among the facts folded so far), the format, and the position, chain link and seal.
    Written first, they can be read from the head of the stored bytes, which tells an
    as-of-date read whether it may start from this snapshot, and a read whether it is sound."""

    @classmethod
    def take_at(cls, aggregate: Any, position: int, chain: str) -> "EntitySnapshot":
        """A snapshot of `aggregate`, whose last event stands at `position` with link `chain`."""
        kind = next((name for name, k in entity_kinds().items() if type(aggregate) is k), None)
        if kind is None:
            raise TypeError(f"{type(aggregate).__name__} is not an entity the ledger snapshots")
        taken = super().take(aggregate)
        through = getattr(aggregate, "_effective_through", None)
        state = {k: v for k, v in taken.state.items() if k not in aggregate.derived}
        return replace(taken, topic=kind, state={
            "effective_through": through.isoformat() if through else None, "format": FORMAT,
            "position": position, "chain": chain, "seal": UNSEALED, "encoded": EncodedState(encode_state(state))})

    def mutate(self, _: None) -> Any:
        """The entity, constructed only as one of `entity_kinds()` (eventsourcing's own
        `Snapshot.mutate` would import whatever class the stored topic names)."""
        kind = entity_kinds().get(self.topic)
        if kind is None:
            raise SnapshotRefused("unknown-type", f"{str(self.topic)[:80]!r} is not an entity the ledger snapshots")
        encoded = self.state["encoded"]
        state = decode(from_json(encoded.text) if isinstance(encoded, EncodedState) else encoded)
        state["_id"], state["_version"], state["_pending_events"] = self.originator_id, self.originator_version, []
        entity: Any = object.__new__(kind)
        object.__setattr__(entity, "__dict__", state)
        entity.rebuild_derived()
        return entity


@dataclass(frozen=True)
class Head:
    """What a stored snapshot says of itself, read from its first bytes."""
    effective_through: date | None
    format: int
    position: int
    chain: str
    seal: str


HEAD = re.compile(rb'"state":\{"effective_through":(?:null|"(\d{4}-\d{2}-\d{2})"),"format":(\d+),'
                  rb'"position":(\d+),"chain":"([0-9a-f]{64})","seal":"([0-9a-f]{64})","encoded":')


def read_head(head: bytes) -> Head | None:
    """None for a snapshot of another format (or a compressed or encrypted store)."""
    found = HEAD.search(head)
    if not found:
        return None
    through = date.fromisoformat(found[1].decode()) if found[1] else None
    return Head(through, int(found[2]), int(found[3]), found[4].decode(), found[5].decode())


def effective_through(head: bytes) -> date | None:
    """The latest effective date in a stored snapshot of a readable format, from the first
    bytes of its state; None when they do not say."""
    found = read_head(head)
    return found.effective_through if found and found.format in READABLE else None


