from django.apps import AppConfig


class ShopConfig(AppConfig):
    """The project's models: a pending change makemigrations rewrites into a safe operation."""

    name = "tests.installorder.shop"
