"""An index of the chain by entity and version: a snapshot is checked on every read
against the chain link at its entity and version, which must cost one index lookup,
not a scan of the entity's whole history."""

from typing import Any

VERSION = 3
DESCRIPTION = "chain indexed by entity and version, for checking snapshots"


def upgrade(db: Any) -> None:
    name = f'"{db.recorder.events_table_name}_chain_version"'
    db.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {{chain}} (originator_id, originator_version)")
