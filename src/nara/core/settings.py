"""One `Settings` object for the whole platform, read from `NARA_*` environment variables.

Every field is documented in docs/settings.md; a test fails when one is missing there.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Platform settings. Environment variables carry the prefix `NARA_`."""

    model_config = SettingsConfigDict(env_prefix="NARA_", extra="ignore")

    environment: Literal["development", "demo", "test", "production"] = Field(
        default="development",
        description="Where this install runs; production refuses development-only defaults.",
    )
    database_url: str = Field(
        default="sqlite:///var/nara.db",
        description="SQLAlchemy URL. SQLite runs in WAL mode; PostgreSQL uses psycopg 3.",
    )
    database_echo: bool = Field(default=False, description="Log every SQL statement.")
    pii_key_file: Path = Field(
        default=Path("var/keys/pii.key"),
        description="File holding the PII master key (32 random bytes, base64). "
        "Created with mode 0600 on first use outside production.",
    )
    pii_key: str | None = Field(
        default=None,
        description="The PII master key itself (base64 of 32 bytes); overrides pii_key_file.",
    )
    log_level: str = Field(default="INFO", description="Python logging level name.")
    log_json: bool = Field(default=False, description="Emit logs as JSON lines.")
    host: str = Field(default="127.0.0.1", description="Address `nara serve` binds to.")
    port: int = Field(default=8000, description="Port `nara serve` listens on.")
    page_size_default: int = Field(default=50, description="Default page size of list APIs.")
    page_size_max: int = Field(default=500, description="Largest page size a caller may ask for.")
    bulk_batch_rows: int = Field(
        default=100_000,
        description="Rows generated and written per batch by bulk loads (bounds their memory).",
    )
    demo_residents: int = Field(
        default=10_000, description="Size of the nation `make demo` builds into an empty database."
    )
    demo_seed: int = Field(default=2026, description="Seed of the demo nation.")
    exchange_keys_dir: Path = Field(
        default=Path("var/keys/exchange"),
        description="Directory of the exchange keystore: the platform CA and members' "
        "signing keys (private keys encrypted with a key derived from the PII master key).",
    )
    exchange_cert_validity_days: int = Field(
        default=730, description="Validity of a member signing certificate the platform CA issues."
    )
    exchange_ca_validity_days: int = Field(
        default=7300, description="Validity of the platform CA certificate when it is created."
    )
    exchange_replay_window_seconds: int = Field(
        default=300,
        description="How far a message's signed timestamp may lie from the receiver's clock.",
    )
    exchange_timestamp_interval_seconds: int = Field(
        default=60, description="Longest time between two batch time-stamps of the message log."
    )
    exchange_tsa_url: str | None = Field(
        default=None,
        description="URL of an external RFC 3161 time-stamp authority; unset, the local one.",
    )
    exchange_node_agencies: list[str] = Field(
        default_factory=list,
        description="Agencies this node serves (`nara serve --node`); empty, all of them.",
    )
    exchange_peers: dict[str, str] = Field(
        default_factory=dict,
        description="Base HTTPS URL of the node serving each agency not served here.",
    )
    max_request_bytes: int = Field(
        default=8 * 1024 * 1024,
        description="Largest request body any route reads (the exchange's `/r1` has its own); "
        "a larger one is refused with 413 `body_too_large` as soon as it passes the limit.",
    )
    exchange_tsa_rate: str = Field(
        default="120/minute",
        description="How many time-stamp requests one address may make of this node's "
        "authority (`POST /api/exchange/tsa`), per process; more are refused with 429.",
    )
    exchange_max_body_bytes: int = Field(
        default=4 * 1024 * 1024,
        description="Largest request body the exchange accepts (`/r1` and a node's listener); "
        "a larger one is refused with 413.",
    )
    exchange_node_name: str | None = Field(
        default=None,
        description="This node's host name, as other nodes reach it (its TLS certificate's "
        "name, and the node its published configuration names); the host name when unset.",
    )
    exchange_ca_holder: bool = Field(
        default=True,
        description="Whether this node holds the platform CA (a single install does). A node "
        "joining another's exchange sets it false: it then never makes a CA or certificates "
        "of its own, but trusts the imported CA and requests certificates from its holder.",
    )
    exchange_node_port: int = Field(
        default=8443, description="Port of the node's mutual-TLS listener (`nara serve --node`)."
    )
    worker_poll_seconds: float = Field(
        default=1.0, description="How long `nara worker` sleeps when nothing is due."
    )
    worker_batch: int = Field(default=100, description="Deliveries `nara worker` claims at once.")
    worker_backoff_base_seconds: float = Field(
        default=2.0, description="First retry delay of a failed delivery; doubles per attempt."
    )
    worker_backoff_max_seconds: float = Field(
        default=3600.0, description="Longest delay between two attempts of a delivery."
    )
    worker_max_attempts: int = Field(
        default=20, description="Attempts after which a delivery is parked as dead for review."
    )
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The platform's public address (QR codes, links in messages, passkeys).",
    )
    portal_default_language: str = Field(
        default="ko", description="Language of the portal for a visitor who has not chosen one."
    )
    identity_session_idle_minutes: int = Field(
        default=30, description="A session not used for this long ends."
    )
    identity_session_max_hours: int = Field(
        default=12, description="A session ends this long after sign-in, used or not."
    )
    identity_lockout_attempts: int = Field(
        default=5, description="Failed sign-ins in a row that lock an account."
    )
    identity_lockout_minutes: int = Field(
        default=15, description="How long a locked account stays locked."
    )
    identity_signin_rate: str = Field(
        default="20/minute", description="Sign-in attempts allowed per client address."
    )
    webauthn_rp_id: str = Field(
        default="localhost", description="Passkeys' relying-party id (the site's domain)."
    )
    documents_share_days: int = Field(
        default=30, description="Days a one-time link to an issued document stays valid."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
