"""What every ledger fact shares: the effective date, a stable type name and version,
and the provenance of who recorded it."""

from datetime import date
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from thidua_events.bounds import Year as Year  # where the facts have always found it
from thidua_events.text import Name, Note

Id = UUID


class Role(StrEnum):
    CLERK = "clerk"
    AUDITOR = "auditor"
    SUBSCRIBER = "subscriber"
    ADMIN = "admin"


class Provenance(BaseModel):
    """Who recorded a fact, in which role, why, and from which source document."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Name
    role: Role
    reason: Note | None = None
    source_ref: Name | None = Field(None, description="Minutes or decree number, where one exists")


FACTS: dict[str, type["Fact"]] = {}
"""Every fact type by name: the contract's registry (schemas, upcasters, the relay)."""


class Fact(BaseModel):
    """Something that happened, on its effective date (the first clock)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: ClassVar[int] = 1
    aggregate: ClassVar[str] = ""  # the kind of entity whose history the fact belongs to

    effective_date: date = Field(description="The day it happened (not the day it was recorded)")

    def __init_subclass__(cls, abstract: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if abstract:  # a shared base such as YearFact, never recorded itself
            return
        if cls.__name__ in FACTS:
            raise TypeError(f"fact type {cls.__name__} is defined twice")
        FACTS[cls.__name__] = cls

    @classmethod
    def type_name(cls) -> str:
        return cls.__name__
