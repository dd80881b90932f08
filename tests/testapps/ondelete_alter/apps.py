from django.apps import AppConfig


class OnDeleteAlterConfig(AppConfig):
    """A foreign key whose on_delete changes migration by migration (AlterField, AddField)."""

    name = "tests.testapps.ondelete_alter"
    label = "ondelete_alter"
