"""Snapshot format 4: a large dict of immutable values written as columns.

A year's bulk is its scores (score id -> unit, criterion, points, kind, cross scorer) and
their dates. Written as one tagged object per score (format 3), 3,000 scores took 0.8 MB,
which every snapshot wrote, sealed and stored, and every cold read parsed and decoded score
by score. As columns, the keys are one string of hex ids and each position of the values
a table of its distinct values with one small index per entry:

    {"~c": {"n": 3000, "k": {"u": "<32 hex digits per id>"}, "w": 5,
            "v": [{"t": [<each distinct value, tagged>], "i": [0, 1, 0, ...]}, ...]}}

"w" is the tuples' width, or null for values that are not tuples (one column). A keys column
may instead be a table, or {"same": name}: the keys of the state's earlier attribute `name`
(a year's score dates have the scores' keys), read back as the same objects.

Only values that cannot change while they live go in columns (ids, codes, points, kinds,
dates, frozen models, and tuples of them): a table entry is decoded once and shared by
every entry that names it. Two values share a table entry only if they are written as the
same text (7.5 and 7.50 are equal Decimals, not the same entry). Anything else is left to
the tagged form.

A year grows by appending scores: the columns of a dict are kept with the entries they were
written from, and while those are, object for object, its first entries, only the entries
after them are added (as `_Grown` did for the tagged text before).
"""

import json
import threading
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from operator import attrgetter
from typing import Any
from uuid import UUID

LEAST = 64  # smaller dicts are written in the tagged form

TextOf = Callable[[Any], str]


def _same(value: Any) -> Any:
    return value


def keys_of_values(enums: tuple[type[Enum], ...], models: tuple[type, ...], text: TextOf) -> dict[type, TextOf | Any]:
    """How a value of each immutable type is told apart: by a key equal only for values
    written the same (an id by its int, which hashes in C; a Decimal by its text)."""
    return {str: _same, int: _same, bool: _same, type(None): _same, date: _same, UUID: attrgetter("int"),
            Decimal: str, datetime: datetime.isoformat, float: float.__repr__,
            **{t: attrgetter("_value_") for t in enums}, **{t: text for t in models}}


class _Table:
    """A column as the distinct values' texts and each entry's index among them."""

    __slots__ = ("indexes", "numbered", "texts")

    def __init__(self) -> None:
        self.numbered: dict[tuple[type, Any], int] = {}
        self.texts: list[str] = []
        self.indexes: list[str] = []  # the indexes' text, a piece per call of `add`

    def add(self, values: Any, keys: dict[type, Any], text: TextOf) -> bool:
        numbered, found = self.numbered, []
        for value in values:
            kind = type(value)
            key_of = keys.get(kind)
            if key_of is None:
                return False
            key = (kind, key_of(value))
            index = numbered.get(key)
            if index is None:
                index = numbered[key] = len(self.texts)
                self.texts.append(text(value))
            found.append(index)
        if found:
            self.indexes.append(",".join(map(str, found)))
        return True

    def text(self) -> str:
        return '{"t":[' + ",".join(self.texts) + '],"i":[' + ",".join(self.indexes) + "]}"


class _Ids:
    """A column of ids, each as its 32 hex digits, end to end."""

    __slots__ = ("hex",)

    def __init__(self) -> None:
        self.hex: list[str] = []

    def add(self, values: Any, keys: dict[type, Any], text: TextOf) -> bool:
        values = list(values)
        if any(type(v) is not UUID for v in values):
            return False
        self.hex.append("".join([v.hex for v in values]))
        return True

    def text(self) -> str:
        return '{"u":"' + "".join(self.hex) + '"}'


class Columns:
    """One dict's columns, kept with the entries they were written from."""

    __slots__ = ("columns", "key_ids", "keys", "source", "value_ids", "width")

    def __init__(self, source: dict[Any, Any], width: int | None, ids: bool) -> None:
        self.source, self.width = source, width
        self.keys: Any = _Ids() if ids else _Table()
        self.columns = [_Table() for _ in range(width or 1)]
        self.key_ids: list[int] = []
        self.value_ids: list[int] = []

    @classmethod
    def shaped_for(cls, source: dict[Any, Any], keys: list[Any], values: list[Any]) -> "Columns | None":
        """Columns for `source`, if its values are all tuples of one width, or none are."""
        kinds = set(map(type, values))
        if tuple in kinds:
            widths = set(map(len, values))
            if kinds != {tuple} or len(widths) != 1 or 0 in widths:
                return None
            width: int | None = widths.pop()
        else:
            width = None
        return cls(source, width, set(map(type, keys)) == {UUID})

    def add(self, keys: list[Any], values: list[Any], known: dict[type, Any], text: TextOf) -> bool:
        """Add entries; False if one does not fit (the columns are then not to be used)."""
        if not self.keys.add(keys, known, text):
            return False
        if self.width is None:
            return self.columns[0].add(values, known, text)
        if any(type(v) is not tuple or len(v) != self.width for v in values):
            return False
        by_position = list(zip(*values, strict=True)) if values else [() for _ in self.columns]
        return all(column.add(part, known, text) for column, part in zip(self.columns, by_position, strict=True))

    def text(self, same_keys: str | None) -> str:
        keys = '{"same":' + _quoted(same_keys) + "}" if same_keys is not None else self.keys.text()
        width = "null" if self.width is None else str(self.width)
        return ('{"~c":{"n":' + str(len(self.key_ids)) + ',"k":' + keys + ',"w":' + width + ',"v":['
                + ",".join([column.text() for column in self.columns]) + "]}}")


