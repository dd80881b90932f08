from django.apps import AppConfig


class DriftNamesConfig(AppConfig):
    """Names the catalog holds that the migration state does not generate: a renamed model,
    table and fields (Django keeps the old index and constraint names), names longer than 63
    bytes (PostgreSQL cuts them), and the ``_like`` index of varchar/text primary keys."""

    name = "tests.testapps.driftnames"
    label = "driftnames"
