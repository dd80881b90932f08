"""What a lint rule is, what it sees, and how rules are found.

A rule is a class with a stable id (``SM101``), a kebab-case ``name``, a default severity and the
text a reviewer needs: ``message`` (what happened, formatted with the hit's ``params``), ``why``
(the lock taken and what it blocks), ``fix`` (the safemigrations operation to use, with code; a
template whose ``{model}``, ``{table}``, ``{column}`` … each finding fills with its own names, see
:mod:`safemigrations.lint.fixtext`) and two SQL examples that the test-suite and the generated
docs use.

Two kinds of checks exist:

* statement rules override :meth:`Rule.check` and see one statement at a time, as
  :class:`~safemigrations.lint.sql.StatementFacts`, together with a :class:`LintContext` that
  remembers what earlier statements of the same input did (tables created, locks held in the open
  transaction, ``SET lock_timeout``);
* migration rules override :meth:`Rule.check_migration` and see a whole Django migration
  (:class:`MigrationContext`): its operations, the project state before it, and its statements.

The rules that run are the classes listed in :data:`safemigrations.lint.rules.registry.RULES`;
:func:`all_rules` instantiates them (a module that is not listed there is never run, and a test
checks that every rule module of the package is listed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

from safemigrations.lint import fixtext
from safemigrations.lint.config import LintConfig
from safemigrations.lint.model import MemorySchema, SchemaInfo, Severity, Statement

if TYPE_CHECKING:
    from safemigrations.lint.sql import StatementFacts


@dataclass
class Hit:
    """One match of a rule. Unset fields fall back to the rule's text and the statement's facts.

    ``params`` fill the placeholders of :attr:`Rule.message` (``{table}``, ``{column}``, …);
    ``message`` replaces it entirely. Migration rules set ``statement`` to anchor the finding
    (file, line, Django operation); statement rules may leave it None. ``detail`` holds what does
    not fit a one-line message (long lists); it is added to the finding's ``why``.
    """

    params: dict[str, Any] = field(default_factory=dict)
    message: str | None = None
    tables: list[str] | None = None
    lock: str | None = None
    severity: Severity | None = None
    statement: Statement | None = None
    # Details too long for the one-line message (every table, every constraint): appended to
    # the finding's ``why``, so messages stay short.
    detail: str | None = None
    # The table the finding is about when ``tables`` also names others for context (SM961: the
    # table whose lock is held); what :mod:`safemigrations.lint.fold` matches. None: all tables.
    subject: str | None = None
    # A key of the rule's :attr:`Rule.fix_variants`: the fix written for this case (a dropped
    # model rather than a field), or None for the rule's ``fix``.
    fix_variant: str | None = None


@dataclass
class HeldLock:
    """A strong lock the open transaction already holds, and the statement that took it."""

    table: str
    mode: str
    statement: Statement


@dataclass
class LintContext:
    """What the linter knows when it reaches a statement: target, schema, and earlier statements.

    The engine updates the tracking fields *after* every rule has seen a statement, so a rule
    always sees the state before the statement it checks.
    """

    pg_version: int
    schema: SchemaInfo
    config: LintConfig = field(default_factory=LintConfig)
    learned: MemorySchema = field(default_factory=MemorySchema)
    # Tables created earlier in the same origin (file or migration): new, empty, unused.
    created_tables: set[str] = field(default_factory=set)
    partitioned_tables: set[str] = field(default_factory=set)
    # Domains created in this input that carry a CHECK / NOT NULL constraint.
    constrained_domains: set[str] = field(default_factory=set)
    # (table, column) pairs covered by a validated CHECK (col IS NOT NULL).
    not_null_checks: set[tuple[str, str]] = field(default_factory=set)
    # NOT VALID ``CHECK (col IS NOT NULL)`` constraints waiting for VALIDATE: name -> (table, col).
    pending_not_null_checks: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Constraint names added NOT VALID in the open transaction.
    not_valid_in_transaction: set[str] = field(default_factory=set)
    # Strong (ACCESS EXCLUSIVE) locks held by the open transaction, in the order taken.
    held_locks: list[HeldLock] = field(default_factory=list)
    # Enum values added in the open transaction (unusable until it commits).
    enum_values_in_transaction: set[str] = field(default_factory=set)
    # Index name -> table, for indexes created earlier in the input.
    index_tables: dict[str, str] = field(default_factory=dict)
    # Index name -> its key columns ("" for an expression), for indexes created earlier.
    index_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # (table, column) pairs known to be NOT NULL (declared, or SET NOT NULL earlier).
    not_null_columns: set[tuple[str, str]] = field(default_factory=set)
    # (table, constraint name) -> referenced table, for foreign keys added earlier in the input.
    foreign_keys: dict[tuple[str, str], str] = field(default_factory=dict)
    lock_timeout_set: bool = False
    lock_timeout_local: bool = False
    lock_timeout_reported: bool = False
    statement_timeout_set: bool = False
    statement_timeout_local: bool = False
    transaction_id: int | None = None
    in_explicit_transaction: bool = False
    # The statement that opened the explicit transaction still open, if any.
    open_transaction: Statement | None = None
    last_statement: Statement | None = None
    # Private memory of individual rules, keyed by rule id (see :meth:`rule_state`).
    rule_memory: dict[str, Any] = field(default_factory=dict)
    # Renames made earlier in the input, one step each: (table, new column) -> (table, old
    # column), and (new table, "") -> (old table, ""). The schema the caller knew (the Django
    # side's catalog snapshot) may predate some of them: its facts are found under older names.
    renamed_from: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    def is_new_table(self, table: str) -> bool:
        """True when ``table`` was created earlier in the same file or migration."""
        return _short(table) in self.created_tables

    def column_type(self, table: str, column: str) -> str | None:
        """The column's type before the current statement (learned from the input, else schema;
        a column or table renamed earlier in the input is also looked up under its old name)."""
        found = self.learned.column_type(table, column)
        if found is None:
            found = self.schema.column_type(table, column)
        # The schema may have been read between two of the renames: try each earlier name.
        for old_table, old_column in self.earlier_names(table, column):
            if found is not None:
                break
            found = self.schema.column_type(old_table, old_column)
        return found

    def note_rename(self, table: str, old: str, new: str, column: bool) -> None:
        """Remember a column rename (``column=True``: ``old``/``new`` are column names of
        ``table``) or a table rename (``old``/``new`` are table names)."""
        if column:
            self.renamed_from[(_short(table), new)] = (_short(table), old)
        else:
            self.renamed_from[(_short(new), "")] = (_short(old), "")

    def original_name(self, table: str, column: str) -> tuple[str, str]:
        """``(table, column)`` as they were named before this input's renames."""
        names = self.earlier_names(table, column)
        return names[-1] if names else (_short(table), column)

    def earlier_names(self, table: str, column: str) -> list[tuple[str, str]]:
        """The names ``(table, column)`` had before each of this input's renames, latest
        first (empty when it was not renamed)."""
        table = _short(table)
        names: list[tuple[str, str]] = []
        for _ in range(len(self.renamed_from) + 1):  # each step undoes one rename
            if column and (table, column) in self.renamed_from:
                table, column = self.renamed_from[(table, column)]
            elif (table, "") in self.renamed_from:
                table = self.renamed_from[(table, "")][0]
            else:
                break
            if (table, column) in names:
                break
            names.append((table, column))
        return names

    def rule_state(self, rule_id: str, factory: Callable[[], Any]) -> Any:
        """A rule's own memory across statements of one input (created by ``factory``)."""
        if rule_id not in self.rule_memory:
            self.rule_memory[rule_id] = factory()
        return self.rule_memory[rule_id]

    def index_table(self, index: str) -> str | None:
        """The table of an index created earlier in the input, else one the schema knows (the
        Django side's scratch catalog); None when unknown."""
        found = self.index_tables.get(_short(index))
        if found is None:
            lookup = getattr(self.schema, "index_table", None)
            found = lookup(index) if lookup is not None else None
        return found

    def foreign_key_target(self, table: str, constraint: str) -> str | None:
        """The table referenced by a foreign key added earlier in the input (else the schema's)."""
        found = self.foreign_keys.get((_short(table), constraint))
        if found is None:
            ask = getattr(self.schema, "foreign_key_target", None)
            found = ask(table, constraint) if ask is not None else None
        return found

    def function_volatility(self, name: str) -> str | None:
        """A function's volatility from the caller's database (``pg_proc``) when one is at hand;
        None otherwise (the built-in table of :mod:`safemigrations.lint.volatility` answers)."""
        found = self.ask_schema("function_volatility", None, name)
        return str(found) if found is not None else None

    def ask_schema(self, question: str, default: Any, *args: Any) -> Any:
        """An optional question to the caller's schema knowledge (``foreign_keys``,
        ``indexes``, ``checks_on``): the Django side answers from the scratch catalog, plain SQL
        files get ``default``."""
        ask = getattr(self.schema, "ask", None)
        if ask is not None:
            return ask(question, default, *args)
        method = getattr(self.schema, question, None)
        return method(*args) if method is not None else default

    def is_not_null(self, table: str, column: str) -> bool:
        """True when the column is known NOT NULL, or a validated ``CHECK (col IS NOT NULL)``
        covers it (PostgreSQL 12+ then sets NOT NULL without a scan)."""
        key = (_short(table), column)
        return key in self.not_null_columns or key in self.not_null_checks

    def is_partitioned(self, table: str) -> bool:
        """True for tables created with ``PARTITION BY`` earlier in the input."""
        return _short(table) in self.partitioned_tables

    def is_constrained_domain(self, name: str) -> bool:
        """True for domains created with a CHECK / NOT NULL earlier in the input."""
        return _short(name) in self.constrained_domains


