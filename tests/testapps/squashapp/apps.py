from django.apps import AppConfig


class SquashAppConfig(AppConfig):
    """A history using every safe operation, state/database splits and data migrations."""

    name = "tests.testapps.squashapp"
    label = "squashapp"
