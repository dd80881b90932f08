"""A finding's fix names the user's own table, column, model and index, never the example names
the rule reference uses ("book", "shop_book"); a name the finding does not know is shown as a
neutral placeholder (``<model>``)."""

from __future__ import annotations

import re

import pytest
from django.db import migrations, models

from safemigrations.lint import fixtext
from safemigrations.lint.engine import lint_sql_text
from safemigrations.lint.model import Finding
from safemigrations.lint.rules.base import Rule, all_rules
from safemigrations.operations import AddDBCascadeConstraint, DropIndexConcurrently, SetNotNull

RULES = list(all_rules())
#: Words of the rule reference's example names that must not leak into a real finding's fix.
EXAMPLE_WORDS = re.compile(r"\b(book|shop_book|shop\.Author|shop_author|isbn|shop_status)\b")
UNFILLED = re.compile(r"\{[a-z_]+\}")


def _fix(sql: str, rule: str) -> Finding:
    (finding,) = [f for f in lint_sql_text(sql, pg_version=16) if f.rule == rule]
    return finding


def test_foreign_key_without_index_names_the_table_and_column() -> None:
    finding = _fix(
        'ALTER TABLE "blog_post" ADD COLUMN "author_id" bigint NULL;\n'
        'ALTER TABLE "blog_post" ADD CONSTRAINT "post_author_fk" FOREIGN KEY ("author_id") '
        'REFERENCES "blog_person" ("id") NOT VALID;',
        "SM213",
    )
    assert "CREATE INDEX CONCURRENTLY blog_post_author_id_idx ON blog_post (author_id)" in (
        finding.fix
    )
    assert 'fields=["author"]' in finding.fix  # the Django field of the author_id column
    assert 'AddIndexConcurrently("<model>"' in finding.fix  # plain SQL: no model known
    assert not EXAMPLE_WORDS.search(finding.fix), finding.fix
    assert not UNFILLED.search(finding.fix)


def test_set_not_null_fix_names_the_column() -> None:
    finding = _fix('ALTER TABLE "blog_post" ALTER COLUMN "author_id" SET NOT NULL;', "SM501")
    assert 'SetNotNull(model_name="<model>", name="author_id")' in finding.fix
    assert not EXAMPLE_WORDS.search(finding.fix), finding.fix


def test_index_fix_names_the_index_and_its_column() -> None:
    finding = _fix('CREATE INDEX "post_title_idx" ON "blog_post" ("title");', "SM101")
    assert 'fields=["title"], name="post_title_idx"' in finding.fix
    assert "book" not in finding.fix
    dropped = _fix('DROP INDEX "post_title_idx";', "SM106")
    assert 'DropIndexConcurrently(model_name="<model>", name="post_title_idx")' in dropped.fix


def test_foreign_key_fixes_name_the_field_and_keep_the_model_placeholder() -> None:
    added = _fix(
        'ALTER TABLE "blog_post" ADD CONSTRAINT "post_author_fk" FOREIGN KEY ("author_id") '
        'REFERENCES "blog_person" ("id");',
        "SM201",
    )
    assert 'AddForeignKeyField(model_name="<model>", name="author"' in added.fix
    assert 'models.ForeignKey("<app>.<Model>"' in added.fix
    column = _fix(
        'ALTER TABLE "blog_post" ADD COLUMN "editor_id" bigint REFERENCES "blog_person" ("id");',
        "SM202",
    )
    assert 'name="editor"' in column.fix
    assert not EXAMPLE_WORDS.search(added.fix + column.fix)


def test_rename_fix_keeps_the_old_database_name() -> None:
    finding = _fix('ALTER TABLE "blog_post" RENAME COLUMN "body" TO "text";', "SM601")
    assert '`db_column="body"`' in finding.fix
    table = _fix('ALTER TABLE "blog_post" RENAME TO "blog_article";', "SM602")
    assert '`Meta.db_table = "blog_post"`' in table.fix


def test_reference_docs_keep_their_example_names() -> None:
    rule = next(r for r in RULES if r.id == "SM101")
    assert 'model_name="book"' in rule.example_fix()
    assert 'name="book_title_idx"' in rule.example_fix()
    assert "{model}" in rule.fix  # the class attribute stays a template


