"""Settings every service shares; each service subclasses with its own env prefix."""

import os
from pathlib import Path

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

def home_dir() -> Path:
    """The folder the platform runs from (the repository root, or /app in the image): TPP_HOME, else the
    working directory. Every relative default (var/, plans/, frontend/dist) is taken from here."""
    return Path(os.environ.get("TPP_HOME") or Path.cwd()).resolve()


def data_dir() -> Path:
    """Where the embedded default keeps its files: TPP_DATA_DIR, else var/ in the home folder."""
    return Path(os.environ.get("TPP_DATA_DIR") or home_dir() / "var")


def keys_dir() -> Path:
    """Identity keys: `gateway.pem`/`.pub` and `service-<name>.pem`/`.pub` (TPP_KEYS_DIR overrides)."""
    return Path(os.environ.get("TPP_KEYS_DIR", data_dir() / "keys"))


def own_key_file(service_name: str) -> Path:
    """A service's own private key: in TPP_KEYS_DIR (each process is started with its own key folder), or, for a
    command run by hand on the embedded default, in the service's folder of the platform's keys."""
    name = f"service-{service_name}.pem"
    own = keys_dir() / name
    return own if own.is_file() else keys_dir() / service_name / name


def default_sqlite_url(service_name: str) -> str:
    """The embedded default: one SQLite file per service under the data directory."""
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite+aiosqlite:///{folder / f'{service_name}.sqlite3'}"


class ServiceSettings(BaseSettings):
    """Subclass with `model_config = SettingsConfigDict(env_prefix="FUNDING_")`."""

    model_config = SettingsConfigDict(extra="ignore")

    service_name: str = "service"
    database_url: str = ""
    database_pool_size: int = 10
    # A request that meets a serialisation failure, deadlock or lost connection runs again, up to this many times.
    max_transaction_attempts: int = 8
    # Request bodies are counted as they stream and refused past this size (413).
    max_body_bytes: int = 10 * 1024 * 1024
    log_level: str = "INFO"
    # Logs as JSON lines by default; TPP_LOG_FORMAT=text is kinder to a developer's terminal.
    log_format: str = "json"

    @field_validator("database_url")
    @classmethod
    def _normalise_driver(cls, url: str) -> str:
        # Accept the URLs people paste (postgresql://, sqlite:///) and pick the async drivers we ship.
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://") :]
        if url.startswith("postgresql://"):
            return "postgresql+asyncpg://" + url[len("postgresql://") :]
        if url.startswith("sqlite:///"):
            return "sqlite+aiosqlite:///" + url[len("sqlite:///") :]
        return url

    # Services whose service-to-service tokens this service accepts (their public keys in keys_dir()).
    trusted_services: tuple[str, ...] = ("agencies", "applications", "funding")

    def resolved_database_url(self) -> str:
        return self.database_url or default_sqlite_url(self.service_name)
