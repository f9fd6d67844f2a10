from alembic import context

from gateway.config import get_settings
from gateway.models import Base
from servicekit.migrations import run_env

if not context.config.get_main_option("sqlalchemy.url"):
    context.config.set_main_option("sqlalchemy.url", get_settings().resolved_database_url())

run_env(Base.metadata)
