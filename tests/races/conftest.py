"""Race tests run on PostgreSQL only (see tests/conftest.py: `pg_api`)."""