@dataclass
class MigrationContext:
    """Everything a migration-level rule sees about one Django migration.

    ``migration`` is the ``django.db.migrations.Migration`` instance, ``operations`` its
    operations, ``from_state`` the ``ProjectState`` before it, ``statements`` the SQL it runs
    (collected faithfully, with transaction boundaries).
    """

    app: str
    name: str
    migration: Any
    operations: Sequence[Any]
    from_state: Any
    statements: Sequence[Statement]
    pg_version: int
    config: LintConfig = field(default_factory=LintConfig)
    schema: SchemaInfo | None = None
    # What replaying the migration on a scratch database showed (a
    # ``safemigrations.lint.collect.CollectedMigration``: failure, dropped foreign keys), or None.
    collected: Any = None

    def statements_of(self, operation_index: int) -> list[Statement]:
        """The statements emitted by one operation of the migration."""
        return [s for s in self.statements if s.operation_index == operation_index]


class Rule:
    """Base of every rule; subclasses set the class attributes and override one check."""

    id: ClassVar[str] = ""
    name: ClassVar[str] = ""
    severity: ClassVar[Severity] = Severity.WARNING
    title: ClassVar[str] = ""
    message: ClassVar[str] = ""
    why: ClassVar[str] = ""
    # A template: ``{model}``, ``{table}``, ``{column}``, … (the names of
    # :data:`safemigrations.lint.fixtext.FIX_NAMES`) are filled by :meth:`format_fix`.
    fix: ClassVar[str] = ""
    # Example names the rule reference fills the fix with, over ``fixtext.EXAMPLE_NAMES``.
    fix_example: ClassVar[dict[str, str]] = {}
    # Fix templates for cases the main ``fix`` does not fit, by what the case is ("a dropped
    # model"): a hit picks one with ``Hit.fix_variant``; the rule reference shows each.
    fix_variants: ClassVar[dict[str, str]] = {}
    unsafe_example: ClassVar[str] = ""
    safe_example: ClassVar[str] = ""
    min_pg_version: ClassVar[int | None] = None
    max_pg_version: ClassVar[int | None] = None
    # True for rules the Django side evaluates (they need a migration, not SQL text).
    migration_level: ClassVar[bool] = False
    # True for rules the ``safemigrations lint`` command reports about files (not statements).
    command_level: ClassVar[bool] = False
    # Ids of the rules whose findings on the same Django operation this rule's finding makes
    # redundant (a more precise account of the same problem); they are dropped next to it.
    supersedes: ClassVar[tuple[str, ...]] = ()
    # Ids of the rules whose finding already tells this rule's problem, with its fix, when it is
    # on the same statement and names the same table: this rule's finding is then reported
    # only where no such finding is (see :func:`safemigrations.lint.fold.fold_covered`, which
    # runs after suppressions, so a suppressed finding covers nothing).
    folds_into: ClassVar[frozenset[str]] = frozenset()
    # True: of the findings left after folding, only the first of each migration (or SQL file)
    # is reported (advice that says the same for every statement of a migration).
    once_per_migration: ClassVar[bool] = False

    def applies_to(self, pg_version: int) -> bool:
        """Whether the rule is meaningful on this PostgreSQL major version."""
        if self.min_pg_version is not None and pg_version < self.min_pg_version:
            return False
        return not (self.max_pg_version is not None and pg_version > self.max_pg_version)

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Statement rules: yield a :class:`Hit` for each problem in ``stmt``."""
        return ()

    def check_migration(self, ctx: MigrationContext) -> Iterable[Hit]:
        """Migration rules: yield a :class:`Hit` (with ``statement`` set) per problem."""
        return ()

    def finish(self, ctx: LintContext) -> Iterable[Hit]:
        """Statement rules: called once after the last statement (e.g. a transaction left open)."""
        return ()

    def format_message(self, params: dict[str, Any]) -> str:
        """The rule's message with ``params`` filled in (missing keys are left as written)."""
        try:
            return self.message.format_map(_Lenient(params))
        except (ValueError, IndexError):
            return self.message

    def format_fix(self, names: dict[str, Any], variant: str | None = None) -> str:
        """The fix (or its ``variant``, a key of :attr:`fix_variants`) with a finding's names
        filled in (``table``, ``column``, ``model`` …: see
        :func:`safemigrations.lint.fixtext.known_names`); unknown names show as ``<model>``."""
        template = self.fix_variants.get(variant, self.fix) if variant else self.fix
        try:
            return fixtext.fill(template, fixtext.known_names(names))
        except (KeyError, ValueError, IndexError):  # a broken template: show it as written
            return template

    def example_fix(self, variant: str | None = None) -> str:
        """The fix (or its ``variant``) as the rule reference shows it, filled with example
        names."""
        template = self.fix_variants[variant] if variant else self.fix
        return fixtext.fill(template, {**fixtext.EXAMPLE_NAMES, **self.fix_example})

    def versions_text(self) -> str:
        """Human text for the versions the rule applies to, e.g. ``PostgreSQL 14-17``."""
        lo, hi = self.min_pg_version, self.max_pg_version
        if lo is None and hi is None:
            return "all supported PostgreSQL versions"
        if hi is None:
            return f"PostgreSQL {lo}+"
        if lo is None:
            return f"PostgreSQL up to {hi}"
        return f"PostgreSQL {lo}" if lo == hi else f"PostgreSQL {lo}-{hi}"


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _short(table: str) -> str:
    return table.rsplit(".", 1)[-1]


