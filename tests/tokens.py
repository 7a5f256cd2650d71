"""Keys and tokens for the tests: one Ed25519 signing key per test session, its public
JWKS in a file, and `bearer` headers as `ledger token` would issue them."""

import json
import os
import tempfile
from datetime import timedelta
from pathlib import Path

from thidua_events.facts import Role
from thidua_events.tokens import DEFAULT_ISSUER, SigningKey, issue_token, key_set, new_signing_key

KEYS = Path(tempfile.mkdtemp(prefix="thidua-test-keys-"))
SIGNING_KEY_FILE = KEYS / "signing.key"
JWKS_FILE = KEYS / "jwks.json"

if not SIGNING_KEY_FILE.exists():
    SIGNING_KEY_FILE.write_bytes(new_signing_key())
    os.chmod(SIGNING_KEY_FILE, 0o600)
SIGNING_KEY = SigningKey.from_file(SIGNING_KEY_FILE)
JWKS_FILE.write_text(json.dumps(key_set([SIGNING_KEY.public_jwk])))

BOTH = ("ledger", "documents")


def mint(role: Role, actor: str = "Trần Văn Thư ký", *, key: SigningKey = SIGNING_KEY,
         issuer: str = DEFAULT_ISSUER, audience: tuple[str, ...] = BOTH,
         valid_for: timedelta | None = None) -> str:
    return issue_token(key, issuer, actor, role, audience, valid_for)


def bearer(role: Role, actor: str = "Trần Văn Thư ký", **options: object) -> dict[str, str]:
    """The header of a token as `ledger token` issues it: good for the ledger and the documents."""
    return {"Authorization": f"Bearer {mint(role, actor, **options)}"}  # type: ignore[arg-type]
