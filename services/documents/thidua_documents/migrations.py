"""Versioned migrations of the documents store: numbered steps, each applied once, in order.

`schema_version` records every step applied. `migrate` runs the steps a store lacks, each
in its own transaction with its version row, under a lock (PostgreSQL's advisory lock,
SQLite's write lock), so two replicas starting together migrate once. The same SQL runs
on both stores: `?` placeholders, portable types, and `{blob}` for the binary type.

To change the schema, append a step with the next number; never edit a released one (a
store that applied it would not see the edit). Step 1 is the schema of the release before
migrations (commit a74a4fb): written with IF NOT EXISTS, it adopts a store that release made.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from thidua_documents.store import Store, Tx


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS = [
    Migration(1, "the projections and the register, as release a74a4fb made them", (
        "CREATE TABLE IF NOT EXISTS proj_tracking (name TEXT PRIMARY KEY, position BIGINT NOT NULL)",
        """CREATE TABLE IF NOT EXISTS proj_authorities (position BIGINT PRIMARY KEY, authority_id TEXT NOT NULL,
            name TEXT NOT NULL, symbol TEXT NOT NULL, parent_id TEXT, place TEXT, effective_date TEXT NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS proj_units (position BIGINT PRIMARY KEY, unit_id TEXT NOT NULL,
            authority_id TEXT NOT NULL, symbol TEXT, effective_date TEXT NOT NULL)""",
        # Registration and every rename: the name a unit carried on any date.
        """CREATE TABLE IF NOT EXISTS proj_unit_names (position BIGINT PRIMARY KEY, unit_id TEXT NOT NULL,
            effective_date TEXT NOT NULL, name TEXT NOT NULL)""",
        # Registration and every posting change; NULL means "not stated by this fact".
        """CREATE TABLE IF NOT EXISTS proj_postings (position BIGINT PRIMARY KEY, person_id TEXT NOT NULL,
            effective_date TEXT NOT NULL, full_name TEXT, unit_id TEXT NOT NULL, rank TEXT, title TEXT)""",
        """CREATE TABLE IF NOT EXISTS proj_clusters (position BIGINT PRIMARY KEY, cluster_id TEXT NOT NULL,
            name TEXT NOT NULL, authority_id TEXT NOT NULL, effective_date TEXT NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS proj_memberships (position BIGINT PRIMARY KEY, cluster_id TEXT NOT NULL,
            unit_id TEXT NOT NULL, effective_date TEXT NOT NULL, joined INTEGER NOT NULL)""",
        # Everything that belongs to one cluster's year, the flag handover included, as the event's
        # own payload and version (decoded through the contract's upcasters when read): reviews,
        # ballots, honours, elections, scores, criteria, pledge, signatures.
        """CREATE TABLE IF NOT EXISTS proj_year_facts (position BIGINT PRIMARY KEY, cluster_id TEXT NOT NULL,
            year INTEGER NOT NULL, fact_type TEXT NOT NULL, version INTEGER NOT NULL, effective_date TEXT NOT NULL,
            payload TEXT NOT NULL)""",
        # Conferrals, revocations and proposals, recipients inside the payload.
        """CREATE TABLE IF NOT EXISTS proj_awards (position BIGINT PRIMARY KEY, award_id TEXT NOT NULL,
            fact_type TEXT NOT NULL, version INTEGER NOT NULL, authority_id TEXT NOT NULL, cluster_id TEXT,
            year INTEGER NOT NULL, payload TEXT NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS proj_unit_names_unit ON proj_unit_names (unit_id)",
        "CREATE INDEX IF NOT EXISTS proj_postings_person ON proj_postings (person_id)",
        "CREATE INDEX IF NOT EXISTS proj_memberships_cluster ON proj_memberships (cluster_id)",
        "CREATE INDEX IF NOT EXISTS proj_year_facts_year ON proj_year_facts (cluster_id, year)",
        "CREATE INDEX IF NOT EXISTS proj_awards_id ON proj_awards (award_id)",
        "CREATE INDEX IF NOT EXISTS proj_awards_year ON proj_awards (cluster_id, year)",
        """CREATE TABLE IF NOT EXISTS register_counters (issuer_key TEXT NOT NULL, type_symbol TEXT NOT NULL,
            year INTEGER NOT NULL, last_number INTEGER NOT NULL, PRIMARY KEY (issuer_key, type_symbol, year))""",
        """CREATE TABLE IF NOT EXISTS register_templates (template_version TEXT PRIMARY KEY,
            template_name TEXT NOT NULL, content {blob} NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS register_documents (document_id TEXT PRIMARY KEY, kind TEXT NOT NULL,
            subject TEXT NOT NULL, request TEXT NOT NULL, issuer_key TEXT NOT NULL, issuer_symbol TEXT,
            type_symbol TEXT, year INTEGER NOT NULL, number INTEGER, number_text TEXT, dated TEXT NOT NULL,
            title TEXT NOT NULL, position BIGINT NOT NULL, template_name TEXT NOT NULL,
            template_version TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL, issued_at TEXT NOT NULL,
            content {blob} NOT NULL, UNIQUE (issuer_key, type_symbol, year, number), UNIQUE (kind, subject))""",
    )),
    Migration(2, "the Kafka source: offsets per partition, and the events that arrived ahead of a gap", (
        # The next offset to read of each partition, written with the rows its messages made.
        """CREATE TABLE proj_kafka_offsets (topic TEXT NOT NULL, kafka_partition INTEGER NOT NULL,
            next_offset BIGINT NOT NULL, PRIMARY KEY (topic, kafka_partition))""",
        # Every event applied from Kafka and the position published before it: the links along
        # which the tracked position advances once nothing before an event is missing.
        "CREATE TABLE proj_arrivals (position BIGINT PRIMARY KEY, previous BIGINT NOT NULL)",
    )),
    Migration(3, "issuing bodies and their books, the register's entries with who issued and signed them, "
                 "legal instruments, signed PDFs, and each authority's family of forms", (
        # Which family of forms an authority's documents follow (a table of its own, so a store
        # made before the field existed needs no change; no row reads as the State's forms).
        """CREATE TABLE proj_authority_forms (position BIGINT PRIMARY KEY, authority_id TEXT NOT NULL,
            document_form TEXT NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS issuing_bodies (issuer_key TEXT PRIMARY KEY, symbol TEXT NOT NULL UNIQUE,
            series TEXT NOT NULL, registered_by TEXT NOT NULL, registered_at TEXT NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS register_books (issuer_key TEXT NOT NULL, book TEXT NOT NULL,
            year INTEGER NOT NULL, last_number INTEGER NOT NULL, PRIMARY KEY (issuer_key, book, year))""",
        """CREATE TABLE IF NOT EXISTS register_entries (document_id TEXT PRIMARY KEY, kind TEXT NOT NULL,
            subject TEXT NOT NULL, request TEXT NOT NULL, issuer_key TEXT NOT NULL, issuer_symbol TEXT,
            type_symbol TEXT, book TEXT, year INTEGER NOT NULL, number INTEGER, number_text TEXT, dated TEXT NOT NULL,
            title TEXT NOT NULL, position BIGINT NOT NULL, template_name TEXT NOT NULL,
            template_version TEXT NOT NULL, rendering_version TEXT NOT NULL, issued_by TEXT NOT NULL, signer TEXT,
            recipients TEXT NOT NULL, sha256 TEXT NOT NULL, canonical_sha256 TEXT NOT NULL, size INTEGER NOT NULL,
            issued_at TEXT NOT NULL, content {blob} NOT NULL,
            UNIQUE (issuer_key, book, year, number), UNIQUE (kind, subject))""",
        """CREATE TABLE IF NOT EXISTS legal_instruments (instrument_id TEXT PRIMARY KEY, title TEXT NOT NULL,
            number TEXT NOT NULL UNIQUE, issued_on TEXT NOT NULL, about TEXT, in_force_from TEXT,
            in_force_to TEXT, registered_by TEXT NOT NULL, registered_at TEXT NOT NULL)""",
        # The signed PDF of an issued document, with the SHA-256 a verifier compares.
        """CREATE TABLE IF NOT EXISTS register_signed_pdfs (document_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL,
            size INTEGER NOT NULL, signed_by TEXT NOT NULL, signed_at TEXT NOT NULL, content {blob} NOT NULL)""",
        # register_counters and register_documents of the previous release stay as they were: their
        # entries lack who issued them, the signer and the recipients, which no migration can know.
    )),
    Migration(4, "the terms (nhiệm kỳ) of Party issuing bodies, whose books run per type per term", (
        # Registered by the clerk (no article states one); ends_on NULL while the term's end is unknown.
        """CREATE TABLE party_terms (issuer_key TEXT NOT NULL, starts_on TEXT NOT NULL, ends_on TEXT,
            registered_by TEXT NOT NULL, registered_at TEXT NOT NULL, PRIMARY KEY (issuer_key, starts_on))""",
    )),
    Migration(5, "corrections and retractions of facts, and the event id of the facts they can name", (
        # A correction names its original by event id ('<entity_id>:<entity_version>'). Rows
        # projected before this step have none: a correction of one of them is not applied
        # until the projections are rebuilt from the ledger's feed.
        "ALTER TABLE proj_year_facts ADD COLUMN event_id TEXT",
        "ALTER TABLE proj_awards ADD COLUMN event_id TEXT",
        # Every FactCorrected (the replacement's type, version and payload) and FactRetracted
        # (fact_type NULL), on the entity of the original it names, in log order.
        """CREATE TABLE proj_corrections (position BIGINT PRIMARY KEY, entity_id TEXT NOT NULL,
            entity_version INTEGER NOT NULL, original_version INTEGER NOT NULL, fact_type TEXT,
            version INTEGER, payload TEXT)""",
        "CREATE INDEX proj_corrections_entity ON proj_corrections (entity_id)",
    )),
    Migration(6, "the event id of the authorities', clusters', units' and people's facts, which a clerk may correct", (
        # As in step 5: a correction of a row projected before this step (event_id NULL) is not
        # applied until the projections are rebuilt from the ledger's feed.
        *(f"ALTER TABLE {table} ADD COLUMN event_id TEXT" for table in (
            "proj_authorities", "proj_authority_forms", "proj_units", "proj_unit_names", "proj_postings",
            "proj_clusters", "proj_memberships")),
    )),
]

