from django.apps import AppConfig


class DriftWideConfig(AppConfig):
    """Every field type and model shape: freshly migrated, the drift inspector finds nothing."""

    name = "tests.testapps.driftwide"
    label = "driftwide"
