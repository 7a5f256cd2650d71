"""Bearer tokens: a signed claim of who the caller is, in which role, for which service.

One issuer signs them with a private Ed25519 key (the ledger, `ledger token`; or an external
OpenID Connect provider by configuration) and publishes the public keys as a JWKS. Every
service verifies with public keys only, so no verifier can mint. The claims are a contract
between the issuer and the verifiers, so writing and reading them live here, together.
Needs the `tokens` extra (PyJWT with cryptography).
"""

import hashlib
import json
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from thidua_events.facts import Role
from thidua_events.text import clean_text

SIGNING_ALGORITHM = "EdDSA"
# The `iss` of the ledger's tokens unless a deployment names its own (a URL, for OpenID Connect).
DEFAULT_ISSUER = "urn:thidua:ledger"
# What a verifier may be configured to accept: asymmetric only. "none" and every HS* are
# impossible to configure (an HS256 forgery keyed with the public key is the classic attack).
ASYMMETRIC = frozenset({"EdDSA", "ES256", "ES384", "RS256", "PS256"})
WRITERS = frozenset({Role.CLERK, Role.ADMIN})
SERVICES = frozenset({Role.SUBSCRIBER})
# A person's token lasts a working day; a service's is rotated within a week.
PERSON_LIFETIME = timedelta(hours=12)
SERVICE_LIFETIME = timedelta(days=7)
REQUIRED_CLAIMS = ["iss", "aud", "sub", "exp", "iat", "jti"]
VERIFIED_TOKENS_KEPT = 10_000


class InvalidToken(Exception):
    pass


class RevocationsUnavailable(Exception):
    """The list of revoked tokens could not be refreshed: a verifier refuses rather than guess."""


@dataclass(frozen=True)
class Principal:
    actor: str  # the name recorded as provenance
    role: Role
    subject: str = ""  # `sub`: the account that grants and revocations name
    token_id: str = ""  # `jti`

    @property
    def can_write(self) -> bool:
        return self.role in WRITERS


def max_lifetime(role: Role) -> timedelta:
    return SERVICE_LIFETIME if role in SERVICES else PERSON_LIFETIME


def subject_digest(subject: str) -> str:
    """How the public revocation list names an account: its hash, not the person's name."""
    return hashlib.sha256(clean_text(subject).encode()).hexdigest()


# --- the issuer's side ---------------------------------------------------------------------


def new_signing_key() -> bytes:
    """A fresh Ed25519 private key, PEM (PKCS#8) encoded: a secret, for a file of mode 0600."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


class SigningKey:
    """The issuer's private key; `kid` is the RFC 7638 thumbprint of its public half."""

    def __init__(self, pem: bytes) -> None:
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the signing key must be an Ed25519 private key (PEM)")
        self._key = key
        public = json.loads(OKPAlgorithm.to_jwk(key.public_key()))
        self.kid = _thumbprint(public)
        self.public_jwk: dict[str, str] = {**public, "kid": self.kid, "alg": SIGNING_ALGORITHM, "use": "sig"}

    @classmethod
    def from_file(cls, path: Path) -> "SigningKey":
        return cls(path.read_bytes())

    def __repr__(self) -> str:  # never the key itself, in a log or a traceback
        return f"SigningKey(kid={self.kid!r})"

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self._key, algorithm=SIGNING_ALGORITHM, headers={"kid": self.kid})


def _thumbprint(jwk: dict[str, str]) -> str:
    members = {name: jwk[name] for name in ("crv", "kty", "x")}
    digest = hashlib.sha256(json.dumps(members, separators=(",", ":"), sort_keys=True).encode()).digest()
    return jwt.utils.base64url_encode(digest).decode()


def issue_token(key: SigningKey, issuer: str, actor: str, role: Role, audience: Sequence[str],
                valid_for: timedelta | None = None) -> str:
    """A token for `actor` (its subject and provenance name) on the services in `audience`."""
    now = datetime.now(UTC)
    valid_for = max_lifetime(role) if valid_for is None else valid_for
    if valid_for > max_lifetime(role):
        raise ValueError(f"a {role} token lasts at most {max_lifetime(role)}")
    name = clean_text(actor)
    claims = {"iss": issuer, "aud": list(audience), "sub": name, "name": name, "role": role.value,
              "iat": now, "exp": now + valid_for, "jti": str(uuid.uuid4())}
    return key.sign(claims)


