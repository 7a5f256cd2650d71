"""The two clocks of every read, from the page's query string to every API call and every link.

`as_of`: what was true on that date (ISO or dd/mm/yyyy). `known_at`: as the ledger knew it at
a log position, or `known_at_time`: at a moment (ISO). Unset, a page shows today's truth as
known now. Links made with `Clocks.link` keep them, so a reader who set the clocks stays in
that past while following links."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import Depends, Request

PARAMETERS = ("as_of", "known_at", "known_at_time")


class ClockInvalid(ValueError):
    """A clock in the query string that is not a date, a position or a moment."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


def parse_day(text: str) -> date:
    """A date as a clerk writes it (dd/mm/yyyy) or as ISO (yyyy-mm-dd)."""
    text = text.strip()
    if "/" in text:
        day, month, year = text.split("/")
        return date(int(year), int(month), int(day))
    return date.fromisoformat(text)


@dataclass(frozen=True)
class Clocks:
    as_of: date | None = None
    known_at: int | None = None
    known_at_time: datetime | None = None

    @property
    def set(self) -> bool:
        return any(value is not None for value in (self.as_of, self.known_at, self.known_at_time))

    def params(self) -> dict[str, str]:
        """The query parameters of the ledger's and the documents service's read routes."""
        found: dict[str, str] = {}
        if self.as_of is not None:
            found["as_of"] = self.as_of.isoformat()
        if self.known_at is not None:
            found["known_at"] = str(self.known_at)
        elif self.known_at_time is not None:
            found["known_at_time"] = self.known_at_time.isoformat()
        return found

    def link(self, url: str, **params: object) -> str:
        """`url` with these clocks (and `params`, None ones left out) in its query string."""
        parts = urlsplit(url)
        query = [(k, v) for k, v in parse_qsl(parts.query) if k not in PARAMETERS and k not in params]
        query += [(k, str(v)) for k, v in params.items() if v is not None]
        query += list(self.params().items())
        return urlunsplit(("", "", parts.path, urlencode(query), parts.fragment))


def clocks_from(query: dict[str, str]) -> Clocks:
    as_of = known_at = known_at_time = None
    if text := query.get("as_of", "").strip():
        try:
            as_of = parse_day(text)
        except ValueError:
            raise ClockInvalid("as_of", "không phải một ngày (dd/mm/yyyy)") from None
    if text := query.get("known_at", "").strip():
        if not text.isdigit() or int(text) > 2**53 - 1:
            raise ClockInvalid("known_at", "không phải một vị trí của sổ cái (số nguyên không âm)")
        known_at = int(text)
    if text := query.get("known_at_time", "").strip():
        try:
            known_at_time = datetime.fromisoformat(text)
        except ValueError:
            raise ClockInvalid("known_at_time", "không phải một thời điểm (yyyy-mm-ddThh:mm)") from None
    if known_at is not None and known_at_time is not None:
        raise ClockInvalid("known_at_time", "chỉ đặt một trong hai: vị trí hoặc thời điểm")
    return Clocks(as_of, known_at, known_at_time)


def page_clocks(request: Request) -> Clocks:
    clocks: Clocks | None = getattr(request.state, "clocks", None)
    if clocks is None:
        clocks = clocks_from(dict(request.query_params))
        request.state.clocks = clocks
    return clocks


ClocksDep = Annotated[Clocks, Depends(page_clocks)]
