"""The squash, told honestly: what it gains, what could not fold and why, what was proven."""

from __future__ import annotations

from typing import Any


def text(result: Any, style: Any) -> str:
    """A squash result (:class:`.run.SquashResult`) as the command prints it."""
    plan = result.plan
    lines = [style.MIGRATE_HEADING(f"Squash of {plan.app_label}:")]
    lines.append(
        f"  migrations: {plan.migrations_before} -> {plan.migrations_after}; "
        f"operations: {plan.operations_before} -> {plan.operations_after}"
    )
    for segment in plan.segments:
        kind = "atomic" if segment.atomic else "atomic = False"
        first, last = segment.migrations[0][1], segment.migrations[-1][1]
        if segment.rendered is None:
            lines.append(f"  {first} ({kind}) stays as it is: nothing to squash it with")
        else:
            lines.append(
                f"  {segment.rendered.name} ({kind}): replaces {first} .. {last} "
                f"({len(segment.migrations)} migrations, {segment.operation_count} operations)"
            )
        lines.extend(f"      needs atomic = False: {why}" for why in segment.why_not_atomic)
    if plan.kept:
        lines.append(style.MIGRATE_HEADING("  Kept as they were (could not fold):"))
        lines.extend(f"    {k.origin}: {k.description} — {k.reason}" for k in plan.kept)
    if plan.data_operations:
        lines.append(style.MIGRATE_HEADING("  Data migrations kept, in order:"))
        lines.extend(f"    {k.origin}: {k.description}" for k in plan.data_operations)
    if plan.carried:
        lines.append(style.MIGRATE_HEADING("  Functions copied into the squashed file:"))
        lines.extend(f"    {name}" for name in plan.carried)
    for note in plan.notes:
        lines.append(f"  note: {note}")
    comparison = result.comparison
    if comparison is None:
        lines.append(style.WARNING("  Not verified (--no-verify)."))
    else:
        lines.append(
            f"  fresh-database migrate: originals {result.seconds_original:.2f}s, squashed "
            f"{result.seconds_squashed:.2f}s"
        )
        for note in comparison.notes:
            lines.append(f"  note: {note}")
        if comparison.equivalent:
            lines.append(
                style.SUCCESS(
                    "  Verified: same tables, columns, constraints, indexes, sequences, rows and "
                    "migration state as the originals."
                )
            )
        else:
            lines.append(style.ERROR("  NOT equivalent to the originals:"))
            lines.extend(f"    - {d}" for d in comparison.differences)
    if result.written:
        lines.append(style.MIGRATE_HEADING("  Written:"))
        lines.extend(f"    {path}" for path in result.written)
        lines.append(
            "  Commit them and keep the originals until every database has applied them; then "
            "the originals can be deleted (and `replaces` removed)."
        )
    return "\n".join(lines) + "\n"
