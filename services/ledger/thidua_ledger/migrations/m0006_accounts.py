"""Accounts people sign in with, and their failed sign-ins, beside the log (not in it).

A password hash is a secret that must be replaceable and erasable; the immutable log keeps
every fact for ever and is read by auditors, so hashes live here. What an auditor must
answer (grants, revocations, disabled accounts) stays facts in the access register.
`sign_in_failures` is shared by every ledger process, so the rate limit holds across them.
"""

from typing import Any

VERSION = 6
DESCRIPTION = "accounts (name, role, argon2id hash) and failed sign-ins for rate limiting"


def upgrade(db: Any) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS {table:accounts} (name TEXT PRIMARY KEY, role TEXT NOT NULL, "
               "password_hash TEXT NOT NULL, created_at TEXT NOT NULL)")
    db.execute("CREATE TABLE IF NOT EXISTS {table:sign_in_failures} (subject TEXT NOT NULL, "
               "failed_at DOUBLE PRECISION NOT NULL)")
    name = f'"{db.recorder.events_table_name}_sign_in_failures_subject"'
    db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {{table:sign_in_failures}} (subject, failed_at)")
