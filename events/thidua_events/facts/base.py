"""What every ledger fact shares: the effective date, a stable type name and version,
and the provenance of who recorded it."""

import calendar
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from thidua_events.bounds import Year as Year  # where the facts have always found it
from thidua_events.invalid import FieldInvalid
from thidua_events.text import Name, Note

Id = UUID


def stated(day: date, precision: "DatePrecision") -> date | str:
    if precision is DatePrecision.YEAR:
        return f"{day.year:04d}"
    if precision is DatePrecision.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    return day


class Role(StrEnum):
    CLERK = "clerk"
    AUDITOR = "auditor"
    SUBSCRIBER = "subscriber"
    ADMIN = "admin"


class Provenance(BaseModel):
    """Who recorded a fact, in which role, why, and from which source document."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Name = Field(title="Người ghi nhận")
    role: Role = Field(title="Vai trò")
    reason: Note | None = Field(None, title="Lý do ghi nhận")
    source_ref: Name | None = Field(None, title="Văn bản nguồn (số biên bản, quyết định)",
                                    description="Minutes or decree number, where one exists")


class DatePrecision(StrEnum):
    """How precisely a source dates a fact: "early 2018" is a year, "March 2018" a month."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


FACTS: dict[str, type["Fact"]] = {}
"""Every fact type by name: the contract's registry (schemas, upcasters, the relay)."""


class Fact(BaseModel):
    """Something that happened, on its effective date (the first clock)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: ClassVar[int] = 1
    aggregate: ClassVar[str] = ""  # the kind of entity whose history the fact belongs to
    title_vi: ClassVar[str] = ""  # what a clerk calls this kind of fact (its form's heading); every type sets it

    effective_date: date = Field(
        title="Ngày hiệu lực",
        description="The day it happened (not the day it was recorded); with a date_precision of month "
                    "or year, the first day of that month or year")
    date_precision: DatePrecision = Field(
        DatePrecision.DAY, title="Độ chính xác của ngày",
        description="day, or month or year where the source states no more (\"early 2018\" is year "
                    "2018): read back and printed as 2018-03 or 2018, never as a day. Rules and as-of "
                    "reads place such a fact on the first day of its period.")

    @model_validator(mode="after")
    def _period_starts(self) -> Self:
        day = self.effective_date
        if self.date_precision is DatePrecision.MONTH and day.day != 1:
            raise FieldInvalid("effective_date", "with date_precision month, give the first day of the month",
                               code="month-starts-on-first")
        if self.date_precision is DatePrecision.YEAR and (day.month, day.day) != (1, 1):
            raise FieldInvalid("effective_date", "with date_precision year, give 1 January of the year",
                               code="year-starts-on-first-january")
        return self

    def stated_date(self) -> date | str:
        """The date as the source states it: a day, or "2018-03" or "2018" (ISO 8601's reduced
        precision), so nothing prints 01-01-2018 for "early 2018"."""
        return stated(self.effective_date, self.date_precision)

    def period_end(self) -> date:
        """The last day the fact may have happened on."""
        day = self.effective_date
        if self.date_precision is DatePrecision.MONTH:
            return day.replace(day=calendar.monthrange(day.year, day.month)[1])
        if self.date_precision is DatePrecision.YEAR:
            return day.replace(month=12, day=31)
        return day

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
