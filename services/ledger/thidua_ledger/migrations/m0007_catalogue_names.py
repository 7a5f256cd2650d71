"""The catalogue's names, persisted with both clocks.

One row per name an entity has had: its registration (or formation) and each rename, with
the log position that made it known (the second clock) and the date from which it holds
(the first clock); each join and leave of a cluster likewise. `search_text` is the name's
words without case or diacritics, each preceded by a space, so "any word starts with w"
is `LIKE '% w%'`. The tracking row says how far the projection has read the log;
`catalogue.StoredCatalogue` fills them in. Kept separate from the award register so either can be renumbered on its own.
"""

from typing import Any

VERSION = 7
DESCRIPTION = "the catalogue's names, persisted with both clocks"


def upgrade(db: Any) -> None:
    db.execute("CREATE TABLE {table:catalogue_names} (kind TEXT NOT NULL, entity_id TEXT NOT NULL, "
               "position BIGINT NOT NULL, effective_date TEXT NOT NULL, name TEXT NOT NULL, "
               "search_text TEXT NOT NULL, authority_id TEXT, cluster_id TEXT, "
               "PRIMARY KEY (kind, entity_id, position))")
    # Memberships, for "clusters with members in a year" and "units of a cluster in a year".
    db.execute("CREATE TABLE {table:catalogue_members} (cluster_id TEXT NOT NULL, unit_id TEXT NOT NULL, "
               "position BIGINT NOT NULL, effective_date TEXT NOT NULL, joined BOOLEAN NOT NULL, "
               "PRIMARY KEY (cluster_id, unit_id, position))")
    db.execute("CREATE TABLE {table:catalogue_tracking} (name TEXT PRIMARY KEY, position BIGINT NOT NULL)")
    db.execute("INSERT INTO {table:catalogue_tracking} (name, position) VALUES ('names', 0)")
    for name, columns in (("kind", "kind, position"), ("authority", "authority_id, kind")):
        db.execute(f"CREATE INDEX {_index(db, 'catalogue_' + name)} ON {{table:catalogue_names}} ({columns})")


def _index(db: Any, suffix: str) -> str:
    # Index names are unqualified on PostgreSQL (they live in their table's schema).
    return f'"{db.recorder.events_table_name}_{suffix}"'
