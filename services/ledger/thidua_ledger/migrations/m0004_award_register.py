"""The award register (sổ khen thưởng) as a persisted projection with both clocks.

Each row carries the log position that made it known (the second clock) and the effective
date from which it holds (the first clock). A conferral makes one entry per recipient; a
revocation does not change it but adds a row that holds from its own position and date,
so an entry's state as of any pair of clocks is an index lookup: the entry if its position
and date are within them, and the newest revocation within them. Stated counts (totals an
article gives without names) are rows of their own. The tracking row says how far the
projection has read the log; `award_register.StoredAwardRegister` fills them in.
"""

from typing import Any

VERSION = 4
DESCRIPTION = "the award register, persisted with both clocks"


def upgrade(db: Any) -> None:
    db.execute("CREATE TABLE {table:award_entries} (decree_id TEXT NOT NULL, subject_id TEXT NOT NULL, "
               "position BIGINT NOT NULL, ordinal INTEGER NOT NULL, effective_date TEXT NOT NULL, "
               "decree_no TEXT NOT NULL, decree_date TEXT NOT NULL, authority_id TEXT NOT NULL, "
               "award_kind TEXT NOT NULL, year INTEGER NOT NULL, cluster_id TEXT, recipient_kind TEXT NOT NULL, "
               "unit_id TEXT, person_id TEXT, PRIMARY KEY (decree_id, subject_id))")
    db.execute("CREATE TABLE {table:award_revocations} (decree_id TEXT NOT NULL, subject_id TEXT NOT NULL, "
               "position BIGINT NOT NULL, effective_date TEXT NOT NULL, decree_no TEXT NOT NULL, "
               "PRIMARY KEY (decree_id, subject_id, position))")
    db.execute("CREATE TABLE {table:award_counts} (position BIGINT PRIMARY KEY, effective_date TEXT NOT NULL, "
               "cluster_id TEXT NOT NULL, year INTEGER NOT NULL, award_kind TEXT, collectives INTEGER, "
               "individuals INTEGER, source_ref TEXT)")
    db.execute("CREATE TABLE {table:award_tracking} (name TEXT PRIMARY KEY, position BIGINT NOT NULL)")
    db.execute("INSERT INTO {table:award_tracking} (name, position) VALUES ('awards', 0)")
    # Every filter of GET /awards is an index; the clocks then narrow the few rows it finds.
    for name, columns in (("unit", "unit_id, year"), ("person", "person_id, year"),
                          ("authority", "authority_id, year"), ("cluster", "cluster_id, year"),
                          ("year", "year"), ("position", "position")):
        db.execute(f"CREATE INDEX {_index(db, 'awards_' + name)} ON {{table:award_entries}} ({columns})")
    db.execute(f"CREATE INDEX {_index(db, 'award_counts_year')} ON {{table:award_counts}} (cluster_id, year)")


def _index(db: Any, suffix: str) -> str:
    # Index names are unqualified on PostgreSQL (they live in their table's schema).
    return f'"{db.recorder.events_table_name}_{suffix}"'
