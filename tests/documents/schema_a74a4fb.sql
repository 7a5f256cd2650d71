-- The documents store's schema as release a74a4fb made it (before versioned migrations),
-- copied from that release's projections.SCHEMA and register.SCHEMA. {blob} is BLOB or BYTEA.
CREATE TABLE IF NOT EXISTS proj_tracking (name TEXT PRIMARY KEY, position BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS proj_authorities (position BIGINT PRIMARY KEY, authority_id TEXT NOT NULL, name TEXT NOT NULL, symbol TEXT NOT NULL, parent_id TEXT, place TEXT, effective_date TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS proj_units (position BIGINT PRIMARY KEY, unit_id TEXT NOT NULL, authority_id TEXT NOT NULL, symbol TEXT, effective_date TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS proj_unit_names (position BIGINT PRIMARY KEY, unit_id TEXT NOT NULL, effective_date TEXT NOT NULL, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS proj_postings (position BIGINT PRIMARY KEY, person_id TEXT NOT NULL, effective_date TEXT NOT NULL, full_name TEXT, unit_id TEXT NOT NULL, rank TEXT, title TEXT);
CREATE TABLE IF NOT EXISTS proj_clusters (position BIGINT PRIMARY KEY, cluster_id TEXT NOT NULL, name TEXT NOT NULL, authority_id TEXT NOT NULL, effective_date TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS proj_memberships (position BIGINT PRIMARY KEY, cluster_id TEXT NOT NULL, unit_id TEXT NOT NULL, effective_date TEXT NOT NULL, joined INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS proj_year_facts (position BIGINT PRIMARY KEY, cluster_id TEXT NOT NULL, year INTEGER NOT NULL, fact_type TEXT NOT NULL, version INTEGER NOT NULL, effective_date TEXT NOT NULL, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS proj_awards (position BIGINT PRIMARY KEY, award_id TEXT NOT NULL, fact_type TEXT NOT NULL, version INTEGER NOT NULL, authority_id TEXT NOT NULL, cluster_id TEXT, year INTEGER NOT NULL, payload TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS proj_unit_names_unit ON proj_unit_names (unit_id);
CREATE INDEX IF NOT EXISTS proj_postings_person ON proj_postings (person_id);
CREATE INDEX IF NOT EXISTS proj_memberships_cluster ON proj_memberships (cluster_id);
CREATE INDEX IF NOT EXISTS proj_year_facts_year ON proj_year_facts (cluster_id, year);
CREATE INDEX IF NOT EXISTS proj_awards_id ON proj_awards (award_id);
CREATE INDEX IF NOT EXISTS proj_awards_year ON proj_awards (cluster_id, year);
CREATE TABLE IF NOT EXISTS register_counters (issuer_key TEXT NOT NULL, type_symbol TEXT NOT NULL, year INTEGER NOT NULL, last_number INTEGER NOT NULL, PRIMARY KEY (issuer_key, type_symbol, year));
CREATE TABLE IF NOT EXISTS register_templates (template_version TEXT PRIMARY KEY, template_name TEXT NOT NULL, content {blob} NOT NULL);
CREATE TABLE IF NOT EXISTS register_documents (document_id TEXT PRIMARY KEY, kind TEXT NOT NULL, subject TEXT NOT NULL, request TEXT NOT NULL, issuer_key TEXT NOT NULL, issuer_symbol TEXT, type_symbol TEXT, year INTEGER NOT NULL, number INTEGER, number_text TEXT, dated TEXT NOT NULL, title TEXT NOT NULL, position BIGINT NOT NULL, template_name TEXT NOT NULL, template_version TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL, issued_at TEXT NOT NULL, content {blob} NOT NULL, UNIQUE (issuer_key, type_symbol, year, number), UNIQUE (kind, subject));
