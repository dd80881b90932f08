from django.apps import AppConfig


class IndexOpsConfig(AppConfig):
    """Models whose indexes and columns the safe index/column operations change."""

    name = "tests.testapps.indexops"
    label = "indexops"
