"""Prints the lock_timeout its statements run under: bounded by safemigrations' migrate or not.

On stderr: the command's stdout may be a report (``lintmigrations --format json`` replays it).
"""

import sys

from django.db import migrations


def show_lock_timeout(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        print(f"shop: lock_timeout={cursor.fetchone()[0]}", file=sys.stderr)


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [migrations.RunPython(show_lock_timeout, migrations.RunPython.noop)]
