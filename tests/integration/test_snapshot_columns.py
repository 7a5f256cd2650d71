"""Snapshot format 4: a year's scores and their dates are written as columns, read back to
the same values, and a stored format-3 snapshot is still read as it is, on SQLite and
PostgreSQL."""

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic_core import from_json
from thidua_events.facts.year import CriteriaAdopted, ScoreKind, ScoreRecorded, Vote
from thidua_ledger.application import Ledger, fold
from thidua_ledger.audit.replay import state_of
from thidua_ledger.audit.snapshots import check_snapshots
from thidua_ledger.domain import snapshots
from thidua_ledger.domain.snapshots import _COLUMNS, SnapshotRefused, decode, encode_state, read_head
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.settings import Settings

from tests.factories import CLERK, cluster_with_members, wide_scale


def _read(text: str) -> Any:
    return decode(from_json(text))


def _afresh(state: dict[str, Any]) -> str:
    """The text written with no columns kept from before (kept ones are put back after)."""
    held = dict(_COLUMNS._kept)
    _COLUMNS.clear()
    try:
        return encode_state(state)
    finally:
        _COLUMNS.clear()
        _COLUMNS._kept.update(held)


_SCORES = st.tuples(st.uuids(), st.sampled_from(["1", "1.2", "10"]),
                    st.sampled_from([Decimal("7.5"), Decimal("7.50"), Decimal(0), Decimal("-0"), Decimal("60")]),
                    st.sampled_from(ScoreKind), st.one_of(st.none(), st.uuids()))
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-2, max_value=2), st.floats(allow_nan=False),
    st.decimals(allow_nan=False, allow_infinity=False, places=1), st.text(max_size=3), st.uuids(),
    st.dates(), st.datetimes(timezones=st.sampled_from([None, UTC, timezone(timedelta(hours=7))]))
    .map(lambda moment: moment.replace(fold=0)),  # a fold is not written (nor was it in format 3)
    st.sampled_from(ScoreKind), st.builds(Vote, unit_id=st.uuids(), votes=st.integers(0, 3)))
_LARGE = st.integers(min_value=64, max_value=100)


@st.composite
def _states(draw: st.DrawFn) -> dict[str, Any]:
    """A state with large dicts as a year holds them (scores, their dates on the same keys),
    and ones of any immutable scalars, of tuples of them, and a few that cannot be columns."""
    n = draw(_LARGE)
    scores = {uuid4(): draw(_SCORES) for _ in range(n)}
    state: dict[str, Any] = {"year": 2019, "scores": scores}
    if draw(st.booleans()):
        state["score_dates"] = {k: draw(st.dates()) for k in scores}  # the same key objects
    if draw(st.booleans()):
        state["copied"] = {UUID(str(k)): v for k, v in scores.items()}  # equal keys, other objects
    state["mixed"] = {draw(st.one_of(st.integers(), st.text(max_size=4), st.uuids())): draw(_SCALARS)
                      for _ in range(draw(_LARGE))}
    width = draw(st.integers(min_value=1, max_value=3))
    state["tuples"] = {k: tuple(draw(_SCALARS) for _ in range(width)) for k in range(draw(_LARGE))}
    odd = draw(st.sampled_from(["widths", "lists", "nested", "none"]))
    if odd != "none":
        state["odd"] = {k: ((k,) * (1 + k % 2) if odd == "widths" else [k] if odd == "lists" else ((k, k),))
                        for k in range(draw(_LARGE))}
    return state


@settings(max_examples=120, deadline=None)
@given(state=_states())
def test_any_state_reads_back_from_its_columns_as_it_was(state: dict[str, Any]) -> None:
    """Equal values are not enough: 7.5 and 7.50, 0 and -0, 1 and True, an instant at two
    offsets must each read back as written (repr), and the text must be standard JSON."""
    for _ in range(2):  # the second time from the columns kept
        text = encode_state(state)
        assert text == json.dumps(from_json(text), separators=(",", ":"), ensure_ascii=False)
        read = _read(text)
        assert read == state
        assert repr(read) == repr(state)
    assert '"~c"' in text  # the scores at least are columns
    if "score_dates" in state:
        assert '"same":"scores"' in text
        assert next(iter(read["score_dates"])) is next(iter(read["scores"]))  # one object, as the fold holds it
    if "copied" in state:
        assert '"same":"copied"' not in text


