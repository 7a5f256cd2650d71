"""Ledger settings, read from the environment (the same names as deploy/ and compose)."""

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from thidua_events.body_limit import MIB
from thidua_events.tokens import DEFAULT_ISSUER, SIGNING_ALGORITHM, PublicKeys, SigningKey, key_set

from thidua_ledger.audit.recorders import RECORDER_TOPICS


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEDGER_", extra="ignore", populate_by_name=True)

    store: Literal["sqlite", "postgres"] = "sqlite"
    sqlite_path: Path = Path("var/ledger.sqlite")

    postgres_host: str = Field("127.0.0.1", validation_alias="POSTGRES_HOST")
    postgres_port: int = Field(5432, validation_alias="POSTGRES_PORT")
    postgres_user: str = Field("thidua", validation_alias="POSTGRES_USER")
    # No default: an empty password is never what a deployment means.
    postgres_password: SecretStr | None = Field(None, validation_alias="POSTGRES_PASSWORD")
    postgres_dbname: str = Field("thidua", validation_alias="POSTGRES_DBNAME")
    # One schema per ledger lets tests (and tenants) share a database safely.
    postgres_schema: str = Field("public", validation_alias="LEDGER_POSTGRES_SCHEMA")

    @model_validator(mode="after")
    def _postgres_needs_a_password(self) -> Self:
        if self.store == "postgres" and not (self.postgres_password and self.postgres_password.get_secret_value()):
            raise ValueError("set POSTGRES_PASSWORD: the PostgreSQL store has no default password")
        return self

    def postgres_secret(self) -> str:
        return self.postgres_password.get_secret_value() if self.postgres_password else ""

    kafka_bootstrap_servers: str = Field("127.0.0.1:9092", validation_alias="KAFKA_BOOTSTRAP_SERVERS")

    # The largest request body (LEDGER_MAX_BODY_BYTES): a fact is a few kB; above this, 413
    # before the body is read (thidua_events.body_limit). No route takes an upload.
    max_body_bytes: int = Field(MIB, gt=0)
    # The facts that list their recipients (AWARD_FACT_PATHS) may be longer
    # (LEDGER_MAX_AWARD_BODY_BYTES): a proposal sheet of 5000 rows with a sentence of
    # achievement each is over 1 MiB of JSON.
    max_award_body_bytes: int = Field(16 * MIB, gt=0)

    # Tokens (see thidua_events.tokens). The ledger signs with a private Ed25519 key read from
    # this file (no default: `ledger token` refuses without it) and publishes its public half.
    signing_key_file: Path | None = Field(None, validation_alias="THIDUA_SIGNING_KEY_FILE")
    # Public keys of earlier signing keys, still published and accepted until their tokens expire.
    retired_jwks_file: Path | None = Field(None, validation_alias="THIDUA_RETIRED_JWKS_FILE")
    # An external OpenID Connect provider instead of the ledger: its JWKS (file or URL) and issuer.
    token_jwks: str | None = Field(None, validation_alias="THIDUA_TOKEN_JWKS")
    token_issuer: str = Field(DEFAULT_ISSUER, validation_alias="THIDUA_TOKEN_ISSUER")
    # Comma-separated; asymmetric ones only (the verifier refuses to be configured otherwise).
    token_algorithms: str = Field(SIGNING_ALGORITHM, validation_alias="THIDUA_TOKEN_ALGORITHMS")
    token_audience: str = "ledger"
    # A revocation takes effect on this service within this many seconds.
    revocations_max_age: float = Field(2.0, gt=0, le=10, validation_alias="THIDUA_REVOCATIONS_MAX_AGE")

    def signing_key(self) -> SigningKey:
        if self.signing_key_file is None:
            raise RuntimeError("set THIDUA_SIGNING_KEY_FILE (an Ed25519 private key, PEM; "
                               "`ledger keys new` makes one) to issue tokens")
        return SigningKey.from_file(self.signing_key_file)

    def published_jwks(self) -> dict[str, Any]:
        """The public keys of /.well-known/jwks.json: the signing key's and the retired ones."""
        keys = [self.signing_key().public_jwk] if self.signing_key_file else []
        if self.retired_jwks_file:
            keys += json.loads(self.retired_jwks_file.read_text())["keys"]
        return key_set(keys)

    def public_keys(self) -> PublicKeys:
        """Where verification keys come from: the external issuer's JWKS, or the ledger's own."""
        if self.token_jwks:
            return PublicKeys.from_location(self.token_jwks)
        if self.signing_key_file is None:
            raise RuntimeError("set THIDUA_SIGNING_KEY_FILE (the ledger issues tokens) or THIDUA_TOKEN_JWKS "
                               "(an external issuer's keys) to serve the API")
        return PublicKeys.from_jwks(self.published_jwks())

    # Addresses of proxies (such as the web workplace) whose X-Forwarded-For names the client,
    # comma-separated. Empty: the peer is the client, and X-Forwarded-For is ignored (anybody
    # could write one to dodge the limit of failed sign-ins per client address).
    trusted_proxies: str = ""

    # Signs the digests of the chain head (GET /audit/digest, `ledger digest`; Ed25519, PEM; `ledger keys new`
    # makes one). Checking an old digest needs only the public key: from its own file when given,
    # else derived once at start-up and the private key is not handed to the checker.
    digest_signing_key_file: Path | None = Field(None, validation_alias="LEDGER_DIGEST_SIGNING_KEY_FILE")
    digest_public_key_file: Path | None = Field(None, validation_alias="LEDGER_DIGEST_PUBLIC_KEY_FILE")
    # Seals the snapshots the ledger writes, so a forged one is refused on read (optional:
    # without it the seal is a plain hash; see thidua_ledger.snapshot_store).
    snapshot_key: SecretStr | None = Field(None, validation_alias="LEDGER_SNAPSHOT_KEY", min_length=32)

    def eventstore_env(self) -> dict[str, str]:
        """The environment that points eventsourcing's persistence module at our store."""
        sealing = {"LEDGER_SNAPSHOT_KEY": self.snapshot_key.get_secret_value()} if self.snapshot_key else {}
        return {**self._store_env(), **sealing}

    def _store_env(self) -> dict[str, str]:
        if self.store == "sqlite":
            self.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(self.sqlite_path),
                "SQLITE_LOCK_TIMEOUT": "10",
                "APPLICATION_RECORDER_TOPIC": RECORDER_TOPICS["sqlite"],
            }
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_HOST": self.postgres_host,
            "POSTGRES_PORT": str(self.postgres_port),
            "POSTGRES_USER": self.postgres_user,
            "POSTGRES_PASSWORD": self.postgres_secret(),
            "POSTGRES_DBNAME": self.postgres_dbname,
            "POSTGRES_SCHEMA": self.postgres_schema,
            "CREATE_TABLE": "y",
            # After a server restart the pool's connections are dead: test each before use. A
            # request waits 1 s for a connection, in each of the library's 10 tries (0.2 s apart):
            # a blip of up to ~12 s is ridden out, a longer outage answers 503 (api/errors.py).
            "POSTGRES_PRE_PING": "y",
            "POSTGRES_CONNECT_TIMEOUT": "1",
            # The chain is written by our recorder's Python hook, which the DB-function path skips.
            "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
            "APPLICATION_RECORDER_TOPIC": RECORDER_TOPICS["postgres"],
        }


@lru_cache
def get_settings() -> Settings:
    return Settings()  # filled from the environment
