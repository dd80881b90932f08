from django.apps import AppConfig


class MirrorConfig(AppConfig):
    """A project app whose ``makemigrations`` copies ``migrate``'s autodetector in its class
    body, as Django's ``commands.E001`` hint suggests."""

    name = "tests.installorder.mirror"
