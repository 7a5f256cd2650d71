"""The hash chain: every stored event is linked to the one before it.

Each event's link is SHA-256 over the previous link and everything a read or the relay
takes from the stored rows: the log position, the content (a hash of the entity id,
version, topic and state, as the events table holds them), and the chain row's own
columns that reads use: entity id, version and the recording moment. The recorders
write the link in the same transaction as the event (so there is no unprotected tail),
in a table beside the events table, which also indexes the second clock.

The recording moment is the event's own timestamp, unless an event committed before it
carries a later one (two writers whose clocks or transactions overlap): then it is that
later moment. So it follows commit order and never goes backwards along the log, and it
is derived from what is hashed, which lets `verify` recompute it.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

GENESIS = "0" * 64
FORMAT = 2
"""The link formula in use; migration 2 rewrote the chains of the first (previous, position, content)."""


def content_hash(originator_id: UUID | str, version: int, topic: str, state: bytes) -> str:
    digest = hashlib.sha256(f"{originator_id}|{version}|{topic}|".encode())
    digest.update(state)
    return digest.hexdigest()


def link(previous: str, position: int, content: str, originator_id: str, version: int,
         recorded_at: str | None) -> str:
    return hashlib.sha256(
        f"{previous}|{position}|{content}|{originator_id}|{version}|{recorded_at or ''}".encode()).hexdigest()


def moment(value: datetime) -> str:
    """A recording moment as stored: UTC, fixed width, so text order is time order."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


TIMESTAMP = re.compile(rb'^\{"timestamp":\{"_type_":"datetime_iso","_data_":"([^"]+)"\}')


def stated_moment(state: bytes) -> str | None:
    """The timestamp an event's state carries (the writer's clock), normalised; None if none."""
    found = TIMESTAMP.match(state)
    if found:
        text = found[1].decode()
    else:  # another key order, or a store that is not plain JSON
        try:
            timestamp = json.loads(state)["timestamp"]
            text = timestamp["_data_"]
        except (ValueError, KeyError, TypeError, RecursionError):  # RecursionError: nested past the parser's depth
            return None
    if len(text) == STORED_WIDTH and text.endswith("+00:00") and text[19] == ".":
        return text  # already as stored (eventsourcing's UTC timestamps): spare verify a parse
    try:
        return moment(datetime.fromisoformat(text))
    except (ValueError, TypeError):
        return None


STORED_WIDTH = len("2019-01-01T00:00:00.000000+00:00")


def recorded_moment(stated: str | None, previous: str | None) -> str | None:
    """The recording moment of an event whose state says `stated`, appended after one
    recorded at `previous`."""
    if stated is None or (previous is not None and previous > stated):
        return previous
    return stated


@dataclass(frozen=True)
class ChainRow:
    position: int
    originator_id: str
    version: int
    content: str
    hash: str
    recorded_at: str | None


def chain_rows(previous: str, previous_moment: str | None, rows: list[tuple[int, Any]]) -> list[ChainRow]:
    """Links for newly inserted (position, StoredEvent) pairs, in position order, after the
    link `previous` recorded at `previous_moment`."""
    links = []
    for position, stored in rows:
        originator_id = str(stored.originator_id)
        content = content_hash(originator_id, stored.originator_version, stored.topic, stored.state)
        previous_moment = recorded_moment(stated_moment(stored.state), previous_moment)
        previous = link(previous, position, content, originator_id, stored.originator_version, previous_moment)
        links.append(ChainRow(position, originator_id, stored.originator_version, content, previous,
                              previous_moment))
    return links
