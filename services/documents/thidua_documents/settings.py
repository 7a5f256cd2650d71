"""Documents settings, read from the environment (the same names as deploy/ and compose)."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOCUMENTS_", extra="ignore", populate_by_name=True)

    store: Literal["sqlite", "postgres"] = "sqlite"
    sqlite_path: Path = Path("var/documents.sqlite")

    postgres_host: str = Field("127.0.0.1", validation_alias="POSTGRES_HOST")
    postgres_port: int = Field(5432, validation_alias="POSTGRES_PORT")
    postgres_user: str = Field("thidua", validation_alias="POSTGRES_USER")
    postgres_password: SecretStr = Field(SecretStr(""), validation_alias="POSTGRES_PASSWORD")
    postgres_dbname: str = Field("thidua", validation_alias="POSTGRES_DBNAME")
    # A schema of its own keeps the documents tables apart from the ledger's in a shared database.
    postgres_schema: str = Field("public", validation_alias="DOCUMENTS_POSTGRES_SCHEMA")

    # Where events come from: the ledger's HTTP feed (embedded default) or Kafka.
    source: Literal["feed", "kafka"] = "feed"
    ledger_url: str = "http://127.0.0.1:8000"
    # The feed needs a reader's token (subscriber role); without one the service does not follow.
    ledger_token: SecretStr | None = None
    poll_interval: float = Field(1.0, gt=0, description="Seconds between polls once caught up")
    kafka_bootstrap_servers: str = Field("127.0.0.1:9092", validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    kafka_topic: str = "thidua.ledger.events"
    # Only where the committed offsets (the lag) show in Kafka: every replica reads every partition
    # and keeps its offsets in its own store. Give each store its own group.
    kafka_group: str = "thidua-documents"

    # Verifies the bearer tokens the ledger issues: the ledger's own key. No default: the API
    # refuses to start without it.
    token_key: SecretStr | None = Field(None, validation_alias="THIDUA_TOKEN_KEY", min_length=32)

    def require_token_key(self) -> str:
        if self.token_key is None:
            raise RuntimeError("set THIDUA_TOKEN_KEY (the ledger's key, at least 32 characters) "
                               "to serve the documents API")
        return self.token_key.get_secret_value()


@lru_cache
def get_settings() -> Settings:
    return Settings()
