"""Documents settings, read from the environment (the same names as deploy/ and compose)."""

from functools import lru_cache
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from thidua_events.body_limit import MIB
from thidua_events.tokens import DEFAULT_ISSUER, SIGNING_ALGORITHM, PublicKeys


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOCUMENTS_", extra="ignore", populate_by_name=True)

    store: Literal["sqlite", "postgres"] = "sqlite"
    sqlite_path: Path = Path("var/documents.sqlite")

    postgres_host: str = Field("127.0.0.1", validation_alias="POSTGRES_HOST")
    postgres_port: int = Field(5432, validation_alias="POSTGRES_PORT")
    postgres_user: str = Field("thidua", validation_alias="POSTGRES_USER")
    # No default: an empty password is never what a deployment means.
    postgres_password: SecretStr | None = Field(None, validation_alias="POSTGRES_PASSWORD")
    postgres_dbname: str = Field("thidua", validation_alias="POSTGRES_DBNAME")
    # A schema of its own keeps the documents tables apart from the ledger's in a shared database.
    postgres_schema: str = Field("public", validation_alias="DOCUMENTS_POSTGRES_SCHEMA")

    @model_validator(mode="after")
    def _postgres_needs_a_password(self) -> Self:
        if self.store == "postgres" and not (self.postgres_password and self.postgres_password.get_secret_value()):
            raise ValueError("set POSTGRES_PASSWORD: the PostgreSQL store has no default password")
        return self

    def postgres_secret(self) -> str:
        return self.postgres_password.get_secret_value() if self.postgres_password else ""

    # Where events come from: the ledger's HTTP feed (embedded default) or Kafka.
    source: Literal["feed", "kafka"] = "feed"
    ledger_url: str = "http://127.0.0.1:8000"
    # The feed needs a reader's token (subscriber role); without one the service does not follow.
    ledger_token: SecretStr | None = None
    # Or a file holding it, read again on every poll: rotate the token by rewriting the file.
    ledger_token_file: Path | None = None
    poll_interval: float = Field(1.0, gt=0, description="Seconds between polls once caught up")
    kafka_bootstrap_servers: str = Field("127.0.0.1:9092", validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    kafka_topic: str = "thidua.ledger.events"
    # Only where the committed offsets (the lag) show in Kafka: every replica reads every partition
    # and keeps its offsets in its own store. Give each store its own group.
    kafka_group: str = "thidua-documents"

    # Verifies bearer tokens with the issuer's public keys only: this service cannot mint one.
    # A JWKS file or URL (the ledger's /.well-known/jwks.json, or an external OpenID Connect
    # provider's). No default: the API refuses to start without it.
    token_jwks: str | None = Field(None, validation_alias="THIDUA_TOKEN_JWKS")
    token_issuer: str = Field(DEFAULT_ISSUER, validation_alias="THIDUA_TOKEN_ISSUER")
    # Comma-separated; asymmetric ones only (the verifier refuses to be configured otherwise).
    token_algorithms: str = Field(SIGNING_ALGORITHM, validation_alias="THIDUA_TOKEN_ALGORITHMS")
    token_audience: str = "documents"
    # The ledger's revocation list, read again once it is this many seconds old.
    revocations_url: str | None = Field(None, description="Default: <ledger_url>/.well-known/revocations")
    revocations_max_age: float = Field(2.0, gt=0, le=10, validation_alias="THIDUA_REVOCATIONS_MAX_AGE")

    # The largest request body (DOCUMENTS_MAX_BODY_BYTES): every route takes JSON of a few kB
    # (a signed PDF is made here, not uploaded); above this, 413 before the body is read.
    max_body_bytes: int = Field(MIB, gt=0)

    # Signed PDFs (Nghị định 30/2020, Điều 5): the issuing bodies' document keys, one folder
    # each (signing.py), and the root a verifier trusts. They sign documents, never tokens:
    # this service still cannot mint a bearer token. Without them it signs nothing (503).
    body_keys_dir: Path | None = None
    trust_root: Path | None = None

    def public_keys(self) -> PublicKeys:
        if not self.token_jwks:
            raise RuntimeError("set THIDUA_TOKEN_JWKS (the issuer's public keys: a JWKS file or URL, e.g. "
                               "the ledger's /.well-known/jwks.json) to serve the documents API")
        return PublicKeys.from_location(self.token_jwks)

    def revocation_source(self) -> str:
        return self.revocations_url or f"{self.ledger_url.rstrip('/')}/.well-known/revocations"


@lru_cache
def get_settings() -> Settings:
    return Settings()
