from django.apps import AppConfig


class NaiveConfig(AppConfig):
    """Orders migrated the naive way: what ``makemigrations`` writes without safemigrations."""

    name = "naive"
    default_auto_field = "django.db.models.BigAutoField"
