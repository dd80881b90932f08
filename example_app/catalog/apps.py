from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """A shop catalog: the story of FKs to User, a unique_together and a redundant FK index."""

    name = "catalog"
