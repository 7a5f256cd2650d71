"""The catalogue again, built anew from the log: corrections and retractions in force, award
proposals and cluster-years, a word index for search and a stored sort key for paging in SQL.

The tables are a projection of the log (nothing here is history), so they are dropped and
made again; the next read builds them from the start of the log.

- `catalogue_names` gains `ref` (the event that made the row: the fact or its correction),
  `original` (the event id of the fact it stands for, followed through corrections of
  corrections), `place` (the original's position: a replacement takes its place among the
  entity's names), `retired_at` (the position of the correction or retraction that took it
  out of force: reads known before it still see it), `year`, and `sort_key`, the name's
  Vietnamese order, syllable by syllable, as text that sorts byte by byte (PostgreSQL: the
  "C" collation), so a page is `ORDER BY sort_key, entity_id LIMIT n`.
- `catalogue_members` gains `ref`, `original` and `retired_at` likewise.
- `catalogue_words`: one row per folded word of each name row, so "a word that starts with
  w" is a range on an index rather than a scan of every name.
"""

from typing import Any

VERSION = 9
DESCRIPTION = "the catalogue with corrections in force, proposals, cluster-years, a word index and a sort key"


def upgrade(db: Any) -> None:
    binary = ' COLLATE "C"' if db.dialect == "postgres" else ""  # SQLite compares text byte by byte already
    for table in ("catalogue_names", "catalogue_members", "catalogue_words"):
        db.execute(f"DROP TABLE IF EXISTS {{table:{table}}}")
    db.execute("CREATE TABLE {table:catalogue_names} (kind TEXT NOT NULL, entity_id TEXT NOT NULL, "
               "position BIGINT NOT NULL, place BIGINT NOT NULL, effective_date TEXT NOT NULL, "
               f"name TEXT NOT NULL, search_text TEXT NOT NULL, sort_key TEXT{binary} NOT NULL, "
               "authority_id TEXT, cluster_id TEXT, year BIGINT, ref TEXT NOT NULL, original TEXT NOT NULL, "
               "retired_at BIGINT, PRIMARY KEY (kind, entity_id, position))")
    db.execute("CREATE TABLE {table:catalogue_members} (cluster_id TEXT NOT NULL, unit_id TEXT NOT NULL, "
               "position BIGINT NOT NULL, effective_date TEXT NOT NULL, joined BOOLEAN NOT NULL, "
               "ref TEXT NOT NULL, original TEXT NOT NULL, retired_at BIGINT, "
               "PRIMARY KEY (cluster_id, unit_id, position))")
    db.execute(f"CREATE TABLE {{table:catalogue_words}} (kind TEXT NOT NULL, word TEXT{binary} NOT NULL, "
               "entity_id TEXT NOT NULL, position BIGINT NOT NULL, PRIMARY KEY (kind, word, entity_id, position))")
    for name, table, columns in (("catalogue_sort", "catalogue_names", "kind, sort_key, entity_id"),
                                 ("catalogue_authority", "catalogue_names", "authority_id, kind"),
                                 ("catalogue_ref", "catalogue_names", "ref"),
                                 ("catalogue_original", "catalogue_names", "original"),
                                 ("catalogue_member_ref", "catalogue_members", "ref"),
                                 ("catalogue_member_original", "catalogue_members", "original")):
        db.execute(f"CREATE INDEX {_index(db, name)} ON {{table:{table}}} ({columns})")
    db.execute("UPDATE {table:catalogue_tracking} SET position = 0 WHERE name = 'names'")


def _index(db: Any, suffix: str) -> str:
    # Index names are unqualified on PostgreSQL (they live in their table's schema).
    return f'"{db.recorder.events_table_name}_{suffix}"'