def test_operation_names_read_django_operations() -> None:
    add = migrations.AddField(
        "post", "author", models.ForeignKey("blog.Person", on_delete=models.CASCADE)
    )
    assert fixtext.operation_names(add, "blog") == {
        "app": "blog",
        "model": "post",
        "field": "author",
        "to": "blog.Person",
    }
    create = migrations.CreateModel("Post", fields=[("id", models.BigAutoField(primary_key=True))])
    assert fixtext.operation_names(create, "blog")["model"] == "post"
    index = migrations.AddIndex("post", models.Index(fields=["title"], name="post_title_idx"))
    assert fixtext.operation_names(index, None) == {"model": "post", "index": "post_title_idx"}
    assert fixtext.operation_names(DropIndexConcurrently("post", "post_title_idx"), None) == {
        "model": "post",
        "index": "post_title_idx",
    }
    assert fixtext.operation_names(migrations.RemoveConstraint("post", "c"), None) == {
        "model": "post",
        "constraint": "c",
    }
    assert fixtext.operation_names(SetNotNull("post", "title"), None)["field"] == "title"
    cascade = AddDBCascadeConstraint("post", "author", on_delete=models.CASCADE)
    assert fixtext.operation_names(cascade, None)["field"] == "author"
    assert fixtext.operation_names(migrations.RunSQL("SELECT 1"), "blog") == {"app": "blog"}


def test_hit_params_win_over_operation_names_and_unknown_values_fall_back() -> None:
    names = fixtext.known_names({"model": "post", "table": "blog_post", "constraint": "(unnamed)"})
    assert names == {"model": "post", "table": "blog_post"}
    filled = fixtext.fill("{model} {table} {constraint} {field}", names)
    assert filled == "post blog_post <constraint> <field>"
    with pytest.raises(KeyError, match="not a fix name"):
        fixtext.fill("{modle}", names)


SOME_NAMES = {
    "app": "blog",
    "model": "post",
    "field": "author",
    "table": "blog_post",
    "column": "author_id",
    "index": "post_author_idx",
    "constraint": "post_author_fk",
    "referenced": "blog_person",
    "to": "blog.Person",
    "type": "blog_mood",
    "value": "fine",
    "condition": "models.Q(author__isnull=False)",
}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_fix_template_renders_with_any_names(rule: Rule) -> None:
    assert fixtext.template_names(rule.fix) <= set(fixtext.FIX_NAMES)
    for names in ({}, SOME_NAMES, {"table": "blog_post", "column": "author_id"}):
        text = fixtext.fill(rule.fix, fixtext.known_names(names))
        assert not UNFILLED.search(text), text
        assert rule.format_fix(names) == text
        assert not EXAMPLE_WORDS.search(text), text
    assert rule.example_fix().strip()
    assert not UNFILLED.search(rule.example_fix())


def test_every_finding_of_the_rule_examples_has_a_rendered_fix() -> None:
    """The unsafe examples, linted: each fix is rendered (no placeholder braces left)."""
    checked = 0
    for rule in RULES:
        if rule.migration_level or rule.command_level:
            continue
        for finding in lint_sql_text(rule.unsafe_example, pg_version=16):
            assert not UNFILLED.search(finding.fix), (finding.rule, finding.fix)
            checked += 1
    assert checked >= 60


@pytest.mark.django_db
def test_django_findings_name_the_operations_model_and_field(scenario) -> None:  # type: ignore[no-untyped-def]
    from safemigrations.lint.project import lint_migrations

    keys = scenario("unsafe")
    findings = lint_migrations([keys[1]]).findings  # 0002: AlterField(book.author, db_index=False)
    by_rule = {f.rule: f for f in findings}
    # The model comes from the operation (plain SQL would show <model>), the names from the SQL.
    assert (
        'AddIndexConcurrently("book", models.Index(fields=["author"], '
        'name="lintdj_book_author_id_idx"))' in by_rule["SM213"].fix
    )
    assert "ON lintdj_book (author_id)" in by_rule["SM213"].fix
    assert (
        'DropIndexConcurrently(model_name="book", name="lintdj_book_author_id_56719f5b")'
        in by_rule["SM106"].fix
    )
    assert all(not UNFILLED.search(f.fix) for f in findings)
    assert all("<model>" not in f.fix for f in findings)


