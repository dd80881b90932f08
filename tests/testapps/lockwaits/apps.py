from django.apps import AppConfig


class LockWaitsConfig(AppConfig):
    """Django's own operations and RunSQL, run by ``migrate`` with bounded lock waits."""

    name = "tests.testapps.lockwaits"
    label = "lockwaits"