@cache
def all_rules() -> tuple[Rule, ...]:
    """One instance of every rule listed in :mod:`safemigrations.lint.rules.registry`, by id.

    Raises ``RuntimeError`` when two rules share an id or a name: ids are public (suppression
    comments, configuration) and must stay unique.
    """
    from safemigrations.lint.rules.registry import RULES

    return instantiate(RULES)


def instantiate(classes: Iterable[type[Rule]]) -> tuple[Rule, ...]:
    """One instance of each rule class, sorted by id; ``RuntimeError`` on a shared id or name."""
    found: dict[str, Rule] = {}
    names: dict[str, str] = {}
    for cls in classes:
        if not cls.id:
            raise RuntimeError(f"the lint rule {cls.__name__} has no id")
        if cls.id in found and type(found[cls.id]) is not cls:
            raise RuntimeError(f"two lint rules share the id {cls.id}: {cls.__name__}")
        if cls.name in names and names[cls.name] != cls.id:
            raise RuntimeError(f"two lint rules share the name {cls.name}")
        found[cls.id] = cls()
        names[cls.name] = cls.id
    return tuple(found[k] for k in sorted(found))


def get_rule(key: str) -> Rule | None:
    """The rule with this id (``SM101``) or name (``create-index-non-concurrently``)."""
    for rule in all_rules():
        if rule.id.upper() == key.upper() or rule.name == key.lower():
            return rule
    return None
