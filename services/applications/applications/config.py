from functools import lru_cache
from pathlib import Path

from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings

SERVICE_DIR = Path(__file__).resolve().parents[1]


class ApplicationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="APPLICATIONS_", extra="ignore")

    service_name: str = "applications"


@lru_cache
def get_settings() -> ApplicationsSettings:
    return ApplicationsSettings()
