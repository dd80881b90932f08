from django.apps import AppConfig


class FaultsConfig(AppConfig):
    """The four safe operations of a generated migration, one migration each, for fault tests."""

    name = "tests.testapps.faults"
    label = "faults"
