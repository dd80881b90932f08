"""safemigrations: safe Django schema migrations for large PostgreSQL tables."""

__version__ = "0.1.0.dev0"
