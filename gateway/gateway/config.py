from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from servicekit.settings import REPO_ROOT

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
    spa_dir: Path = REPO_ROOT / "frontend" / "dist"
    log_level: str = "INFO"
    log_format: str = "json"
    access_log: bool = True

    def service_urls(self) -> dict[str, str]:
        return {name: getattr(self, f"{name}_url").rstrip("/") for name in SERVICE_NAMES}


@lru_cache
def get_settings() -> GatewaySettings:
    return GatewaySettings()
