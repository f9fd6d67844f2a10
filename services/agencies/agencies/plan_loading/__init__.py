"""Loading a plan file into the database (no HTTP: `agencies.plan_cli` and the platform's start run it)."""
