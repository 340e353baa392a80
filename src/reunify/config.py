"""Settings: one typed class, built by ``get_settings()`` when asked for, never at import time."""

from __future__ import annotations

import secrets
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_PLACEHOLDER_SECRETS = {"changethis", "changeme", "secret", "password", "dev", "test"}


class Settings(BaseSettings):
    """Everything Reunify can be configured with; environment variables use ``REUNIFY_``."""

    model_config = SettingsConfigDict(env_prefix="REUNIFY_", extra="ignore")

    environment: Literal["production", "development"] = Field(
        "production",
        description="production refuses placeholder secrets; development enables dev-only routes.",
    )
    database_url: str = Field(
        "sqlite:///reunify.db",
        description="SQLAlchemy URL. Default: a SQLite file in the working directory, "
        "created on first run. PostgreSQL: postgresql+psycopg://user@host/db.",
    )
    secret_key: str = Field(
        "",
        description="Signs staff sessions and one-time codes. Empty: a random key per process "
        "(sessions end at restart).",
    )
    cookie_secure: bool | None = Field(
        None,
        description="Send the staff session cookie only over HTTPS. Unset: on in production, "
        "off in development.",
    )
    host: str = Field("127.0.0.1", description="Address `reunify serve` listens on.")
    port: int = Field(8000, description="HTTP port `reunify serve` listens on.", ge=1, le=65535)
    public_url: str = Field(
        "",
        description="Address the public reaches this service at, for links in emails "
        "(e.g. https://reunify.example.org). Empty: http://HOST:PORT.",
    )
    token_ttl_hours: int = Field(
        12, description="Lifetime of a bearer token issued by /api/v1/auth/token.", ge=1
    )
    log_level: str = Field("info", description="Log level for the server.")
    pfif_domain: str = Field(
        "reunify.example.org",
        description="This repository's PFIF domain: the prefix of the record ids it exports "
        "(domain/local-id). Set it to a domain you control.",
    )
    inquiry_rate_per_address: int = Field(
        30,
        ge=1,
        description="Public inquiries and safe reports allowed per minute per client address.",
    )
    inquiry_rate_per_contact: int = Field(
        10, ge=1, description="Public inquiries allowed per minute per seeker email or phone."
    )
    smtp_host: str = Field("127.0.0.1", description="SMTP server the notifier sends email through.")
    smtp_port: int = Field(25, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_sender: str = Field(
        "reunify@localhost", description="From address of notification emails."
    )
    notify_webhook_url: str = Field(
        "", description="URL the notifier POSTs SMS/webhook notifications to (JSON); empty: off."
    )
    notify_poll_seconds: float = Field(
        0.2, gt=0, description="How often the notifier looks for pending outbox rows."
    )
    seeker_retention_days: int = Field(
        30, ge=0, description="Days after an incident closes before seekers' data is purged."
    )
    notify_in_serve: bool = Field(
        True, description="Run the notifier as a background task inside `reunify serve`."
    )
    secret_key_is_ephemeral: bool = Field(
        False, exclude=True, description="Set when no secret key was configured."
    )

    @field_validator("secret_key")
    @classmethod
    def _no_placeholder(cls, value: str) -> str:
        if value and value.strip().lower() in _PLACEHOLDER_SECRETS:
            raise ValueError("is a placeholder; set a long random value")
        return value

    @field_validator("public_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @property
    def base_url(self) -> str:
        """Where links in emails point: ``public_url``, else this server's own address."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @model_validator(mode="after")
    def _ephemeral_secret(self) -> Settings:
        if not self.secret_key:
            self.secret_key = secrets.token_urlsafe(32)
            self.secret_key_is_ephemeral = True
        return self


def get_settings(**overrides: Any) -> Settings:
    """Build settings from the environment, with explicit overrides (CLI flags) winning."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)
