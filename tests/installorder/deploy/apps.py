from django.apps import AppConfig


class DeployConfig(AppConfig):
    """A project app that overrides ``migrate`` (a hook run before migrating)."""

    name = "tests.installorder.deploy"