_CHANGES = st.lists(st.tuples(
    st.sampled_from(["append", "replace", "equal-but-other", "delete", "reinsert", "append-list", "other-width"]),
    st.integers(min_value=0, max_value=10**6)), max_size=30)


@settings(max_examples=150, deadline=None)
@given(changes=_CHANGES)
def test_columns_kept_from_the_snapshot_before_write_what_a_fresh_write_does(changes: list[tuple[str, int]]) -> None:
    """A year's columns are extended from those kept since the snapshot before. After any
    changes (appended, replaced in the middle (a correction; also by an equal value of other
    text: 7.50 for 7.5), deleted, deleted and inserted again at the end, an entry that cannot
    be a column appended, a tuple of another width) the text must be the one written with
    nothing kept, and read back to values of the same text."""
    scores: dict[UUID, Any] = {uuid4(): (uuid4(), str(n), Decimal("7.5"), ScoreKind.SELF, None) for n in range(80)}
    dates = {k: date(2019, 3, 1) for k in scores}
    state = {"scores": scores, "score_dates": dates}
    encode_state(state)
    for change, n in changes:
        keys = list(scores)
        key = keys[n % len(keys)] if keys else None
        if change == "append" or key is None:
            key = uuid4()
            scores[key], dates[key] = (uuid4(), str(n), Decimal(n), ScoreKind.CROSS, uuid4()), date(2019, 4, 1)
        elif change == "replace":
            scores[key] = (uuid4(), "x", Decimal(n), ScoreKind.SELF, None)
        elif change == "equal-but-other" and isinstance(scores[key], tuple) and len(scores[key]) == 5:
            unit, code, points, kind, by = scores[key]
            scores[key] = (unit, code, Decimal(points).quantize(Decimal("0.01")), kind, by)
        elif change == "delete":
            del scores[key]
        elif change == "reinsert":
            scores[key] = scores.pop(key)
        elif change == "append-list":
            scores[uuid4()] = ["Đợt 1"]
        else:
            scores[uuid4()] = (uuid4(), "1")
        kept = encode_state(state)
        assert kept == _afresh(state)
        assert repr(_read(kept)) == repr(state)


@pytest.mark.parametrize(("columns", "why"), [
    ({"n": 2, "k": {"u": "ab" * 16}, "w": None, "v": [{"t": [1], "i": [0, 0]}]}, "32 hex digits"),
    ({"n": 1, "k": {"same": "nothing"}, "w": None, "v": [{"t": [1], "i": [0]}]}, "no earlier dict"),
    ({"n": 1, "k": {"t": ["a"], "i": [0]}, "w": None, "v": [{"t": [1], "i": [1]}]}, "index out of range"),
    ({"n": 1, "k": {"t": ["a"], "i": [0]}, "w": None, "v": [{"t": [1], "i": [-1]}]}, "do not fit"),
    ({"n": 1, "k": {"t": ["a"], "i": [0]}, "w": 2, "v": [{"t": [1], "i": [0]}]}, "width"),
    ({"n": 1, "k": {"t": ["a"], "i": [0]}, "w": None, "v": [{"t": [{"~e": "os:system", "v": "x"}], "i": [0]}]},
     "not a snapshot type"),
])
def test_columns_that_do_not_read_refuse_the_snapshot(columns: dict[str, Any], why: str) -> None:
    with pytest.raises(SnapshotRefused, match=why) as refused:
        decode({"~d": [["x", {"~c": columns}]]})
    assert refused.value.reason == ("unknown-type" if why == "not a snapshot type" else "doctored")


