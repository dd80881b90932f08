from django.apps import AppConfig


class LegacyConfig(AppConfig):
    """A project app whose ``makemigrations`` is not a subclass of Django's."""

    name = "tests.installorder.legacy"
