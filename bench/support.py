"""What several benchmarks share."""

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from thidua_events.tokens import SigningKey

ROOT = Path(__file__).resolve().parent.parent


def postgres_params() -> dict[str, str]:
    """Connection settings from the environment, else from var/postgres/postgres.env."""
    names = ["POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DBNAME"]
    found = {k: os.environ[k] for k in names if k in os.environ}
    env_file = ROOT / "var" / "postgres" / "postgres.env"
    if len(found) < len(names) and env_file.exists():
        for line in env_file.read_text().splitlines():
            name, sep, value = line.strip().partition("=")
            if sep and name in names and name not in found:
                found[name] = value.strip().strip("'\"")
    missing = [k for k in names if k not in found]
    if missing:
        raise SystemExit(f"PostgreSQL settings missing ({', '.join(missing)}): run "
                         "`set -a; . var/postgres/postgres.env; set +a` or use --stores sqlite")
    return found


def bench_signing_key(path: Path) -> "SigningKey":
    """A throwaway Ed25519 signing key for one benchmark run, written once (mode 0600)."""
    from thidua_events.tokens import SigningKey, new_signing_key

    if not path.exists():
        path.write_bytes(new_signing_key())
        path.chmod(0o600)
    return SigningKey.from_file(path)
