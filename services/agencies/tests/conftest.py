from agencies.config import SERVICE_DIR, AgenciesSettings
from agencies.main import create_app
from servicekit.pytest_fixtures import service_fixtures

database_url, app, client, committing_client = service_fixtures(
    SERVICE_DIR, lambda database_url: create_app(AgenciesSettings(database_url=database_url))
)