def _quoted(name: str) -> str:
    return json.dumps(name, ensure_ascii=False)


class Kept:
    """The columns of the large dicts written lately, by the identity of the dict, each held
    so that no other dict can take its id. Bounded: emptied when full. Columns are extended
    in place, so one thread at a time (two requests snapshotting the same entity would
    otherwise add the same entries twice)."""

    size = 256

    def __init__(self) -> None:
        self._kept: dict[int, Columns] = {}
        self._lock = threading.RLock()  # (a table entry written inside never reaches here, but a deadlock is no answer)

    def text(self, source: dict[Any, Any], known: dict[type, Any], text: TextOf,
             earlier: list[tuple[str, list[int]]] | None = None) -> tuple[str, list[int], str | None] | None:
        """The text of `source`'s columns, their keys' ids, and the name of the dict in
        `earlier` (name, keys' ids) whose keys they are, if any; None if it does not fit."""
        with self._lock:
            columns = self._columns(source, known, text)
            if columns is None:
                return None
            same = next((name for name, ids in earlier or () if ids == columns.key_ids), None)
            return columns.text(same), columns.key_ids, same

    def _columns(self, source: dict[Any, Any], known: dict[type, Any], text: TextOf) -> Columns | None:
        keys, values = list(source), list(source.values())
        key_ids, value_ids = list(map(id, keys)), list(map(id, values))
        kept = self._kept.get(id(source))
        start = 0
        if kept is not None and kept.source is source:
            n = len(kept.key_ids)
            if n <= len(keys) and key_ids[:n] == kept.key_ids and value_ids[:n] == kept.value_ids:
                start = n
        if not start:
            kept = Columns.shaped_for(source, keys, values)
        if kept is None or not kept.add(keys[start:], values[start:], known, text):
            self._kept.pop(id(source), None)
            if not start:
                return None
            return self._columns(source, known, text)  # an entry appended that does not fit as the others
        kept.key_ids, kept.value_ids = key_ids, value_ids
        if len(self._kept) >= self.size:
            self._kept.clear()
        self._kept[id(source)] = kept
        return kept

    def clear(self) -> None:
        self._kept.clear()


def keys_of(data: Any, n: int, earlier: dict[str, Any] | None, ids: Callable[[list[str]], list[UUID]],
            decode: Callable[[Any], Any]) -> list[Any]:
    """The keys of a columnar dict as decoded: ids, a table, or an earlier attribute's keys."""
    if isinstance(data, dict) and "same" in data:
        found = earlier.get(data["same"]) if earlier is not None and isinstance(data["same"], str) else None
        if not isinstance(found, dict) or len(found) != n:
            raise ValueError("its keys name no earlier dict of as many entries")
        return list(found)
    if isinstance(data, dict) and "u" in data:
        digits = data["u"]
        if not isinstance(digits, str) or len(digits) != 32 * n:
            raise ValueError("its ids column is not 32 hex digits an id")
        return ids([digits[i:i + 32] for i in range(0, len(digits), 32)])
    return column_of(data, n, decode)


def column_of(data: Any, n: int, decode: Callable[[Any], Any]) -> list[Any]:
    """A column's values: its table decoded once, each entry the value its index names."""
    if not isinstance(data, dict) or not isinstance(data.get("t"), list) or not isinstance(data.get("i"), list):
        raise ValueError("a column is a table and its indexes")
    table, indexes = [decode(t) for t in data["t"]], data["i"]
    if len(indexes) != n or (indexes and min(indexes) < 0):
        raise ValueError("a column's indexes do not fit its table")
    return list(map(table.__getitem__, indexes))  # IndexError, TypeError: not the table's
