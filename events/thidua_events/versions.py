"""Fact versions and upcasters: old payloads are lifted to the current model on read.

A change that breaks the previous schema bumps the fact's `version` and registers an
upcaster from the old version here; stored events and Kafka messages of any version
then decode to the current model. `tests/unit/test_schemas.py` enforces this.
"""

from collections.abc import Callable
from typing import Any

from thidua_events.facts import FACTS, Fact

Payload = dict[str, Any]
Upcaster = Callable[[Payload], Payload]

UPCASTERS: dict[tuple[str, int], Upcaster] = {}
"""(fact type, from version) -> function returning the payload of version + 1."""


def upcaster(type_name: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    def register(function: Upcaster) -> Upcaster:
        UPCASTERS[(type_name, from_version)] = function
        return function

    return register


def upcast(type_name: str, version: int, payload: Payload) -> Payload:
    current = fact_type(type_name).version
    if version > current:
        raise ValueError(f"{type_name} v{version} is newer than this contract (v{current})")
    while version < current:
        try:
            payload = UPCASTERS[(type_name, version)](payload)
        except KeyError:
            raise ValueError(f"no upcaster for {type_name} from v{version}") from None
        version += 1
    return payload


def fact_type(type_name: str) -> type[Fact]:
    try:
        return FACTS[type_name]
    except KeyError:
        raise ValueError(f"unknown fact type {type_name!r}") from None


def decode_fact(type_name: str, version: int, payload: Payload) -> Fact:
    """The current model of a fact stored or sent at any version."""
    return fact_type(type_name).model_validate(upcast(type_name, version, payload))
