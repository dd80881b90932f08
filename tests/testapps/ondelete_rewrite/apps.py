from django.apps import AppConfig


class OnDeleteRewriteConfig(AppConfig):
    """Models whose on_delete the makemigrations tests change (from a made-up older state)."""

    name = "tests.testapps.ondelete_rewrite"
    label = "ondelete_rewrite"