LATEST = MIGRATIONS[-1].version


class NewerSchema(RuntimeError):
    """The store was migrated by a newer release: this one must not write to it."""


def _applied(tx: Tx) -> int:
    row = tx.one("SELECT MAX(version) FROM schema_version")
    return int(row[0]) if row and row[0] is not None else 0


def migrate(store: Store, migrations: list[Migration] = MIGRATIONS) -> int:
    """Apply the steps the store lacks; returns its version."""
    store.enable_wal()
    blob = "BYTEA" if store.dialect == "postgres" else "BLOB"
    with store.transaction(write=True) as tx:
        if tx.dialect == "postgres":  # held to the end of this transaction: one migrating replica at a time
            tx.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.schema_version'))")
        tx.execute("""CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,
            description TEXT NOT NULL, applied_at TEXT NOT NULL)""")
        current = _applied(tx)
        known = migrations[-1].version if migrations else 0
        if current > known:
            raise NewerSchema(f"the documents store is at schema version {current}, newer than this "
                              f"release's {known}: run the newer release, or restore a backup")
        for step in migrations:
            if step.version <= current:
                continue
            for statement in step.statements:
                tx.execute(statement.replace("{blob}", blob))
            tx.execute("INSERT INTO schema_version VALUES (?, ?, ?)",
                       (step.version, step.description, datetime.now(UTC).isoformat()))
            current = step.version
        return current


def schema_version(store: Store) -> int:
    with store.transaction() as tx:
        return _applied(tx)
