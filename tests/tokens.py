"""Keys and tokens for the tests: one Ed25519 signing key per test session, its public
JWKS in a file, and `bearer` headers as `ledger token` would issue them."""

import base64
import hashlib
import hmac
import json
import os
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from jwt.algorithms import OKPAlgorithm
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


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(header: dict[str, object], claims: dict[str, object]) -> str:
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"


def _claims(role: Role, actor: str) -> dict[str, object]:
    now = int(time.time())
    return {"iss": DEFAULT_ISSUER, "aud": list(BOTH), "sub": actor, "name": actor, "role": role.value,
            "iat": now, "exp": now + 3600, "jti": str(uuid.uuid4())}


def forgeries(role: Role, actor: str) -> dict[str, tuple[str, str]]:
    """Tokens an intruder could make, each with what the refusal must say (a 401's detail)."""
    claims = _claims(role, actor)
    unsigned = _unsigned({"alg": "none", "typ": "JWT", "kid": SIGNING_KEY.kid}, claims)
    # The classic confusion: HS256 keyed with the verifier's own public key, which anyone can read.
    hs_input = _unsigned({"alg": "HS256", "typ": "JWT", "kid": SIGNING_KEY.kid}, claims)
    public_pem = OKPAlgorithm.from_jwk(SIGNING_KEY.public_jwk).public_bytes(  # what /.well-known publishes
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    hs_tokens = [f"{hs_input}.{_b64(hmac.new(secret, hs_input.encode(), hashlib.sha256).digest())}"
                 for secret in (public_pem, json.dumps(SIGNING_KEY.public_jwk).encode())]
    other = SigningKey(new_signing_key())
    return {
        "another key": (mint(role, actor, key=other), "signed with a key the issuer does not publish"),
        "another key under our kid": (_with_kid(mint(role, actor, key=other), SIGNING_KEY.kid),
                                      "signature does not verify"),
        "alg none": (f"{unsigned}.", "algorithm 'none' is not accepted"),
        "HS256 with the public key (PEM)": (hs_tokens[0], "algorithm 'HS256' is not accepted"),
        "HS256 with the public key (JWK)": (hs_tokens[1], "algorithm 'HS256' is not accepted"),
        "wrong issuer": (mint(role, actor, issuer="https://intruder.example"), "was not issued by"),
        "expired": (mint(role, actor, valid_for=timedelta(seconds=-1)), "the token has expired"),
        "longer than a person's token lasts": (_long_lived(role, actor), "lasts at most"),
        "no jti": (SIGNING_KEY.sign({k: v for k, v in claims.items() if k != "jti"}), "no 'jti' claim"),
    }


def _with_kid(token: str, kid: str) -> str:
    header, payload, signature = token.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    return f"{_b64(json.dumps({**decoded, 'kid': kid}).encode())}.{payload}.{signature}"


def _long_lived(role: Role, actor: str) -> str:
    claims = _claims(role, actor)
    claims["exp"] = int(claims["iat"]) + 30 * 86400  # type: ignore[call-overload]
    return SIGNING_KEY.sign(claims)


def token_id(token: str) -> str:
    """The `jti` an admin would revoke (read without verifying: the admin holds the token)."""
    return str(jwt.decode(token, options={"verify_signature": False})["jti"])
