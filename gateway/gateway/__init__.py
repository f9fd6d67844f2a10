"""API gateway: the one public entry point. Routes /api/<service>/... to the services, serves the SPA."""

__version__ = "0.1.0"
