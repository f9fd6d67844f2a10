from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from servicekit.settings import ServiceSettings, default_sqlite_url, home_dir

SERVICE_NAMES = ("agencies", "applications", "funding")


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    agencies_url: str = "http://127.0.0.1:8101"
    applications_url: str = "http://127.0.0.1:8102"
    funding_url: str = "http://127.0.0.1:8103"
    # A service that does not accept a connection in this time is "down" (502); one that does not answer
    # in upstream_read_timeout is "slow" (504).
    upstream_connect_timeout: float = 3.0
    upstream_read_timeout: float = 30.0
    upstream_pool_size: int = 200
    health_timeout: float = 2.0
    spa_dir: Path = Field(default_factory=lambda: home_dir() / "frontend" / "dist")
    # The gateway's own database: users, refresh tokens, API keys. SQLite under var/ by default.
    database_url: str = ""
    access_token_ttl_seconds: int = 900
    refresh_token_ttl_days: int = 14
    # limits' notation; "async+memory://" on one machine, "async+redis://host:6379" across replicas.
    rate_limit_storage: str = "async+memory://"
    login_rate_limit: str = "10/minute"
    api_key_rate_limit: str = "600/minute"
    max_body_bytes: int = 10 * 1024 * 1024
    # Origins allowed to call the API from a browser on another origin (the SPA itself is same-origin).
    cors_origins: list[str] = []
    log_level: str = "INFO"
    log_format: str = "json"
    access_log: bool = True

    def resolved_database_url(self) -> str:
        return ServiceSettings(database_url=self.database_url).database_url or default_sqlite_url("gateway")

    def service_urls(self) -> dict[str, str]:
        return {name: getattr(self, f"{name}_url").rstrip("/") for name in SERVICE_NAMES}


@lru_cache
def get_settings() -> GatewaySettings:
    return GatewaySettings()
