from functools import lru_cache
from pathlib import Path

from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings

SERVICE_DIR = Path(__file__).resolve().parents[1]


class AgenciesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="AGENCIES_", extra="ignore")

    service_name: str = "agencies"
    # How often a process re-reads a plan's revision to see whether its cached task structure is still current.
    catalog_revision_check_seconds: float = 1.0
    # How long a rendered public task page (list or detail) is resent before it is built again; a write in the
    # same process forgets them at once (catalog/pages.py). 0 turns the cache off.
    catalog_page_seconds: float = 1.0

    # Events are kept this long; a feed cursor older than that answers 410 cursor_expired.
    events_retention_days: float = 30.0
    events_prune_every_seconds: float = 3600.0
    # The webhook worker runs in every process of the service (replicas lease deliveries, none is delivered
    # twice at once); tests that drive it by hand turn it off.
    webhook_worker: bool = True
    # It sleeps until the next delivery is due, and a write in its process wakes it: this only bounds how late it
    # sees deliveries made by another replica.
    webhook_worker_interval_seconds: float = 5.0
    webhook_batch_size: int = 50
    webhook_timeout_seconds: float = 10.0
    # A delivery is leased for one attempt this long; a worker that dies mid-attempt lets another retry after it.
    webhook_lease_seconds: float = 60.0
    # Multiplies the retry schedule (immediately, 5 s, 5 min, … 24 h, 3 days in all): tests make it seconds long.
    webhook_retry_scale: float = 1.0
    # A rotated secret keeps signing (beside the new one) this long, so receivers can switch without downtime.
    webhook_secret_grace_hours: float = 24.0
    # Endpoints on loopback, private, link-local or otherwise internal addresses are refused unless this is on
    # (a closed network where the receivers live inside; the tests' receivers on loopback).
    webhook_allow_private_hosts: bool = False


@lru_cache
def get_settings() -> AgenciesSettings:
    return AgenciesSettings()
