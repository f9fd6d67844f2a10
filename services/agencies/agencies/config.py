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


@lru_cache
def get_settings() -> AgenciesSettings:
    return AgenciesSettings()
