"""The hash chain: every stored event is linked to the one before it.

Each event's link is SHA-256 over the previous link, its log position and its stored
content. The recorders below write the link in the same transaction as the event
(so there is no unprotected tail), in a table beside the events table. The same
table indexes the second clock: position, entity, version and recording moment.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

GENESIS = "0" * 64


def content_hash(originator_id: UUID | str, version: int, topic: str, state: bytes) -> str:
    digest = hashlib.sha256(f"{originator_id}|{version}|{topic}|".encode())
    digest.update(state)
    return digest.hexdigest()


def link(previous: str, position: int, content: str) -> str:
    return hashlib.sha256(f"{previous}|{position}|{content}".encode()).hexdigest()


def recorded_at(state: bytes) -> str | None:
    """The recording moment stored in an event's state (ISO 8601), for the second clock."""
    try:
        timestamp = json.loads(state)["timestamp"]
    except (ValueError, KeyError, TypeError):
        return None
    return timestamp.get("_data_") if isinstance(timestamp, dict) else None


@dataclass(frozen=True)
class ChainRow:
    position: int
    originator_id: str
    version: int
    content: str
    hash: str
    recorded_at: str | None


def chain_rows(previous: str, rows: list[tuple[int, Any]]) -> list[ChainRow]:
    """Links for newly inserted (position, StoredEvent) pairs, in position order."""
    links = []
    for position, stored in rows:
        content = content_hash(stored.originator_id, stored.originator_version, stored.topic, stored.state)
        previous = link(previous, position, content)
        links.append(ChainRow(position, str(stored.originator_id), stored.originator_version, content,
                              previous, recorded_at(stored.state)))
    return links
