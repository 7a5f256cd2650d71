"""The ledger's one-pass decoder takes its fast paths only for states without a \\uXXXX
escape (an escape could spell a tag, or a lone surrogate, that the fast paths read otherwise
than the stock decoder). A backslash alone (an escaped quote or backslash in a name) is no
such escape; either way the state reads exactly as eventsourcing's stock decoder reads it."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from thidua_events.facts import Provenance, Role
from thidua_events.facts.year import ScoreKind, ScoreRecorded
from thidua_ledger.transcoding import LedgerTranscoder

from tests.unit.transcoders import transcoders

ID = UUID("00000000-0000-4000-8000-000000000001")
SCORE = ScoreRecorded(effective_date=date(2019, 3, 1), cluster_id=ID, year=2019, score_id=ID, unit_id=ID,
                      criterion_code="1", points=Decimal("7.5"), kind=ScoreKind.SELF)


def fact_state(actor: str) -> bytes:
    fast, _ = transcoders()
    return fast.encode({"timestamp": datetime(2019, 3, 1, tzinfo=UTC), "fact": SCORE,
                        "provenance": Provenance(actor=actor, role=Role.CLERK)})


def reads_as_stock(state: bytes) -> Any:
    fast, stock = transcoders()
    expected = stock.decode(state)
    assert fast.decode(state) == expected
    assert fast.decode_many([state, state], run=2) == [expected, expected]
    return expected


@pytest.mark.parametrize("actor", ['Phòng "Tham mưu"', "Phòng Tham mưu \\ PC01"])
def test_a_backslash_that_is_no_escape_keeps_the_fast_path(actor: str) -> None:
    state = fact_state(actor)
    assert b"\\" in state
    assert LedgerTranscoder._fact_like(state)  # read in one pass, not by the stock hook
    assert reads_as_stock(state)["provenance"].actor == actor


def test_a_name_that_spells_an_escape_takes_the_stock_path() -> None:
    state = fact_state("Phòng \\u00e1")  # text: JSON doubles the backslash, and a backslash and a u remain
    assert not LedgerTranscoder._fact_like(state)
    assert reads_as_stock(state)["provenance"].actor == "Phòng \\u00e1"


def test_an_escaped_fact_state_reads_as_the_stock_decoder_reads_it() -> None:
    state = fact_state("Thư ký").replace(b'fact:ScoreRecorded', b'fact:Score\\u0052ecorded')
    assert not LedgerTranscoder._fact_like(state)
    assert reads_as_stock(state)["fact"] == SCORE


def test_a_tag_spelled_with_an_escape_inside_another_state_is_decoded_as_stock() -> None:
    """A state whose nested tag the shallow path would not count (`"_type_"` spelled with an
    escape) must not be read as plain dicts."""
    fast, _ = transcoders()
    state = fast.encode({"a": {"nested": {"when": datetime(2019, 3, 1, tzinfo=UTC)}}})
    escaped = state.replace(b'"_type_"', b'"_typ\\u0065_"')
    assert escaped != state
    assert reads_as_stock(escaped) == {"a": {"nested": {"when": datetime(2019, 3, 1, tzinfo=UTC)}}}
