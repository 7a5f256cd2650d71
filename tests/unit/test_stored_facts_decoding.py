"""A replay decodes a page of stored rows a run at a time (audit.stored_history.decode_page),
taking only each fact event's fact, provenance and timestamp: it gives what eventsourcing's
stock decoder gives, and refuses what the contract refuses, whatever the neighbours in the run."""

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

import pytest
from pydantic import ValidationError
from thidua_events.facts import Provenance, Role
from thidua_events.facts.year import ScoreKind, ScoreRecorded
from thidua_ledger.audit.stored_history import StoredHistoryInconsistent, decode_page

from tests.unit.transcoders import transcoders

ID = UUID("00000000-0000-4000-8000-000000000001")
CLERK = Provenance(actor="Thư ký", role=Role.CLERK)


def score_state(n: int, provenance: Provenance = CLERK) -> bytes:
    fast, _ = transcoders()
    fact = ScoreRecorded(effective_date=date(2019, 3, 1 + n % 28), cluster_id=ID, year=2019, score_id=UUID(int=n),
                         unit_id=ID, criterion_code="1", points=Decimal(n % 40) / 4, kind=ScoreKind.SELF)
    return fast.encode({"timestamp": datetime(2019, 3, 1, n % 24, tzinfo=UTC), "fact": fact, "provenance": provenance})


def rows(states: list[bytes]) -> list[tuple[object, ...]]:
    return [(n, ID.hex, n, "thidua_ledger.domain.year:EmulationYear.Recorded", state)
            for n, state in enumerate(states, start=1)]


def test_a_page_decodes_to_what_the_stock_decoder_gives() -> None:
    states = [score_state(n, CLERK if n % 3 else Provenance(actor="Phòng \"PC01\"", role=Role.AUDITOR,
                                                             reason="Đính chính")) for n in range(150)]
    fast, stock = transcoders()
    for row, stored in zip(rows(states), decode_page(fast, rows(states), run=64), strict=True):
        expected = stock.decode(row[4])
        assert stored is not None
        assert (stored.version, stored.fact, stored.provenance, stored.timestamp) == (
            row[2], expected["fact"], expected["provenance"], expected["timestamp"])


NEAR_MISSES = {
    "points-with-three-decimals": (b'"points":"1.25"', b'"points":"1.255"'),
    "negative-points": (b'"points":"1.25"', b'"points":"-1.25"'),
    "month-precision-not-on-the-first": (b'"date_precision":"day"', b'"date_precision":"month"'),
    "unknown-field": (b'"kind":"self"', b'"kind":"self","bonus":1'),
    "actor-with-a-control-character": (b'"actor":"Th', b'"actor":"T\\th'),
    "unknown-role": (b'"role":"clerk"', b'"role":"chief"'),
    "year-out-of-bounds": (b'"year":2019', b'"year":1900'),
}


@pytest.mark.parametrize("change", NEAR_MISSES.values(), ids=NEAR_MISSES.keys())
def test_bad_stored_data_is_refused_in_a_run_of_good_ones(change: tuple[bytes, bytes]) -> None:
    states = [score_state(n) for n in range(10)]
    assert change[0] in states[5]
    states[5] = states[5].replace(*change)
    fast, stock = transcoders()
    with pytest.raises(ValidationError):
        stock.decode(states[5])
    with pytest.raises(StoredHistoryInconsistent, match=r"position 6: .*ValidationError"):
        list(decode_page(fast, rows(states), run=4))