def key_set(public_jwks: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The JWKS document a verifier reads: public keys only (a private member is refused)."""
    keys = list(public_jwks)
    for jwk in keys:
        if "d" in jwk:
            raise ValueError(f"key {jwk.get('kid')} is private: a JWKS publishes public keys only")
    return {"keys": keys}


# --- the verifier's side -------------------------------------------------------------------


class PublicKeys:
    """The issuer's public keys by `kid`, from a JWKS document, file or URL. An unknown kid
    makes it read the source again (the issuer rotated), at most once per `refresh_every`."""

    def __init__(self, load: Callable[[], dict[str, Any]], refresh_every: float = 30.0) -> None:
        self._load = load
        self.refresh_every = refresh_every
        self._keys: dict[str, jwt.PyJWK] = {}
        self._loaded_at: float | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_jwks(cls, jwks: dict[str, Any]) -> "PublicKeys":
        return cls(lambda: jwks, refresh_every=float("inf"))

    @classmethod
    def from_location(cls, location: str) -> "PublicKeys":
        """A path to a JWKS file, or an http(s) URL serving one (fetched when first needed)."""
        if location.startswith(("http://", "https://")):
            def fetch() -> dict[str, Any]:
                with urllib.request.urlopen(location, timeout=5) as response:
                    document: dict[str, Any] = json.load(response)
                return document
            return cls(fetch)
        path = Path(location)
        return cls(lambda: json.loads(path.read_text()))

    def get(self, kid: str | None) -> jwt.PyJWK | None:
        with self._lock:
            now = time.monotonic()
            stale = self._loaded_at is None or (kid not in self._keys
                                                and now - self._loaded_at >= self.refresh_every)
            if stale:
                self._keys = self._read()
                self._loaded_at = now
            return self._keys.get(kid or "")

    def _read(self) -> dict[str, jwt.PyJWK]:
        try:
            document = self._load()
        except (OSError, ValueError) as error:
            raise InvalidToken(f"the issuer's public keys cannot be read ({type(error).__name__})") from None
        keys = {}
        for jwk in document.get("keys", []):
            if "d" in jwk or jwk.get("kty") == "oct":
                continue  # never verify with a secret or a private key, whatever the document says
            try:
                keys[jwk.get("kid", "")] = jwt.PyJWK(jwk)
            except jwt.PyJWTError:
                continue  # a key of a kind we do not verify with
        return keys


@dataclass(frozen=True)
class Revoked:
    """What the ledger has revoked: tokens by `jti`, and every token of a disabled account."""

    token_ids: frozenset[str] = frozenset()
    subject_digests: frozenset[str] = frozenset()

    def reason(self, principal: Principal) -> str | None:
        if principal.token_id in self.token_ids:
            return "the token has been revoked"
        if subject_digest(principal.subject) in self.subject_digests:
            return f"the access of '{principal.subject}' has been revoked"
        return None

    def as_json(self) -> dict[str, list[str]]:
        return {"token_ids": sorted(self.token_ids), "subject_digests": sorted(self.subject_digests)}

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> "Revoked":
        return cls(frozenset(document["token_ids"]), frozenset(document["subject_digests"]))


class RevocationList:
    """The revocations, read again from their source once they are `max_age` seconds old:
    a revocation takes effect on this verifier within `max_age` seconds."""

    def __init__(self, fetch: Callable[[], Revoked], max_age: float = 2.0) -> None:
        self._fetch = fetch
        self.max_age = max_age
        self._current = Revoked()
        self._fetched_at: float | None = None
        self._lock = threading.Lock()

    def current(self) -> Revoked:
        fetched_at = self._fetched_at
        if fetched_at is not None and time.monotonic() - fetched_at < self.max_age:
            return self._current
        with self._lock:
            if self._fetched_at is None or time.monotonic() - self._fetched_at >= self.max_age:
                try:
                    self._current = self._fetch()
                except Exception as error:
                    raise RevocationsUnavailable(f"the revocation list cannot be read: {error}") from None
                self._fetched_at = time.monotonic()
            return self._current

    def expire(self) -> None:
        """Read the source again on the next check (this process just recorded a revocation)."""
        self._fetched_at = None


class Verifier:
    """Checks a bearer token: signature by one of the issuer's public keys, an accepted
    asymmetric algorithm, issuer, audience, lifetime, and not revoked."""

    def __init__(self, keys: PublicKeys, issuer: str, audience: str,
                 algorithms: Sequence[str] = (SIGNING_ALGORITHM,),
                 revocations: RevocationList | None = None) -> None:
        refused = set(algorithms) - ASYMMETRIC
        if refused or not algorithms:
            raise ValueError(f"refusing to verify with {sorted(refused) or 'no'} algorithms; "
                             f"choose among {sorted(ASYMMETRIC)}")
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.algorithms = list(algorithms)
        self.revocations = revocations
        # Tokens that passed every check, until they expire: a client sends the same token on
        # every request, and checking its signature again cost more than 5% of a read. The
        # whole token (its signature included) is the key, so nothing unverified can hit.
        self._verified_tokens: dict[str, tuple[Principal, float]] = {}

    def read(self, token: str) -> Principal:
        principal = self._verified_cached(token)
        revoked = self.revocations.current().reason(principal) if self.revocations else None
        if revoked:
            raise InvalidToken(revoked)
        return principal

    def read_bearer(self, token: str | None) -> Principal:
        """The caller behind the token of an `Authorization: Bearer` header, which may be absent."""
        if token is None:
            raise InvalidToken("missing bearer token: send 'Authorization: Bearer <token>'")
        return self.read(token)

    def _verified_cached(self, token: str) -> Principal:
        hit = self._verified_tokens.get(token)
        if hit is not None and time.time() < hit[1]:
            return hit[0]
        principal, expires = self._verified(token)
        if len(self._verified_tokens) >= VERIFIED_TOKENS_KEPT:
            self._verified_tokens.clear()  # simple bound; refilled at one check per token in use
        self._verified_tokens[token] = (principal, expires)
        return principal

    def _verified(self, token: str) -> tuple[Principal, float]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise InvalidToken("the token is not valid: malformed") from None
        algorithm = header.get("alg")
        if algorithm not in self.algorithms:
            raise InvalidToken(f"the token is not valid: algorithm {algorithm!r} is not accepted "
                               f"(only {', '.join(self.algorithms)})")
        key = self.keys.get(header.get("kid"))
        if key is None:
            raise InvalidToken("the token is not valid: signed with a key the issuer does not publish")
        try:
            claims = jwt.decode(token, key.key, algorithms=[algorithm], audience=self.audience,
                                issuer=self.issuer, options={"require": REQUIRED_CLAIMS})
            role = Role(claims["role"])
            subject = clean_text(claims["sub"])
            actor = clean_text(claims.get("name") or subject)
        except jwt.ExpiredSignatureError:
            raise InvalidToken("the token has expired; ask for a new one") from None
        except jwt.InvalidAudienceError:
            raise InvalidToken(f"the token is not for this service (audience '{self.audience}')") from None
        except jwt.InvalidIssuerError:
            raise InvalidToken(f"the token was not issued by '{self.issuer}'") from None
        except jwt.MissingRequiredClaimError as error:
            raise InvalidToken(f"the token is not valid: it has no '{error.claim}' claim") from None
        except jwt.InvalidSignatureError:
            raise InvalidToken("the token is not valid: its signature does not verify") from None
        except (jwt.PyJWTError, KeyError, ValueError, TypeError):
            raise InvalidToken("the token is not valid: malformed claims") from None
        if claims["exp"] - claims["iat"] > max_lifetime(role).total_seconds():
            raise InvalidToken(f"the token is not valid: a {role} token lasts at most {max_lifetime(role)}")
        return Principal(actor=actor, role=role, subject=subject, token_id=str(claims["jti"])), claims["exp"]
