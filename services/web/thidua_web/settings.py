"""Web settings, read from the environment (prefix WEB_)."""

from functools import lru_cache
from pathlib import Path
from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from thidua_events.body_limit import MIB


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WEB_", extra="ignore")

    ledger_url: str = "http://127.0.0.1:8000"
    documents_url: str = "http://127.0.0.1:8001"
    # Encrypts and signs the session cookie (it carries the person's token). No default: a key
    # everybody knows would let anybody forge a session. Given directly or as a file (mode 0600).
    session_key: SecretStr | None = Field(None, min_length=32)
    session_key_file: Path | None = None
    # Mark the cookie Secure (sent over TLS only). Behind a TLS proxy, set it; `make run` serves
    # plain HTTP on 127.0.0.1 and leaves it off. A request that arrives over https sets it anyway.
    secure_cookies: bool = False
    # How long a call to the ledger or the documents service may take before the page says "busy".
    backend_timeout: float = Field(10.0, gt=0, le=120)
    # The largest request body (thidua_events.body_limit): a form (WEB_MAX_BODY_BYTES), and a form
    # that takes a file (WEB_MAX_UPLOAD_BYTES: a proposals sheet of up to 5 MB, an audit digest,
    # with the form's other fields). Above it, a page saying so, before the body is read.
    max_body_bytes: int = Field(MIB, gt=0)
    max_upload_bytes: int = Field(6 * MIB, gt=0)

    @model_validator(mode="after")
    def _needs_a_session_key(self) -> Self:
        if self.session_key is None and self.session_key_file is None:
            raise ValueError("set WEB_SESSION_KEY or WEB_SESSION_KEY_FILE (at least 32 characters, secret)")
        return self

    def session_secret(self) -> bytes:
        if self.session_key is not None:
            return self.session_key.get_secret_value().encode()
        if self.session_key_file is None:
            raise ValueError("set WEB_SESSION_KEY or WEB_SESSION_KEY_FILE")
        secret = self.session_key_file.read_text(encoding="utf-8").strip()
        if len(secret) < 32:
            raise ValueError(f"{self.session_key_file}: the session key must have at least 32 characters")
        return secret.encode()


@lru_cache
def get_settings() -> Settings:
    return Settings()  # filled from the environment
