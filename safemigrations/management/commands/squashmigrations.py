"""``squashmigrations`` that folds safemigrations' operations and proves the result.

Same arguments and options as Django's command (``APP [START] END``, ``--squashed-name``,
``--no-optimize``, ``--noinput``, ``--no-header``). The work is done by
:mod:`safemigrations.squash`: fresh-database forms of the safe operations, an atomic and a
non-atomic part when needed, ``RunPython`` code carried into the file, a dependency-cycle check,
and, unless ``--no-verify``, a proof on two scratch databases that the squash builds the same
schema, rows and state as the originals. Nothing is written when any of it fails.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError
from django.core.management.commands.squashmigrations import Command as DjangoSquashCommand

from safemigrations.exceptions import SafeMigrationsError, SquashCycleError
from safemigrations.squash import report
from safemigrations.squash.run import SquashOptions, run_squash, split_ranges
from safemigrations.squash.select import select


class Command(DjangoSquashCommand):
    """Django's ``squashmigrations`` with safemigrations' folding, checks and proof."""

    help = (
        "Squashes a range of an app's migrations into one (or an atomic and a non-atomic one), "
        "folding safemigrations' operations, and proves on scratch databases that the result "
        "builds the same schema and state."
    )

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-verify",
            action="store_true",
            help="Write without building both histories on scratch databases and comparing them.",
        )
        parser.add_argument(
            "--split",
            action="store_true",
            help="When the range would close a dependency cycle, squash its cycle-free ranges.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Plan (and verify) the squash and report it, but write nothing.",
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--database", default="default", help="Database whose server hosts scratch databases."
        )

    def handle(self, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        squash_options = SquashOptions(
            optimize=not options["no_optimize"],
            squashed_name=options["squashed_name"],
            include_header=options["include_header"],
            verify=not options["no_verify"],
            write=not options["dry_run"],
            database=options["database"],
        )
        app, start, end = (
            options["app_label"],
            options["start_migration_name"],
            options["migration_name"],
        )
        try:
            ranges = [(start, end)]
            if options["split"]:
                ranges = split_ranges(app, start, end)
            results = []
            for first, last in ranges:
                if options["interactive"] and not self._confirm(app, first, last):
                    return
                results.append(run_squash(app, first, last, squash_options))
        except SquashCycleError as exc:
            raise CommandError(str(exc)) from None
        except SafeMigrationsError as exc:
            raise CommandError(str(exc)) from None
        except ValueError as exc:
            # An operation that does not fit the state before it (the originals fail the same
            # way), or a value Django's writer cannot serialize (a lambda).
            raise CommandError(
                f"Cannot squash {app}: {exc} Nothing was written; fix the migration named above, "
                "or squash a range without it."
            ) from None
        if options["format"] == "json":
            self.stdout.write(json.dumps([r.as_dict() for r in results], indent=2))
        else:
            for result in results:
                self.stdout.write(report.text(result, self.style))
        if any(not r.equivalent for r in results):
            raise CommandError(
                "The squash does not build what the originals build (differences above); nothing "
                "was written. Pass --no-verify to write it anyway."
            )

    def _confirm(self, app: str, start: str | None, end: str) -> bool:
        """Django's question, after listing the migrations that would be squashed."""
        self.stdout.write(self.style.MIGRATE_HEADING("Will squash the following migrations:"))
        for _, name in select(app, start, end).keys:
            self.stdout.write(f" - {name}")
        answer = input("Do you wish to proceed? [y/N] ")
        return answer.strip().lower().startswith("y")
