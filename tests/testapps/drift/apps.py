from django.apps import AppConfig


class DriftConfig(AppConfig):
    """Models whose database the drift inspector tests change behind Django's back."""

    name = "tests.testapps.drift"
    label = "drift"
