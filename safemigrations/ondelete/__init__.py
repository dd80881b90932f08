"""How :mod:`safemigrations.deletion`'s values reach Django: serializer, collector, schema, checks.

Each module has one ``install()`` (idempotent) that :func:`safemigrations.deletion.install` calls.
"""
