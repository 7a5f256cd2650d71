"""The two clocks as query parameters, shared by every read route.

Bounds (thidua_events.bounds): positions 0..2^53-1; outside them the answer is a 422
naming the parameter. Any ISO date and moment is answered."""

from datetime import date, datetime
from typing import Annotated

from fastapi import Depends, Query
from fastapi.exceptions import RequestValidationError
from thidua_events.bounds import MAX_POSITION

from thidua_ledger.api.deps import LedgerDep
from thidua_ledger.audit.clocks import Clock, position_at


def _clock(
    ledger: LedgerDep,
    as_of: Annotated[date | None, Query(description=(
        "What was true on this date (effective date), with the corrections known at the read's "
        "position applied. A fact dated only by month or year (date_precision) counts from the first "
        "day of its period, as the rules order it: a view as of any day in 2018 includes a pledge "
        "signed in \"early 2018\", and shows its date as 2018, never as a day."))] = None,
    known_at: Annotated[int | None, Query(ge=0, le=MAX_POSITION, description=(
        "As the ledger knew it at this log position: corrections recorded later are not applied"))] = None,
    known_at_time: Annotated[datetime | None, Query(
        description="As the ledger knew it at this moment (ISO 8601); "
                    "converted to a log position")] = None,
) -> Clock:
    if known_at is not None and known_at_time is not None:
        # Same shape as every other 422 (a list of errors naming the parameter), as documented.
        raise RequestValidationError([{
            "type": "value_error", "loc": ("query", "known_at_time"), "input": str(known_at_time),
            "msg": "give known_at or known_at_time, not both"}])
    if known_at_time is not None:
        known_at = position_at(ledger.recorder, known_at_time)
    return Clock(as_of=as_of, known_at=known_at)


ClockDep = Annotated[Clock, Depends(_clock)]
