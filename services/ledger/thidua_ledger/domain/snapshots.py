"""Snapshots of entities, so a read (now or as known at a position) starts from the
nearest snapshot instead of replaying a whole history.

An entity's state holds what JSON cannot: dicts keyed by ids, tuples, dates, decimals,
enums and contract facts. The state is written as tagged JSON here and read back to the
same Python values; the tags are explicit, so nothing is ever unpickled from the store.
"""

import re
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Snapshot
from eventsourcing.utils import get_topic, resolve_topic
from pydantic import BaseModel, TypeAdapter


def encode(value: Any) -> Any:
    if isinstance(value, Enum):  # before str: StrEnum values are str too
        return {"~e": get_topic(type(value)), "v": value.value}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return {"~d": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, tuple):
        return {"~t": [encode(v) for v in value]}
    if isinstance(value, UUID):
        return {"~u": str(value)}
    if isinstance(value, datetime):
        return {"~dt": value.isoformat()}
    if isinstance(value, date):
        return {"~date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"~n": str(value)}
    if isinstance(value, BaseModel):
        return {"~m": get_topic(type(value)), "v": value.model_dump(mode="json")}
    raise TypeError(f"cannot snapshot a {type(value).__name__}")


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    tag, data = next(iter(value.items()))
    match tag:
        case "~d":
            return {decode(k): decode(v) for k, v in data}
        case "~t":
            return tuple([decode(v) for v in data])
        case "~u":
            return _uuid(data)
        case "~dt":
            return datetime.fromisoformat(data)
        case "~date":
            return date.fromisoformat(data)
        case "~n":
            return Decimal(data)
        case "~e":
            return resolve_topic(data)(value["v"])
        case "~m":
            return resolve_topic(data).model_validate(value["v"])
    raise ValueError(f"unknown snapshot tag {tag!r}")


_uuid = TypeAdapter(UUID).validate_python
"""UUID(text) in Rust: a year's snapshot holds two ids per score, and uuid.UUID's own
parsing, in Python, was a third of reading one back."""


class EntitySnapshot(Snapshot):
    """The state is stored under "encoded", after "effective_through": the latest effective
    date among the facts folded so far. Written first, it can be read from the head of the
    stored bytes, which tells an as-of-date read whether it may start from this snapshot."""

    @classmethod
    def take(cls, aggregate: Any) -> "EntitySnapshot":
        taken = super().take(aggregate)
        through = getattr(aggregate, "_effective_through", None)
        return replace(taken, state={"effective_through": through.isoformat() if through else None,
                                     "encoded": encode(taken.state)})

    def mutate(self, _: None) -> Any:
        return replace(self, state=decode(self.state["encoded"])).mutate_plain()

    def mutate_plain(self) -> Any:
        return super().mutate(None)


THROUGH = re.compile(rb'"state":\{"effective_through":(?:null|"(\d{4}-\d{2}-\d{2})")')


def effective_through(head: bytes) -> date | None:
    """The latest effective date in a stored snapshot, from the first bytes of its state;
    None when they do not say (an older snapshot, or a compressed or encrypted store)."""
    found = THROUGH.search(head)
    return date.fromisoformat(found[1].decode()) if found and found[1] else None
