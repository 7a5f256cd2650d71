"""The chain's second format: each link also covers the chain row's entity id, version
and recording moment, and the recording moment never goes backwards along the log.

The first format linked only (previous, position, content), so the columns that known-at
reads use could be edited unnoticed. This migration first checks the whole existing chain
in the first format, and refuses (leaving the database as it was) if it does not verify:
rewriting a chain that was tampered with would launder the tampering. It then recomputes
every recording moment from the events' own timestamps, clamped to never go backwards,
and writes the links in the second format. Both formulas are frozen here, as they were.
"""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from thidua_ledger.migrations.database import MigrationRefused

VERSION = 2
DESCRIPTION = "chain links cover entity id, version and a recording moment that never goes backwards"
BATCH = 5000
GENESIS = "0" * 64


def upgrade(db: Any) -> None:
    old = new = GENESIS
    moment: str | None = None
    after = 0
    while True:
        chain = db.query("SELECT position, originator_id, originator_version, content, hash FROM {chain} "
                         "WHERE position > ? ORDER BY position LIMIT ?", (after, BATCH))
        last = int(chain[-1][0]) if chain else None
        events = db.query("SELECT {position}, originator_id, originator_version, topic, state FROM {events} "
                          "WHERE {position} > ? AND {position} <= ? ORDER BY {position}",
                          (after, last if len(chain) == BATCH else 2**62))
        if not chain and not events:
            return
        stored = {int(row[0]): row for row in events}
        if len(stored) != len(chain) or any(int(row[0]) not in stored for row in chain):
            missing = sorted(set(stored) ^ {int(row[0]) for row in chain})
            raise MigrationRefused(f"the chain does not verify at position {missing[0]}: "
                                   "an event and its link do not pair up")
        rewritten = []
        for position, originator_id, version, content, hash_ in chain:
            _, event_id, event_version, topic, state = stored[int(position)]
            event_id, state = str(UUID(str(event_id))), bytes(state)
            if content != _content(event_id, event_version, topic, state) or hash_ != _link_v1(old, position, content):
                raise MigrationRefused(f"the chain does not verify at position {position}: "
                                       "run `ledger verify` on the previous release")
            if (str(UUID(str(originator_id))), int(version)) != (event_id, int(event_version)):
                raise MigrationRefused(f"the chain's entity or version at position {position} differs from the log")
            stated = _stated(state)
            moment = moment if stated is None or (moment is not None and moment > stated) else stated
            old, new = hash_, _link_v2(new, position, content, event_id, int(event_version), moment)
            rewritten.append((new, moment, event_id, int(position)))
        db.executemany("UPDATE {chain} SET hash = ?, recorded_at = ?, originator_id = ? WHERE position = ?",
                       rewritten)
        after = int(chain[-1][0])


def _content(originator_id: str, version: int, topic: str, state: bytes) -> str:
    digest = hashlib.sha256(f"{originator_id}|{version}|{topic}|".encode())
    digest.update(state)
    return digest.hexdigest()


def _link_v1(previous: str, position: int, content: str) -> str:
    return hashlib.sha256(f"{previous}|{position}|{content}".encode()).hexdigest()


def _link_v2(previous: str, position: int, content: str, originator_id: str, version: int,
             recorded_at: str | None) -> str:
    return hashlib.sha256(
        f"{previous}|{position}|{content}|{originator_id}|{version}|{recorded_at or ''}".encode()).hexdigest()


def _stated(state: bytes) -> str | None:
    try:
        value = datetime.fromisoformat(json.loads(state)["timestamp"]["_data_"])
    except (ValueError, KeyError, TypeError):
        return None
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")