def test_text_report_prints_a_fix_again_when_it_names_other_objects() -> None:
    from safemigrations.lint.report.text import render

    sql = (
        'CREATE INDEX "post_title_idx" ON "blog_post" ("title");\n'
        'CREATE INDEX "post_title_idx2" ON "blog_post" ("title");\n'
        'CREATE INDEX "page_slug_idx" ON "blog_page" ("slug");\n'
    )
    findings = [f for f in lint_sql_text(sql, pg_version=16) if f.rule == "SM101"]
    assert len(findings) == 3
    text = render([findings[0], findings[0], findings[2]], explained=set())
    assert text.count("why, fix: as for SM101 above") == 1  # the same fix again
    assert text.count("why: as for SM101 above") == 1  # the same why, another index
    assert 'name="page_slug_idx"' in text
    assert text.count("fix:") == 3


@pytest.mark.django_db
def test_rename_fix_names_the_old_database_column(scenario) -> None:  # type: ignore[no-untyped-def]
    from safemigrations.lint.project import lint_migrations

    keys = scenario("truth")
    (key,) = [k for k in keys if k[1].startswith("0005")]
    renames = [f for f in lint_migrations([key]).findings if f.rule == "SM906"]
    fixes = sorted(f.fix for f in renames)
    # A foreign key's column is its field name plus _id: the running code uses author_id.
    assert "`db_column='author_id'` on the field `writer`" in fixes[0]
    assert "`db_column='title'` on the field `heading`" in fixes[1]
    assert all("old_name" not in f and not UNFILLED.search(f) for f in fixes)


@pytest.mark.django_db
def test_drop_and_rename_of_a_model_have_a_fix_for_a_model(scenario) -> None:  # type: ignore[no-untyped-def]
    from safemigrations.lint.project import lint_migrations

    keys = scenario("modeldrop")
    findings = lint_migrations(keys[1:]).findings
    (drop,) = [f for f in findings if f.rule == "SM905"]
    assert "migrations.DeleteModel('Book')" in drop.fix
    assert "DROP TABLE lintdj_book" in drop.fix
    assert "RemoveField" not in drop.fix
    assert "<field>" not in drop.fix
    (rename,) = [f for f in findings if f.rule == "SM906"]
    assert "`db_table = 'lintdj_author'`" in rename.fix
    assert "db_column" not in rename.fix
    for finding in (drop, rename):
        assert not UNFILLED.search(finding.fix)
        assert "<" not in finding.fix


@pytest.mark.django_db
def test_drop_of_a_field_names_its_table_and_column(scenario) -> None:  # type: ignore[no-untyped-def]
    from safemigrations.lint.project import lint_migrations

    keys = scenario("unsafe")
    (key,) = [k for k in keys if k[1].startswith("0005")]
    (drop,) = [f for f in lint_migrations([key]).findings if f.rule == "SM905"]
    assert "migrations.RemoveField('book', 'pages')" in drop.fix
    assert "ALTER TABLE lintdj_book DROP COLUMN pages" in drop.fix


@pytest.mark.parametrize("rule", [r for r in RULES if r.fix_variants], ids=lambda r: r.id)
def test_every_fix_variant_renders_and_is_in_the_reference(rule: Rule) -> None:
    from safemigrations.lint.docs import rules_markdown

    for variant, template in rule.fix_variants.items():
        assert fixtext.template_names(template) <= set(fixtext.FIX_NAMES)
        for names in ({}, SOME_NAMES):
            text = rule.format_fix(names, variant)
            assert text == fixtext.fill(template, fixtext.known_names(names))
            assert not UNFILLED.search(text), text
        assert f"**Fix, for {variant}.** {rule.example_fix(variant)}" in rules_markdown()
