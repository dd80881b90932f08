"""The squash plan, without a database: fresh forms, atomic split, carried code, cycles, errors."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.db.migrations import AddConstraint, AddField, AddIndex, AlterField, RemoveIndex
from django.db.migrations.graph import MigrationGraph
from django.db.migrations.state import ModelState, ProjectState

from safemigrations.deletion import DB_CASCADE
from safemigrations.exceptions import SafeMigrationsError, SquashCycleError, SquashError
from safemigrations.operations import (
    AddConstraintNotValid,
    AddDBCascadeConstraint,
    AddForeignKeyField,
    AddIndexConcurrently,
    AddUniqueConstraintConcurrently,
    DropIndexConcurrently,
    SetNotNull,
    ValidateConstraint,
)
from safemigrations.operations.deferred import RunDeferredSQL
from safemigrations.squash.atomicity import needs_non_atomic
from safemigrations.squash.fresh import freshen
from safemigrations.squash.graph import check_acyclic, cycle_free_ranges
from safemigrations.squash.model import Item, Origin
from safemigrations.squash.plan import plan_squash
from safemigrations.squash.recognise import normalised
from safemigrations.squash.run import split_ranges


def _state() -> ProjectState:
    state = ProjectState()
    state.add_model(ModelState("shop", "Customer", [("id", models.BigAutoField(primary_key=True))]))
    state.add_model(
        ModelState(
            "shop",
            "Order",
            [
                ("id", models.BigAutoField(primary_key=True)),
                ("customer", models.ForeignKey("shop.customer", models.CASCADE)),
                ("note", models.CharField(max_length=20, null=True)),
                ("total", models.IntegerField(default=0)),
                ("tags", models.ManyToManyField("shop.customer", related_name="+")),
                (
                    "supplier",
                    models.ForeignKey(
                        "shop.customer", models.DO_NOTHING, db_constraint=False, related_name="+"
                    ),
                ),
            ],
        )
    )
    return state


def _fresh(*operations: Any) -> list[Any]:
    items = [Item(op, Origin("0002_x", n)) for n, op in enumerate(operations, 1)]
    result, _ = freshen("shop", items, _state())
    return [i.operation for i in result]


def test_every_safe_operation_has_a_django_fresh_form() -> None:
    index = models.Index(fields=["total"], name="order_total_ix")
    unique = models.UniqueConstraint(fields=["customer", "note"], name="order_uniq")
    fk = models.ForeignKey("shop.customer", models.SET_NULL, null=True, related_name="+")
    cases: list[tuple[Any, type]] = [
        (AddDBCascadeConstraint("order", "customer", on_delete=DB_CASCADE), AlterField),
        (AddIndexConcurrently("order", index), AddIndex),
        (AddIndexConcurrently("order", field="total"), AlterField),
        (DropIndexConcurrently("order", field="customer"), AlterField),
        (AddUniqueConstraintConcurrently("order", unique), AddConstraint),
        (SetNotNull("order", "note"), AlterField),
        (AddForeignKeyField("order", "helper", fk), AddField),
    ]
    for operation, expected in cases:
        (fresh,) = _fresh(operation)
        assert not needs_non_atomic(fresh)
        assert type(fresh) is expected, operation.describe()
    (cascade,) = _fresh(cases[0][0])
    assert cascade.field.remote_field.on_delete is DB_CASCADE
    (not_null,) = _fresh(cases[5][0])
    assert not_null.field.null is False
    add, drop = _fresh(
        AddIndexConcurrently("order", index), DropIndexConcurrently("order", "order_total_ix")
    )
    assert (type(add), type(drop)) == (AddIndex, RemoveIndex)


def test_not_valid_then_validate_becomes_a_plain_constraint() -> None:
    check = models.CheckConstraint(condition=models.Q(total__gte=0), name="order_total_gte_0")
    ops = _fresh(
        AddConstraintNotValid("order", check), ValidateConstraint("order", "order_total_gte_0")
    )
    assert [type(o) for o in ops] == [AddConstraint]
    ops = _fresh(
        AddConstraintNotValid("order", field="supplier"), ValidateConstraint("order", "supplier")
    )
    assert [type(o) for o in ops] == [AlterField]
    assert ops[0].field.db_constraint is True
    ops = _fresh(
        AddDBCascadeConstraint("order", "customer", on_delete=DB_CASCADE, validate=False),
        ValidateConstraint("order", "customer"),
    )
    assert [type(o) for o in ops] == [AlterField]


def test_not_valid_never_validated_stays_not_valid() -> None:
    check = models.CheckConstraint(condition=models.Q(total__gte=0), name="order_total_gte_0")
    ops = _fresh(AddConstraintNotValid("order", check))
    assert [type(o) for o in ops] == [AddConstraintNotValid]
    cascade = AddDBCascadeConstraint("order", "customer", on_delete=DB_CASCADE, validate=False)
    assert [type(o) for o in _fresh(cascade)] == [AddDBCascadeConstraint]


def test_a_through_table_switch_is_kept_and_needs_non_atomic() -> None:
    switch = AddDBCascadeConstraint("order", "tags", on_delete=DB_CASCADE, m2m_side="from")
    items = [Item(switch, Origin("0002_x", 1))]
    result, kept = freshen("shop", items, _state())
    assert [i.operation for i in result] == [switch]
    assert "through table" in kept[0].reason
    assert needs_non_atomic(switch)


def test_normalised_sql_ignores_only_the_online_options() -> None:
    assert normalised(['CREATE INDEX CONCURRENTLY IF NOT EXISTS "a" ON "t" ("x")']) == normalised(
        ['CREATE INDEX "a" ON "t" ("x");']
    )
    assert normalised(['CREATE INDEX "a" ON "t" ("x") WHERE x > 1']) != normalised(
        ['CREATE INDEX "a" ON "t" ("x") WHERE x > 2']
    )


def test_squashapp_plan_folds_splits_and_carries() -> None:
    plan = plan_squash("squashapp", None, "0007")
    assert (plan.migrations_before, plan.migrations_after) == (7, 2)
    assert plan.operations_before == 20  # the operations written in 0001..0007
    assert plan.operations_after < plan.operations_before
    first, second = plan.segments
    assert first.atomic
    assert first.rendered is not None
    # Deferred SQL runs before the end, so Django records the squash in its own transaction,
    # and before the first data migration, which then sees the foreign keys the originals had.
    assert isinstance(first.operations[-1], RunDeferredSQL)
    names = [type(op).__name__ for op in first.operations]
    assert names[names.index("RunPython") - 1] == "RunDeferredSQL"
    assert plan.operations_after == first.operation_count + len(second.operations)
    assert [n for _, n in first.migrations][-1] == "0006_isbn_index"
    # 0007's raw CREATE INDEX CONCURRENTLY must commit on its own: 0007 stays as it is.
    assert not second.atomic
    assert second.rendered is None
    assert "RunSQL runs CONCURRENTLY" in second.why_not_atomic[0]
    kept = {(k.origin.migration, k.origin.position) for k in plan.kept}
    assert ("0003_checks_not_valid", 3) in kept  # never validated
    assert ("0007_tag_label_index", 2) in kept  # unrecognised SeparateDatabaseAndState
    assert [(k.origin.migration, k.origin.position) for k in plan.data_operations] == [
        ("0003_checks_not_valid", 1),
        ("0006_isbn_index", 3),
        ("0007_tag_label_index", 1),
    ]
    text = first.rendered.text
    assert "atomic = False" not in text
    assert "migrations.0003" not in text
    assert "manual" not in text
    assert "def forwards(" in text
    assert "def forwards_0006(" in text
    assert "code=forwards_0006" in text
    assert "Path(__file__).with_name('seed_authors.txt')" in text
    assert "EXTRA = " in text
    assert "RunSQL" not in text
    assert "SeparateDatabaseAndState" not in text
    assert "Concurrently" not in text


def test_a_squash_that_needs_non_atomic_gets_it() -> None:
    plan = plan_squash("squashapp", "0007", "0007")
    (segment,) = plan.segments
    assert segment.rendered is not None
    assert "    atomic = False\n" in segment.rendered.text
    assert plan.segments[0].why_not_atomic


def test_no_optimize_keeps_every_fresh_operation() -> None:
    plan = plan_squash("squashapp", "0003", "0004", optimize=False)
    (segment,) = plan.segments
    assert segment.atomic
    # RunPython, a validated check, a NOT VALID check, SetNotNull's AlterField, the FK's AddField
    assert segment.operation_count == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nope", None, "0001"), "No installed app with label 'nope'"),
        (("squashapp", None, "0099"), "has no migration matching '0099'"),
        (("squashapp", "0005", "0002"), "does not come before"),
    ],
)
def test_clear_errors(args: tuple[str, str | None, str], message: str) -> None:
    with pytest.raises(SquashError, match=message) as info:
        plan_squash(*args)
    assert isinstance(info.value, SafeMigrationsError)


def _graph(edges: dict[tuple[str, str], list[tuple[str, str]]]) -> MigrationGraph:
    graph = MigrationGraph()
    for key in edges:
        graph.add_node(key, None)
    for child, parents in edges.items():
        for parent in parents:
            graph.add_dependency(None, child, parent)
    return graph


def test_cycle_closed_by_another_app_is_refused_with_the_edge_and_a_split() -> None:
    a1, a2, a3, b1 = ("a", "0001"), ("a", "0002"), ("a", "0003"), ("b", "0001")
    graph = _graph({a1: [], a2: [a1], b1: [a1], a3: [a2, b1]})
    with pytest.raises(SquashCycleError) as info:
        check_acyclic(graph, [[a1, a2, a3]])
    message = str(info.value)
    assert "a.0003 depends on b.0001" in message
    assert "b.0001 depends on a.0001" in message
    assert "squashmigrations a 0001 0002" in message
    assert cycle_free_ranges(graph, [a1, a2, a3]) == [[a1, a2], [a3]]
    check_acyclic(graph, [[a1, a2]])  # no cycle: nothing raised


def test_split_of_a_cycle_free_range_is_the_range() -> None:
    assert split_ranges("squashapp", None, "0007") == [("0001_initial", "0007_tag_label_index")]


def test_command_lists_and_asks_before_squashing(monkeypatch: pytest.MonkeyPatch) -> None:
    answers: list[str] = []

    def answer(prompt: str) -> str:
        answers.append(prompt)
        return "n"

    monkeypatch.setattr("builtins.input", answer)
    out = StringIO()
    call_command("squashmigrations", "squashapp", "0003", "--no-verify", stdout=out)
    assert answers == ["Do you wish to proceed? [y/N] "]
    assert " - 0001_initial\n - 0002_concurrent\n - 0003_checks_not_valid" in out.getvalue()
    assert "Squash of" not in out.getvalue()  # answered no: nothing planned or written


def test_command_errors_are_command_errors() -> None:
    with pytest.raises(CommandError, match="has no migration matching '0099'"):
        call_command("squashmigrations", "squashapp", "0099", "--noinput", "--no-verify")


def _built(*indexes: Any) -> Any:
    from safemigrations.db.schema import Column, Schema, Table
    from safemigrations.squash.compare import Built

    table = Table("shop_order", columns=(Column("id", "bigint", True),), indexes=indexes)
    return Built(Schema({"shop_order": table}), {}, {}, {"shop_order": 0}, ProjectState(), 0.0)


def test_names_that_differ_by_django_hash_are_notes_other_names_are_differences() -> None:
    from safemigrations.db.schema import Index

    def index(name: str, predicate: str | None = None) -> Index:
        return Index(
            name, "shop_order", "btree", ("customer_id",), ("customer_id",), predicate=predicate
        )

    from safemigrations.squash.compare import compare

    hashed = compare(
        _built(index("shop_order_customer_id_1a2b3c4d")),
        _built(index("shop_order_customer_id_9f8e7d6c")),
    )
    assert hashed.equivalent
    assert hashed.notes == [
        "index on shop_order: originals name it shop_order_customer_id_1a2b3c4d, squashed "
        "shop_order_customer_id_9f8e7d6c (same definition)"
    ]
    renamed = compare(_built(index("order_customer_ix")), _built(index("order_customer_idx")))
    assert not renamed.equivalent
    assert "order_customer_ix" in renamed.differences[0]
    other = compare(
        _built(index("order_customer_ix")), _built(index("order_customer_ix", "(x > 1)"))
    )
    assert other.differences == [
        "index shop_order.order_customer_ix differs (originals vs squashed): predicate None vs '(x > 1)'"
    ]


def _migration(deps: list[tuple[str, str]], model: str) -> str:
    return (
        "from django.db import migrations, models\n\n\n"
        "class Migration(migrations.Migration):\n"
        f"    dependencies = {deps!r}\n\n"
        f'    operations = [migrations.CreateModel("{model}", '
        '[("id", models.BigAutoField(primary_key=True))])]\n'
    )


@pytest.fixture
def cross_app_cycle(tmp_path: Any, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """squashapp 0001 <- lockwaits 0001 <- squashapp 0003 (and 0002 <- 0003): a squash of
    squashapp 0001..0003 would close a cycle with lockwaits."""
    import uuid

    package = tmp_path / f"cyc_{uuid.uuid4().hex[:8]}"
    files = {
        "sq": {
            "0001_a": _migration([], "A"),
            "0002_b": _migration([("squashapp", "0001_a")], "B"),
            "0003_c": _migration([("squashapp", "0002_b"), ("lockwaits", "0001_x")], "C"),
        },
        "lw": {"0001_x": _migration([("squashapp", "0001_a")], "X")},
    }
    for sub, migrations in files.items():
        (package / sub).mkdir(parents=True)
        (package / sub / "__init__.py").write_text("")
        for name, text in migrations.items():
            (package / sub / f"{name}.py").write_text(text)
    (package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    settings.MIGRATION_MODULES = {
        "squashapp": f"{package.name}.sq",
        "lockwaits": f"{package.name}.lw",
    }


@pytest.mark.usefixtures("cross_app_cycle")
def test_command_refuses_a_cycle_and_split_squashes_the_cycle_free_range() -> None:
    args = ("squashmigrations", "squashapp", "0003", "--noinput", "--no-verify", "--dry-run")
    with pytest.raises(CommandError) as info:
        call_command(*args)
    message = str(info.value)
    assert "squashapp.0003_c depends on lockwaits.0001_x" in message
    assert "lockwaits.0001_x depends on squashapp.0001_a" in message
    assert "squashmigrations squashapp 0001_a 0002_b" in message
    out = StringIO()
    call_command(*args, "--split", stdout=out)
    assert "replaces 0001_a .. 0002_b" in out.getvalue()
    assert "0003_c" not in out.getvalue()


def _renamed_together(rename_to: str) -> ProjectState:
    from django.db import migrations

    state = ProjectState()
    operations = [
        migrations.CreateModel(
            "Thing",
            [
                ("id", models.AutoField(primary_key=True)),
                ("a", models.IntegerField()),
                ("b", models.IntegerField()),
            ],
            options={"unique_together": {("a", "b")}},
        ),
        migrations.RenameField("thing", "a", rename_to),
    ]
    for operation in operations:
        operation.state_forwards("app", state)
    return state


def test_states_after_a_rename_in_unique_together_compare() -> None:
    """Was: Django's ``rename_field`` leaves ``unique_together`` as lists, and comparing two
    states built from migrations raised ``TypeError: unhashable type: 'list'``."""
    from safemigrations.squash.compare import state_differences

    assert state_differences(_renamed_together("c"), _renamed_together("c"), "x", "y") == []
    changed = state_differences(_renamed_together("c"), _renamed_together("d"), "x", "y")
    assert changed
    assert "thing" in " ".join(changed).lower()
