import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings, default_sqlite_url, home_dir

SERVICE_DIR = Path(__file__).resolve().parents[1]
SERVICE_NAMES = ("agencies", "applications", "funding")


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    service_name: str = "gateway"
    host: str = "127.0.0.1"
    port: int = 8000
    # Each service's address, or several separated by commas (replicas, taken in turn).
    agencies_url: str = "http://127.0.0.1:8101"
    applications_url: str = "http://127.0.0.1:8102"
    funding_url: str = "http://127.0.0.1:8103"
    # Every service is a bulkhead of its own: its own connections, at most upstream_max_in_flight requests at
    # once (more are answered 503 with Retry-After at once), and its own timeouts. A replica that does not
    # accept a connection in upstream_connect_timeout is "down"; one that does not answer in
    # upstream_read_timeout is "slow" (504). After upstream_failure_threshold failures in a row a replica is
    # left out of rotation for upstream_retry_seconds, then tried again.
    upstream_connect_timeout: float = 3.0
    upstream_read_timeout: float = 30.0
    upstream_max_in_flight: int = 100
    upstream_failure_threshold: int = 3
    upstream_retry_seconds: float = 5.0
    health_timeout: float = 2.0
    openapi_timeout: float = 15.0
    spa_dir: Path = Field(default_factory=lambda: home_dir() / "frontend" / "dist")
    access_token_ttl_seconds: int = 900
    refresh_token_ttl_days: int = 14
    # How long one process trusts what it last read about a sign-in (user active, its version, sign-in not
    # revoked). A change made through this process is seen at once; with redis_url set, by every replica.
    session_check_seconds: float = 2.0
    # "redis://host:6379/0": sign-in revocations shared by every gateway replica.
    redis_url: str = ""
    # limits' notation; "async+memory://" on one machine, "async+redis://host:6379" across replicas.
    rate_limit_storage: str = "async+memory://"
    login_rate_limit: str = "10/minute"
    # Failed sign-ins per account, from any address: past this, the account's sign-in waits.
    login_failure_limit: str = "5/5 minutes"
    api_key_rate_limit: str = "600/minute"
    # Addresses (or CIDR ranges) of reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed.
    trusted_proxies: list[str] = []
    # Strict-Transport-Security on responses served over TLS; 0 turns it off.
    hsts_max_age: int = 31_536_000
    # Origins allowed to call the API from a browser on another origin (the SPA itself is same-origin).
    cors_origins: list[str] = []
    access_log: bool = True

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        url = default_sqlite_url("gateway")
        _private_file(Path(url.split(":///", 1)[1]))
        return url

    def service_urls(self) -> dict[str, list[str]]:
        return {name: [u.strip().rstrip("/") for u in getattr(self, f"{name}_url").split(",") if u.strip()]
                for name in SERVICE_NAMES}


def _private_file(path: Path) -> None:
    """The embedded database holds password hashes: readable by this user only, from its first byte."""
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    path.chmod(0o600)


@lru_cache
def get_settings() -> GatewaySettings:
    return GatewaySettings()
