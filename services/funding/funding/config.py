from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings, home_dir

SERVICE_DIR = Path(__file__).resolve().parents[1]


class FundingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FUNDING_", extra="ignore")

    service_name: str = "funding"
    # Where `POST /rules/import` and `POST /budgets/import` find plan files (`<plan>.yaml`).
    plans_dir: Path = Field(default_factory=lambda: home_dir() / "plans")
    default_plan: str = "liaoning-2018-2020"
    # A reservation (pending budget → commitment) lives this long unless the saga posts or voids it first.
    reservation_timeout_seconds: int = 7 * 24 * 3600
    # How many times the unit of work runs one request after deadlocks / serialization failures / a busy database:
    # more than servicekit's default, since every posting on a hot budget contends for the same rows.
    max_transaction_attempts: int = 10
    # On PostgreSQL, post a plain transfer that takes effect in one statement (funding/ledger/single_statement.py);
    # anything else, or anything it declines, takes the full path. Off: every transfer takes the full path.
    single_statement_transfers: bool = True
    # The journal is sealed in signed checkpoints (README "Checkpoints and verification"): every
    # `checkpoint_interval_seconds` (0: only on request) a worker seals once `checkpoint_min_rows` rows follow the
    # newest checkpoint, or any row has waited `checkpoint_max_age_seconds`; one checkpoint holds at most
    # `checkpoint_max_rows`. GET /ledger/verify re-hashes only the rows since the newest checkpoint.
    checkpoint_interval_seconds: float = 1.0
    checkpoint_min_rows: int = 500
    checkpoint_max_age_seconds: float = 600.0
    checkpoint_max_rows: int = 10_000
    # The agencies service's event feed, where this process relays its outbox (the gateway's setting for it is
    # read too, so one variable serves a platform started as one).
    agencies_url: str = Field("http://127.0.0.1:8101",
                              validation_alias=AliasChoices("FUNDING_AGENCIES_URL", "GATEWAY_AGENCIES_URL",
                                                            "agencies_url"))
    agencies_timeout_seconds: float = 5.0
    event_relay: bool = True
    # A commit that adds events wakes the relay at once; this is how often it looks for events left unsent.
    event_relay_interval_seconds: float = 5.0
    # Test builds only: honour the X-Funding-Fault header (crash before commit, injected 40001 ...).
    fault_injection: bool = False


@lru_cache
def get_settings() -> FundingSettings:
    return FundingSettings()
