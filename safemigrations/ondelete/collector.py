"""Make Django's deletion ``Collector`` leave database-level relations to the database.

Django 5.2/6.0: the ``Collector`` asks the module function
``django.db.models.deletion.get_candidate_relations_to_delete(opts)`` which reverse relations
may need Python-side work, both when deciding whether a queryset can be deleted with one query
(``can_fast_delete``) and when collecting related rows (``collect``). It looks the function up
in the module at call time, so wrapping that one function is enough: relations whose
``on_delete`` is database-level are left out, hence no ``SELECT`` on the child table, no child
rows loaded, and the parent is fast-deletable when nothing else (signals, other relations,
generic relations) prevents it. This is the narrowest seam Django offers; ``Collector`` itself
and ``Model.delete``/``QuerySet.delete`` stay untouched.

Django 6.1+: the collector already skips every value in the module constant ``SKIP_COLLECTION``
(Django's ``DB_*`` and ``DO_NOTHING``); ``DB_RESTRICT`` is added to that set. Its
``forced_collector`` is ``PROTECT``, so the admin's delete confirmation page (which forces
collection) lists the rows that block the delete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import deletion as django_deletion

from .. import deletion

_MARK = "_safemigrations_skips_db_level"


def _skipping(original: Callable[[Any], Any]) -> Callable[[Any], Iterator[Any]]:
    def get_candidate_relations_to_delete(opts: Any) -> Iterator[Any]:
        """Django's candidates minus relations the database handles itself."""
        return (
            related
            for related in original(opts)
            if not deletion.is_db_level(related.field.remote_field.on_delete)
        )

    setattr(get_candidate_relations_to_delete, _MARK, True)
    return get_candidate_relations_to_delete


def install() -> None:
    """Apply the version's seam once."""
    if deletion.NATIVE:
        skip = django_deletion.SKIP_COLLECTION  # type: ignore[attr-defined]
        if deletion.DB_RESTRICT not in skip:
            django_deletion.SKIP_COLLECTION = skip | {deletion.DB_RESTRICT}  # type: ignore[attr-defined]
        return
    current = django_deletion.get_candidate_relations_to_delete
    if not getattr(current, _MARK, False):
        django_deletion.get_candidate_relations_to_delete = _skipping(current)  # type: ignore[assignment]