def _long_year(ledger: Ledger, scores: int) -> UUID:
    setup = cluster_with_members(ledger, members=3)
    c = setup.cluster_id
    ledger.record(CriteriaAdopted(effective_date=date(2019, 1, 5), cluster_id=c, year=2019,
                                  criteria=wide_scale(scores)), CLERK)
    for n in range(scores):
        ledger.record(ScoreRecorded(effective_date=date(2019, 10, 1 + n % 20), cluster_id=c, year=2019,
                                    score_id=uuid4(), unit_id=setup.units[n % 3], criterion_code=str(n + 1),
                                    points=Decimal(n % 50) / 4, kind=ScoreKind.SELF), CLERK)
    return year_id(c, 2019)


def _stored(ledger: Ledger, entity_id: UUID, version: int) -> bytes:
    assert ledger.snapshots is not None
    [stored] = ledger.snapshots.recorder.select_events(entity_id, gt=version - 1, lte=version)
    return bytes(stored.state)


def test_a_year_is_snapshotted_in_columns_and_read_back_as_its_log_folds(ledger_settings: Settings) -> None:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    try:
        entity_id = _long_year(ledger, 230)
        stored = _stored(ledger, entity_id, 200)
        head = read_head(stored[:400])
        assert head is not None and head.format == 4
        assert b'"scores",{"~c":{"n":' in stored and b'"score_dates",{"~c":{"n":' in stored
        assert b'"k":{"same":"scores"}' in stored
        scores = stored[stored.index(b'["scores",'):stored.index(b'["superseded",')]
        dates = stored[stored.index(b'["score_dates",'):stored.index(b'["ballots",')]
        assert len(scores) + len(dates) < 60 * 200  # a score and its date ~50 bytes (format 3: ~270)
        _COLUMNS.clear()  # a cold start
        assert state_of(ledger.get(EmulationYear, entity_id)) == state_of(fold(None, ledger.events.get(entity_id)))
        assert state_of(ledger.snapshot_at(entity_id, 200)) == state_of(
            fold(None, ledger.events.get(entity_id, lte=200)))
        assert check_snapshots(ledger) == (2, [])
    finally:
        ledger.close()


def test_a_stored_format_3_snapshot_is_read_as_it_is(ledger_settings: Settings,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Snapshots written before format 4 are neither refused nor rewritten: format 4 only
    adds the columns' tag. The snapshot at 100 is written by the format-3 writer (no
    columns), sealed and stored by the ledger as it was then."""
    ledger = Ledger(env=ledger_settings.eventstore_env())
    try:
        monkeypatch.setattr(snapshots, "FORMAT", 3)
        monkeypatch.setattr(snapshots, "LEAST", 10**9)
        entity_id = _long_year(ledger, 110)
        monkeypatch.undo()
        old = _stored(ledger, entity_id, 100)
        head = read_head(old[:400])
        assert head is not None and head.format == 3 and b'"~c"' not in old
        _COLUMNS.clear()
        from_snapshot = ledger.snapshot_at(entity_id, 100)  # None if refused
        assert from_snapshot is not None
        assert state_of(from_snapshot) == state_of(fold(None, ledger.events.get(entity_id, lte=100)))
        assert state_of(ledger.get(EmulationYear, entity_id)) == state_of(fold(None, ledger.events.get(entity_id)))
        assert _stored(ledger, entity_id, 100) == old  # not rewritten
        assert snapshots.effective_through(old[:400]) == date(2019, 10, 20)
        assert check_snapshots(ledger) == (1, [])
    finally:
        ledger.close()


def test_a_value_is_told_apart_by_its_text_not_its_equality() -> None:
    """The near misses of a table: values equal in Python but written differently."""
    keys = [uuid4() for _ in range(70)]
    near = [Decimal("7.5"), Decimal("7.50"), 1, True, 1.0, Decimal(1), Decimal("-0"), Decimal(0),
            datetime(2019, 1, 1, 7, tzinfo=timezone(timedelta(hours=7))), datetime(2019, 1, 1, tzinfo=UTC)]
    state = {"values": {k: near[n % len(near)] for n, k in enumerate(keys)}}
    read = _read(encode_state(state))
    assert [(type(v), str(v)) for v in read["values"].values()] == [(type(v), str(v)) for v in state["values"].values()]
