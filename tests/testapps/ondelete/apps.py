from django.apps import AppConfig


class OnDeleteConfig(AppConfig):
    """Models with each database-level on_delete value (tables made by the test database)."""

    name = "tests.testapps.ondelete"
    label = "ondelete"
