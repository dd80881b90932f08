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

The admin's delete confirmation page collects with ``NestedObjects``. Django 6.1 makes it list
the rows the database will delete by substituting each value's ``forced_collector``
(``DB_CASCADE`` -> ``CASCADE``, ``DB_RESTRICT`` -> ``PROTECT``). On 5.2/6.0,
``NestedObjects.collect`` runs with :data:`safemigrations.deletion.force_collection` set; the
wrapped function then keeps relations whose value has a ``forced_collector`` and the backport
value calls it.

Django 6.1+: the collector already skips every value in the module constant ``SKIP_COLLECTION``
(Django's ``DB_*`` and ``DO_NOTHING``); ``DB_RESTRICT`` is added to that set. Its
``forced_collector`` is ``PROTECT``, so the admin's delete confirmation page (which forces
collection) lists the rows that block the delete.

Every version: ``Collector.can_fast_delete`` recognises ``models.CASCADE`` by identity, so a
relation with ``InDatabaseToo(models.CASCADE)`` would always be collected row by row. The
wrapped method answers for it as for ``models.CASCADE``: the children are deleted with one
query when Django would do so for ``CASCADE`` (no signal receivers, no relations of their own
that need Python, no multi-table parents), and collected row by row (signals fire) otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import CASCADE
from django.db.models import deletion as django_deletion

from .. import deletion

_MARK = "_safemigrations_skips_db_level"


def _collected(on_delete: Any) -> bool:
    """Whether the collector must look at a relation with ``on_delete`` (5.2/6.0)."""
    if not deletion.is_db_level(on_delete):
        return True
    return deletion.force_collection.get() and on_delete.forced_collector is not None


def _skipping(original: Callable[[Any], Any]) -> Callable[[Any], Iterator[Any]]:
    def get_candidate_relations_to_delete(opts: Any) -> Iterator[Any]:
        """Django's candidates minus relations the database handles itself."""
        return (
            related
            for related in original(opts)
            if _collected(related.field.remote_field.on_delete)
        )

    setattr(get_candidate_relations_to_delete, _MARK, True)
    return get_candidate_relations_to_delete


def _forcing(original: Callable[..., Any]) -> Callable[..., Any]:
    def collect(self: Any, *args: Any, **kwargs: Any) -> Any:
        """``NestedObjects.collect`` with database-level values acting as forced collectors."""
        token = deletion.force_collection.set(True)
        try:
            return original(self, *args, **kwargs)
        finally:
            deletion.force_collection.reset(token)

    setattr(collect, _MARK, True)
    return collect


def _fast_mirrored_cascade(original: Callable[..., bool]) -> Callable[..., bool]:
    def can_fast_delete(self: Any, objs: Any, from_field: Any = None) -> bool:
        """Django's answer, with ``InDatabaseToo(models.CASCADE)`` counted as ``CASCADE``."""
        on_delete = getattr(getattr(from_field, "remote_field", None), "on_delete", None)
        if isinstance(on_delete, deletion.InDatabaseToo) and on_delete.handler is CASCADE:
            # Without from_field Django skips its CASCADE test; its multi-table parent test
            # then refuses every inheriting model, which only costs the fast path.
            return original(self, objs)
        return original(self, objs, from_field=from_field)

    setattr(can_fast_delete, _MARK, True)
    can_fast_delete.__wrapped__ = original  # type: ignore[attr-defined]
    return can_fast_delete


def _install_admin_forcing() -> None:
    from django.contrib.admin.utils import NestedObjects

    if not getattr(NestedObjects.collect, _MARK, False):
        NestedObjects.collect = _forcing(NestedObjects.collect)  # type: ignore[method-assign]


def install() -> None:
    """Apply the version's seams once."""
    collector: Any = django_deletion.Collector
    if not getattr(collector.can_fast_delete, _MARK, False):
        collector.can_fast_delete = _fast_mirrored_cascade(collector.can_fast_delete)
    if deletion.NATIVE:
        skip = django_deletion.SKIP_COLLECTION  # type: ignore[attr-defined]
        if deletion.DB_RESTRICT not in skip:
            django_deletion.SKIP_COLLECTION = skip | {deletion.DB_RESTRICT}  # type: ignore[attr-defined]
        return
    current = django_deletion.get_candidate_relations_to_delete
    if not getattr(current, _MARK, False):
        django_deletion.get_candidate_relations_to_delete = _skipping(current)  # type: ignore[assignment]
    _install_admin_forcing()
