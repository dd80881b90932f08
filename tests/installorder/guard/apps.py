from django.apps import AppConfig


class GuardConfig(AppConfig):
    """A project app that overrides ``makemigrations`` (a guard run before writing files)."""

    name = "tests.installorder.guard"
