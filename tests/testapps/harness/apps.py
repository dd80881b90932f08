from django.apps import AppConfig


class HarnessConfig(AppConfig):
    """Models that exercise the test harness itself (catalog readers, load, locks)."""

    name = "tests.testapps.harness"
    label = "harness"
