from django.apps import AppConfig


class ChainConfig(AppConfig):
    """Parent -> Child (JSON payload) -> GrandChild: the delete that is slow under Python CASCADE."""

    name = "chain"
