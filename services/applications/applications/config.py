from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings, home_dir

SERVICE_DIR = Path(__file__).resolve().parents[1]


class ApplicationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="APPLICATIONS_", extra="ignore")

    service_name: str = "applications"
    # The funding service, called directly (not through the gateway) for rule amounts, with this service's token.
    funding_url: str = "http://127.0.0.1:8103"
    funding_timeout_seconds: float = 5.0
    # How long a rule's computed amount is reused before funding is asked again.
    funding_cache_seconds: float = 30.0
    # The agencies service, told of every approval (and revocation) for the deliverables derived from them.
    # (The gateway's own setting for it is read too, so one variable serves a platform started as one.)
    agencies_url: str = Field("http://127.0.0.1:8101",
                              validation_alias=AliasChoices("APPLICATIONS_AGENCIES_URL", "GATEWAY_AGENCIES_URL",
                                                            "agencies_url"))
    agencies_timeout_seconds: float = 5.0
    # The approval saga's worker in this process: how often it looks for due steps, and whether it runs at all.
    saga_worker: bool = True
    saga_worker_interval_seconds: float = 1.0
    # The relay of this process's event outbox to the agencies' event feed: whether it runs, how often it looks.
    # Build the OpenAPI document as the service starts (about a second) rather than at the gateway's first ask;
    # tests that build an app per test and never read it turn this off.
    openapi_at_startup: bool = True
    event_relay: bool = True
    # A commit that adds events wakes the relay at once; this is how often it looks for events left unsent.
    event_relay_interval_seconds: float = 5.0
    # A worker that dies holding a step lets another take it after this long.
    saga_lease_seconds: float = 30.0
    # The reconciler runs in every worker this often, and settles approvals still reserving after this long.
    reconcile_every_seconds: float = 300.0
    stale_reservation_seconds: float = 900.0
    # Where the programs files (`<plan-code>.programs.yaml`) and their forms (`forms/`) are read from.
    plans_dir: Path = Field(default_factory=lambda: home_dir() / "plans")
    # Evidence files: each at most this size (the gateway refuses bodies over 10 MiB anyway), this many each.
    max_attachment_bytes: int = 8 * 1024 * 1024
    max_attachments_per_application: int = 10


@lru_cache
def get_settings() -> ApplicationsSettings:
    return ApplicationsSettings()
