"""Developer tooling behind manage.py: running the platform and the test suite. Never imported by services."""
