"""Ledger settings, read from the environment (the same names as deploy/ and compose)."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from thidua_ledger.audit.recorders import RECORDER_TOPICS


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEDGER_", extra="ignore", populate_by_name=True)

    store: Literal["sqlite", "postgres"] = "sqlite"
    sqlite_path: Path = Path("var/ledger.sqlite")

    postgres_host: str = Field("127.0.0.1", validation_alias="POSTGRES_HOST")
    postgres_port: int = Field(5432, validation_alias="POSTGRES_PORT")
    postgres_user: str = Field("thidua", validation_alias="POSTGRES_USER")
    postgres_password: SecretStr = Field(SecretStr(""), validation_alias="POSTGRES_PASSWORD")
    postgres_dbname: str = Field("thidua", validation_alias="POSTGRES_DBNAME")
    # One schema per ledger lets tests (and tenants) share a database safely.
    postgres_schema: str = Field("public", validation_alias="LEDGER_POSTGRES_SCHEMA")

    kafka_bootstrap_servers: str = Field("127.0.0.1:9092", validation_alias="KAFKA_BOOTSTRAP_SERVERS")

    # Signs bearer tokens. No default: the API and `ledger token` refuse to start without it
    # (the relay and the audit commands do not need it).
    token_key: SecretStr | None = Field(None, validation_alias="THIDUA_TOKEN_KEY", min_length=32)

    def require_token_key(self) -> str:
        if self.token_key is None:
            raise RuntimeError("set THIDUA_TOKEN_KEY (at least 32 characters) to serve the API or issue tokens")
        return self.token_key.get_secret_value()

    # Signs audit digests; optional: only `ledger digest` and `ledger check-digest` need it.
    digest_key: SecretStr | None = Field(None, validation_alias="LEDGER_DIGEST_KEY", min_length=32)

    def eventstore_env(self) -> dict[str, str]:
        """The environment that points eventsourcing's persistence module at our store."""
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
            "POSTGRES_PASSWORD": self.postgres_password.get_secret_value(),
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
