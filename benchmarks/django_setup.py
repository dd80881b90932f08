"""What the stall benchmarks share: Django settings for a scratch database, running an operation."""

from __future__ import annotations

from typing import Any


def setup_django(dbname: str) -> None:
    """Configure settings for a scratch database ``dbname`` and set Django up."""
    import django
    from django.conf import settings

    from safemigrations.db.server import get_server

    settings.configure(
        DATABASES={"default": get_server().django_database(dbname)},
        INSTALLED_APPS=["safemigrations"],
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        USE_TZ=True,
        LOGGING_CONFIG=None,
    )
    django.setup()


def apply(
    app_label: str, operation: Any, state: Any, *, atomic: bool, collect: bool = False
) -> Any:
    """Run ``operation`` forwards like ``migrate`` does.

    Returns the SQL it would run when ``collect``, else the new project state.
    """
    from django.db import connection

    new = state.clone()
    operation.state_forwards(app_label, new)
    with connection.schema_editor(atomic=atomic, collect_sql=collect) as editor:
        operation.database_forwards(app_label, editor, state, new)
    return editor.collected_sql if collect else new
