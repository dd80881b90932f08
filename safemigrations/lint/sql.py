"""What one SQL statement does to the database, read from PostgreSQL's own parser (pglast).

For every statement :func:`analyze` answers: which tables it touches and the lock mode it takes on
each (PostgreSQL's documented lock levels, per target major version 14-18), whether it rewrites
a table, scans one to validate something, builds an index, creates or drops relations, and
whether PostgreSQL allows it inside a transaction block. Rules read these
:class:`StatementFacts` instead of re-parsing SQL.

Lock levels follow the PostgreSQL manual (``ALTER TABLE``, ``CREATE INDEX``, ``REINDEX``,
"Explicit Locking") and were checked against ``pg_locks`` (see the project's lint tests).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from pglast import ast, enums
from pglast import parser as pg_parser

from safemigrations.lint.locks import LockMode, strongest
from safemigrations.lint.model import Statement
from safemigrations.lint.types import (
    SERIAL_TYPES,
    SqlType,
    from_type_name,
    parse_type,
    rewrites_on_type_change,
    type_name_text,
)
from safemigrations.lint.volatility import is_volatile

AT = enums.AlterTableType
CT = enums.ConstrType
OT = enums.ObjectType

AX = LockMode.ACCESS_EXCLUSIVE
SUX = LockMode.SHARE_UPDATE_EXCLUSIVE
SRX = LockMode.SHARE_ROW_EXCLUSIVE

# ALTER TABLE ... SET (param) forms that take SHARE UPDATE EXCLUSIVE (others: ACCESS EXCLUSIVE).
_SUX_RELOPTIONS = (
    "fillfactor",
    "autovacuum_",
    "toast.",
    "toast_tuple_target",
    "parallel_workers",
    "vacuum_",
    "log_autovacuum_min_duration",
    "user_catalog_table",
)


class Knowledge(Protocol):
    """What :func:`analyze` may ask about objects created or seen before the statement."""

    def column_type(self, table: str, column: str) -> str | None: ...

    def index_table(self, index: str) -> str | None: ...

    def is_partitioned(self, table: str) -> bool: ...


# Optional Knowledge methods (looked up with getattr, so older sources keep working):
#   is_constrained_domain(type_name) -> bool
#   foreign_key_target(table, constraint_name) -> str | None   (VALIDATE also locks that table)
#   function_volatility(name) -> "immutable" | "stable" | "volatile" | None   (pg_proc)


@dataclass
class Action:
    """One thing a statement does to one table (one ALTER TABLE sub-command, or the statement).

    ``rewrites`` is None when it depends on something the linter cannot see (e.g. the old type
    of a column it never saw created).
    """

    kind: str
    table: str
    lock: LockMode
    column: str | None = None
    node: Any = None
    rewrites: bool | None = False
    scans: bool = False
    builds_index: bool = False
    detail: str = ""
    not_valid: bool = False
    referenced: str | None = None


@dataclass
class StatementFacts:
    """Everything rules need to know about one statement; ``node`` is the pglast AST (or None)."""

    statement: Statement
    node: Any = None
    kind: str = ""
    error: str | None = None
    error_offset: int | None = None
    locks: dict[str, LockMode] = field(default_factory=dict)
    actions: list[Action] = field(default_factory=list)
    rewrites: set[str] = field(default_factory=set)
    maybe_rewrites: set[str] = field(default_factory=set)
    scans: set[str] = field(default_factory=set)
    index_builds: set[str] = field(default_factory=set)
    created: set[str] = field(default_factory=set)
    dropped: set[str] = field(default_factory=set)
    concurrently: bool = False
    transactional: bool = True
    opaque: bool = False
    is_ddl: bool = False
    is_dml: bool = False

    @property
    def sql(self) -> str:
        """The statement's SQL text."""
        return self.statement.sql

    @property
    def in_transaction(self) -> bool:
        """Whether the statement really runs inside a transaction block."""
        return self.statement.in_transaction

    @property
    def tables(self) -> list[str]:
        """Every relation the statement locks, creates or drops, sorted."""
        return sorted(set(self.locks) | self.created | self.dropped)

    @property
    def lock_labels(self) -> dict[str, str]:
        """``locks`` with the modes spelled like the manual (``ACCESS EXCLUSIVE``)."""
        return {table: mode.label for table, mode in self.locks.items()}

    def strongest_lock(self) -> tuple[str, LockMode] | None:
        """The table with the strongest lock and that lock, or None when nothing is locked."""
        if not self.locks:
            return None
        table = max(self.locks, key=lambda t: self.locks[t])
        return table, self.locks[table]

    def actions_of(self, *kinds: str) -> Iterator[Action]:
        """The actions of the given kinds."""
        return (a for a in self.actions if a.kind in kinds)

    def lock(self, table: str, mode: LockMode) -> None:
        """Record ``mode`` on ``table``, keeping the strongest mode per table."""
        if not table:
            return
        current = self.locks.get(table)
        self.locks[table] = strongest(current, mode) or mode


def relname(rv: Any) -> str:
    """``schema.table`` or ``table`` from a pglast ``RangeVar``."""
    if rv is None:
        return ""
    if getattr(rv, "schemaname", None):
        return f"{rv.schemaname}.{rv.relname}"
    return rv.relname or ""


def short(table: str) -> str:
    """The table name without its schema."""
    return table.rsplit(".", 1)[-1]


def _names(items: Any) -> str:
    return ".".join(getattr(n, "sval", "") for n in (items or ()))


def func_name(node: Any) -> str:
    """Unqualified, lower-case name of a ``FuncCall`` (``pg_catalog.now`` -> ``now``)."""
    names = [getattr(n, "sval", "") for n in (node.funcname or ())]
    return (names[-1] if names else "").lower()


def walk(node: Any) -> Iterator[Any]:
    """Every AST node under ``node`` (itself included), depth first."""
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, tuple | list):
            stack.extend(reversed(cur))
            continue
        if not isinstance(cur, ast.Node):
            continue
        yield cur
        for name in cur:
            child = getattr(cur, name, None)
            if isinstance(child, ast.Node | tuple | list):
                stack.append(child)


def parse_one(sql: str) -> tuple[Any | None, str | None, int | None]:
    """Parse one statement: (AST node, None, None) or (None, error message, 0-based offset)."""
    try:
        stmts = pg_parser.parse_sql(sql)
    except pg_parser.ParseError as exc:
        offset = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None
        return None, str(exc.args[0] if exc.args else exc), offset
    except Exception as exc:  # the parser must never take the linter down
        return None, f"could not parse: {exc}", None
    if not stmts:
        return None, None, None
    return stmts[0].stmt, None, None


class _Analyzer:
    def __init__(self, facts: StatementFacts, known: Knowledge | None, pg_version: int) -> None:
        self.f = facts
        self.known = known
        self.pg_version = pg_version

    def add(self, action: Action) -> Action:
        self.f.actions.append(action)
        self.f.lock(action.table, action.lock)
        if action.rewrites:
            self.f.rewrites.add(action.table)
        elif action.rewrites is None:
            self.f.maybe_rewrites.add(action.table)
        if action.scans:
            self.f.scans.add(action.table)
        if action.builds_index:
            self.f.index_builds.add(action.table)
        return action

    # -- dispatch ---------------------------------------------------------------------------
    def run(self, node: Any) -> None:
        handler = getattr(self, "on_" + type(node).__name__, None)
        if handler is not None:
            handler(node)
        else:
            self.f.is_ddl = type(node).__name__.startswith(("Create", "Alter", "Drop"))

    def on_AlterTableStmt(self, node: Any) -> None:
        self.f.is_ddl = True
        table = relname(node.relation)
        if node.objtype == OT.OBJECT_INDEX:
            for cmd in node.cmds or ():
                self.add(Action("alter_index", table, SUX, node=cmd, detail=_at_name(cmd)))
            return
        for cmd in node.cmds or ():
            self.alter_table_cmd(table, cmd)

    def alter_table_cmd(self, table: str, cmd: Any) -> None:
        sub = cmd.subtype
        col = cmd.name
        if sub == AT.AT_AddColumn:
            self.add_column(table, cmd.def_)
        elif sub == AT.AT_AlterColumnType:
            self.alter_type(table, col, cmd.def_)
        elif sub == AT.AT_SetNotNull:
            self.add(Action("set_not_null", table, AX, column=col, node=cmd, scans=True))
        elif sub == AT.AT_DropNotNull:
            self.add(Action("drop_not_null", table, AX, column=col, node=cmd))
        elif sub == AT.AT_ColumnDefault:
            kind = "drop_default" if cmd.def_ is None else "set_default"
            self.add(Action(kind, table, AX, column=col, node=cmd))
        elif sub == AT.AT_AddConstraint:
            self.add_constraint(table, cmd.def_, cmd)
        elif sub == AT.AT_ValidateConstraint:
            self.add(Action("validate_constraint", table, SUX, node=cmd, scans=True, detail=col))
            target = self._fk_target(table, col or "")
            if target:
                self.f.lock(target, LockMode.ROW_SHARE)
        elif sub == AT.AT_DropConstraint:
            target = self._fk_target(table, col or "")
            self.add(
                Action("drop_constraint", table, AX, node=cmd, detail=col or "", referenced=target)
            )
            if target:
                # Dropping a foreign key removes its triggers on the referenced table too.
                self.f.lock(target, AX)
        elif sub == AT.AT_DropColumn:
            self.add(Action("drop_column", table, AX, column=col, node=cmd))
        elif sub in (AT.AT_SetStatistics, AT.AT_SetOptions, AT.AT_ResetOptions):
            self.add(Action("set_statistics", table, SUX, column=col, node=cmd))
        elif sub in (AT.AT_ClusterOn, AT.AT_DropCluster):
            self.add(Action("cluster_on", table, SUX, node=cmd))
        elif sub in (AT.AT_SetRelOptions, AT.AT_ResetRelOptions, AT.AT_ReplaceRelOptions):
            names = [d.defname or "" for d in (cmd.def_ or ()) if isinstance(d, ast.DefElem)]
            lock = SUX if names and all(_sux_option(n) for n in names) else AX
            self.add(Action("set_storage_params", table, lock, node=cmd))
        elif sub in (
            AT.AT_EnableTrig,
            AT.AT_EnableAlwaysTrig,
            AT.AT_EnableReplicaTrig,
            AT.AT_DisableTrig,
            AT.AT_EnableTrigAll,
            AT.AT_DisableTrigAll,
            AT.AT_EnableTrigUser,
            AT.AT_DisableTrigUser,
        ):
            self.add(Action("trigger", table, SRX, node=cmd))
        elif sub in (AT.AT_SetTableSpace,):
            self.add(Action("set_tablespace", table, AX, node=cmd, rewrites=True))
        elif sub in (AT.AT_SetLogged, AT.AT_SetUnLogged):
            self.add(Action("set_logged", table, AX, node=cmd, rewrites=True))
        elif sub == AT.AT_SetAccessMethod:
            self.add(Action("set_access_method", table, AX, node=cmd, rewrites=True))
        elif sub == AT.AT_SetExpression:
            self.add(Action("set_expression", table, AX, column=col, node=cmd, rewrites=True))
        elif sub == AT.AT_AttachPartition:
            part = relname(cmd.def_.name) if cmd.def_ is not None else ""
            self.add(Action("attach_partition", table, SUX, node=cmd, referenced=part))
            self.add(Action("attach_partition_child", part, AX, node=cmd, scans=True))
        elif sub in (AT.AT_DetachPartition, AT.AT_DetachPartitionFinalize):
            part = relname(cmd.def_.name) if cmd.def_ is not None else ""
            concurrent = bool(getattr(cmd.def_, "concurrent", False))
            finalize = sub == AT.AT_DetachPartitionFinalize
            lock = SUX if (concurrent or finalize) else AX
            if concurrent:
                self.f.concurrently = True
                self.f.transactional = False
            self.add(Action("detach_partition", table, lock, node=cmd, referenced=part))
            # The partition itself is always taken ACCESS EXCLUSIVE (checked with pg_locks).
            self.add(Action("detach_partition_child", part, AX, node=cmd))
        elif sub == AT.AT_DropInherit or sub == AT.AT_AddInherit:
            parent = relname(cmd.def_)
            self.add(Action("inherit", table, AX, node=cmd, referenced=parent))
            self.f.lock(parent, LockMode.ACCESS_SHARE)
        else:
            self.add(Action(_at_name(cmd), table, AX, column=col, node=cmd))

    def add_column(self, table: str, coldef: Any) -> None:
        if coldef is None:
            return
        typ = coldef.typeName
        type_text = type_name_text(typ) if typ is not None else ""
        action = Action("add_column", table, AX, column=coldef.colname, node=coldef)
        if type_text in SERIAL_TYPES:
            action.rewrites = True
            action.detail = "serial"
        if self.known is not None and type_text and self._is_constrained_domain(type_text):
            action.rewrites = True
            action.detail = "domain"
        for con in coldef.constraints or ():
            ct = con.contype
            if ct == CT.CONSTR_DEFAULT:
                if is_volatile(con.raw_expr, self._function_volatility):
                    action.rewrites = True
                    action.detail = action.detail or "volatile_default"
            elif ct == CT.CONSTR_IDENTITY:
                action.rewrites = True
                action.detail = "identity"
            elif ct == CT.CONSTR_GENERATED:
                action.rewrites = True
                action.detail = "generated"
            elif ct == CT.CONSTR_CHECK:
                action.scans = True
            elif ct in (CT.CONSTR_UNIQUE, CT.CONSTR_PRIMARY):
                action.builds_index = True
                action.scans = True
            elif ct == CT.CONSTR_FOREIGN:
                ref = relname(con.pktable)
                action.referenced = ref
                self.f.lock(ref, SRX)
        self.add(action)

    def _not_null_index(self, table: str, con: Any) -> bool:
        """True when the index of ``USING INDEX`` is known to cover only NOT NULL columns."""
        columns = getattr(self.known, "index_columns", {}).get(con.indexname or "")
        is_not_null = getattr(self.known, "is_not_null", None)
        if not columns or is_not_null is None:
            return False
        return all(c and is_not_null(table, c) for c in columns)

    def _function_volatility(self, name: str) -> str | None:
        """A function's class from the knowledge source (a database's ``pg_proc``), if any."""
        ask = getattr(self.known, "function_volatility", None)
        return ask(name) if ask is not None else None

    def _fk_target(self, table: str, constraint: str) -> str | None:
        """The table a foreign key references, when the knowledge source can tell."""
        ask = getattr(self.known, "foreign_key_target", None)
        return ask(table, constraint) if ask is not None else None

    def _is_constrained_domain(self, type_text: str) -> bool:
        check = getattr(self.known, "is_constrained_domain", None)
        return bool(check and check(type_text))

    def alter_type(self, table: str, column: str | None, coldef: Any) -> None:
        action = Action("alter_type", table, AX, column=column, node=coldef, rewrites=None)
        if coldef is not None and coldef.typeName is not None:
            new = from_type_name(coldef.typeName)
            action.detail = str(new)
            using = coldef.raw_default
            if using is not None and not _trivial_using(using, column):
                action.rewrites = True
            else:
                old_text = (
                    self.known.column_type(table, column)
                    if self.known is not None and column
                    else None
                )
                if old_text is not None:
                    action.rewrites = rewrites_on_type_change(parse_type(old_text), new)
        self.add(action)
        for referencing in self._referencing_tables(table, column or ""):
            # Foreign keys pointing at the column are rebuilt (and re-checked) with it.
            self.f.lock(referencing, AX)

    def _referencing_tables(self, table: str, column: str) -> list[str]:
        """Tables whose foreign keys reference ``table.column`` (from the Django side's catalog
        snapshot; unknown for plain SQL)."""
        ask = getattr(self.known, "ask_schema", None)
        if ask is not None:
            fks = ask("foreign_keys", [])
        else:
            method = getattr(self.known, "foreign_keys", None)
            fks = method() if callable(method) else []
        return sorted(
            {
                fk.table
                for fk in fks
                if fk.referenced == short(table) and column in fk.referenced_columns
            }
        )

    def add_constraint(self, table: str, con: Any, cmd: Any) -> None:
        if con is None:
            return
        ct = con.contype
        nv = bool(con.skip_validation)
        name = con.conname or ""
        if ct == CT.CONSTR_FOREIGN:
            ref = relname(con.pktable)
            self.add(
                Action(
                    "add_foreign_key",
                    table,
                    SRX,
                    node=con,
                    scans=not nv,
                    not_valid=nv,
                    detail=name,
                    referenced=ref,
                )
            )
            self.f.lock(ref, SRX)
        elif ct == CT.CONSTR_CHECK:
            self.add(
                Action("add_check", table, AX, node=con, scans=not nv, not_valid=nv, detail=name)
            )
        elif ct in (CT.CONSTR_UNIQUE, CT.CONSTR_PRIMARY):
            kind = "add_unique" if ct == CT.CONSTR_UNIQUE else "add_primary_key"
            using = bool(con.indexname)
            # PRIMARY KEY USING INDEX scans to set NOT NULL, unless the columns already are.
            pk_scan = ct == CT.CONSTR_PRIMARY and not (using and self._not_null_index(table, con))
            self.add(
                Action(
                    kind,
                    table,
                    AX,
                    node=con,
                    builds_index=not using,
                    scans=not using or pk_scan,
                    detail=name,
                    not_valid=using,
                )
            )
        elif ct == CT.CONSTR_EXCLUSION:
            self.add(Action("add_exclusion", table, AX, node=con, builds_index=True, scans=True))
        elif ct == CT.CONSTR_NOTNULL:
            self.add(Action("add_not_null", table, AX, node=con, scans=not nv, not_valid=nv))
        else:
            self.add(Action("add_constraint", table, AX, node=cmd, detail=name))

    def on_IndexStmt(self, node: Any) -> None:
        self.f.is_ddl = True
        table = relname(node.relation)
        conc = bool(node.concurrent)
        self.f.concurrently = conc
        if conc:
            self.f.transactional = False
        lock = SUX if conc else LockMode.SHARE
        self.add(
            Action(
                "create_index",
                table,
                lock,
                node=node,
                builds_index=True,
                scans=True,
                detail=node.idxname or "",
            )
        )
        if node.idxname:
            self.f.created.add(node.idxname)

    def on_DropStmt(self, node: Any) -> None:
        self.f.is_ddl = True
        kind = node.removeType
        objects = [
            _names(o) if isinstance(o, tuple | list) else _names([o]) for o in node.objects or ()
        ]
        if kind == OT.OBJECT_INDEX:
            conc = bool(node.concurrent)
            self.f.concurrently = conc
            if conc:
                self.f.transactional = False
            for index in objects:
                table = (self.known.index_table(index) if self.known else None) or index
                self.add(Action("drop_index", table, SUX if conc else AX, node=node, detail=index))
                self.f.dropped.add(index)
        elif kind in (OT.OBJECT_TABLE, OT.OBJECT_MATVIEW, OT.OBJECT_VIEW, OT.OBJECT_FOREIGN_TABLE):
            for table in objects:
                self.add(Action("drop_table", table, AX, node=node, detail=str(kind.name)))
                self.f.dropped.add(table)
        elif kind == OT.OBJECT_TRIGGER or kind == OT.OBJECT_RULE or kind == OT.OBJECT_POLICY:
            for obj in node.objects or ():
                parts = [getattr(n, "sval", "") for n in obj]
                if len(parts) >= 2:
                    self.add(Action("drop_" + kind.name[7:].lower(), ".".join(parts[:-1]), AX))
        elif kind == OT.OBJECT_SEQUENCE:
            for seq in objects:
                self.f.dropped.add(seq)

    def on_ReindexStmt(self, node: Any) -> None:
        self.f.is_ddl = True
        params = {d.defname for d in (node.params or ()) if isinstance(d, ast.DefElem)}
        conc = "concurrently" in params
        self.f.concurrently = conc
        kind = node.kind
        if conc or kind not in (
            enums.ReindexObjectType.REINDEX_OBJECT_INDEX,
            enums.ReindexObjectType.REINDEX_OBJECT_TABLE,
        ):
            self.f.transactional = False
        target = relname(node.relation) if node.relation is not None else (node.name or "")
        if kind == enums.ReindexObjectType.REINDEX_OBJECT_INDEX and self.known is not None:
            target = self.known.index_table(target) or target
        lock = SUX if conc else LockMode.SHARE
        self.add(Action("reindex", target, lock, node=node, builds_index=True, scans=True))

    def on_VacuumStmt(self, node: Any) -> None:
        opts = {d.defname for d in (node.options or ()) if isinstance(d, ast.DefElem)}
        if not node.is_vacuumcmd:
            for rel in node.rels or ():
                self.add(Action("analyze", relname(rel.relation), SUX, node=node))
            return
        self.f.transactional = False
        full = "full" in opts
        for rel in node.rels or ():
            table = relname(rel.relation)
            self.add(Action("vacuum", table, AX if full else SUX, node=node, rewrites=full))
        if not node.rels:
            self.add(Action("vacuum", "", AX if full else SUX, node=node, rewrites=full))

    def on_ClusterStmt(self, node: Any) -> None:
        table = relname(node.relation)
        if not table:
            self.f.transactional = False
        self.add(Action("cluster", table, AX, node=node, rewrites=True))

    def on_RefreshMatViewStmt(self, node: Any) -> None:
        lock = LockMode.EXCLUSIVE if node.concurrent else AX
        rewrites = not node.concurrent
        self.add(
            Action("refresh_matview", relname(node.relation), lock, node=node, rewrites=rewrites)
        )

    def on_TruncateStmt(self, node: Any) -> None:
        for rel in node.relations or ():
            self.add(Action("truncate", relname(rel), AX, node=node, rewrites=True))

    def on_LockStmt(self, node: Any) -> None:
        try:
            mode = LockMode(int(node.mode))
        except ValueError:
            mode = AX
        for rel in node.relations or ():
            self.add(Action("lock_table", relname(rel), mode, node=node))

    def on_RenameStmt(self, node: Any) -> None:
        self.f.is_ddl = True
        rt = node.renameType
        table = relname(node.relation) if node.relation is not None else ""
        if rt == OT.OBJECT_INDEX:
            self.add(Action("rename_index", table, SUX, node=node))
        elif rt in (OT.OBJECT_TABLE, OT.OBJECT_VIEW, OT.OBJECT_MATVIEW, OT.OBJECT_FOREIGN_TABLE):
            self.add(Action("rename_table", table, AX, node=node, detail=node.newname or ""))
        elif rt == OT.OBJECT_COLUMN:
            self.add(Action("rename_column", table, AX, column=node.subname, node=node))
        elif rt == OT.OBJECT_TABCONSTRAINT:
            self.add(Action("rename_constraint", table, AX, node=node))
        elif rt == OT.OBJECT_TRIGGER:
            self.add(Action("rename_trigger", table, AX, node=node))
        elif table:
            self.add(Action("rename", table, AX, node=node))

    def on_AlterObjectSchemaStmt(self, node: Any) -> None:
        self.f.is_ddl = True
        if node.relation is not None:
            self.add(Action("set_schema", relname(node.relation), AX, node=node))

    def on_CreateStmt(self, node: Any) -> None:
        self.f.is_ddl = True
        table = relname(node.relation)
        self.f.created.add(table)
        self.f.lock(table, AX)
        for parent in node.inhRelations or ():
            lock = AX if node.partbound is not None else SUX
            self.f.lock(relname(parent), lock)
        for elt in node.tableElts or ():
            constraints = []
            if isinstance(elt, ast.ColumnDef):
                constraints = list(elt.constraints or ())
            elif isinstance(elt, ast.Constraint):
                constraints = [elt]
            elif isinstance(elt, ast.TableLikeClause):
                self.f.lock(relname(elt.relation), LockMode.ACCESS_SHARE)
            for con in constraints:
                if con.contype == CT.CONSTR_FOREIGN:
                    self.f.lock(relname(con.pktable), SRX)

    def on_CreateTableAsStmt(self, node: Any) -> None:
        self.f.is_ddl = True
        into = node.into
        if into is not None and into.rel is not None:
            table = relname(into.rel)
            self.f.created.add(table)
            self.f.lock(table, AX)
        self._reads(node.query)

    def on_ViewStmt(self, node: Any) -> None:
        self.f.is_ddl = True
        view = relname(node.view)
        if node.replace:
            self.add(Action("replace_view", view, AX, node=node))
        else:
            self.f.created.add(view)
        self._reads(node.query)

    def on_CreateTrigStmt(self, node: Any) -> None:
        self.f.is_ddl = True
        self.add(Action("create_trigger", relname(node.relation), SRX, node=node))

    def on_RuleStmt(self, node: Any) -> None:
        self.f.is_ddl = True
        self.add(Action("create_rule", relname(node.relation), AX, node=node))

    def on_CreatePolicyStmt(self, node: Any) -> None:
        self.f.is_ddl = True
        self.add(Action("policy", relname(node.table), AX, node=node))

    def on_AlterPolicyStmt(self, node: Any) -> None:
        self.on_CreatePolicyStmt(node)

    def on_CommentStmt(self, node: Any) -> None:
        obj = node.object
        if node.objtype == OT.OBJECT_TABLE:
            self.add(Action("comment", _names(obj), SUX, node=node))
        elif node.objtype == OT.OBJECT_COLUMN and isinstance(obj, tuple | list):
            self.add(Action("comment", _names(obj[:-1]), SUX, node=node))

    def on_CreateStatsStmt(self, node: Any) -> None:
        self.f.is_ddl = True
        for rel in node.relations or ():
            if isinstance(rel, ast.RangeVar):
                self.add(Action("create_statistics", relname(rel), SUX, node=node))

    def on_AlterSeqStmt(self, node: Any) -> None:
        self.f.is_ddl = True
        self.add(Action("alter_sequence", relname(node.sequence), SRX, node=node))

    def on_AlterEnumStmt(self, node: Any) -> None:
        self.f.is_ddl = True

    def on_AlterDomainStmt(self, node: Any) -> None:
        self.f.is_ddl = True

    def on_CreateDomainStmt(self, node: Any) -> None:
        self.f.is_ddl = True

    def on_DoStmt(self, node: Any) -> None:
        self.f.opaque = True

    def on_CallStmt(self, node: Any) -> None:
        self.f.opaque = True

    def on_CreatedbStmt(self, node: Any) -> None:
        self.f.transactional = False

    def on_DropdbStmt(self, node: Any) -> None:
        self.f.transactional = False

    def on_CreateTableSpaceStmt(self, node: Any) -> None:
        self.f.transactional = False

    def on_DropTableSpaceStmt(self, node: Any) -> None:
        self.f.transactional = False

    def on_AlterSystemStmt(self, node: Any) -> None:
        self.f.transactional = False

    # -- DML --------------------------------------------------------------------------------
    def _reads(self, query: Any) -> None:
        for sub in walk(query):
            if isinstance(sub, ast.RangeVar) and sub.relname:
                if relname(sub) not in self.f.locks:
                    self.f.lock(relname(sub), LockMode.ACCESS_SHARE)
            elif isinstance(sub, ast.FuncCall):
                self.f.opaque = True

    def _dml(self, node: Any, target: Any, kind: str) -> None:
        self.f.is_dml = True
        table = relname(target)
        self.add(Action(kind, table, LockMode.ROW_EXCLUSIVE, node=node))
        self._reads(node)

    def on_UpdateStmt(self, node: Any) -> None:
        self._dml(node, node.relation, "update")

    def on_DeleteStmt(self, node: Any) -> None:
        self._dml(node, node.relation, "delete")

    def on_InsertStmt(self, node: Any) -> None:
        self._dml(node, node.relation, "insert")

    def on_MergeStmt(self, node: Any) -> None:
        self._dml(node, node.relation, "merge")

    def on_SelectStmt(self, node: Any) -> None:
        mode = LockMode.ROW_SHARE if node.lockingClause else LockMode.ACCESS_SHARE
        for sub in walk(node):
            if isinstance(sub, ast.RangeVar) and sub.relname:
                self.f.lock(relname(sub), mode)
            elif isinstance(sub, ast.FuncCall):
                self.f.opaque = True

    def on_CopyStmt(self, node: Any) -> None:
        if node.relation is not None:
            mode = LockMode.ROW_EXCLUSIVE if node.is_from else LockMode.ACCESS_SHARE
            self.add(Action("copy", relname(node.relation), mode, node=node))


def _at_name(cmd: Any) -> str:
    name = getattr(cmd.subtype, "name", str(cmd.subtype))
    return name.removeprefix("AT_").lower()


def _sux_option(name: str) -> bool:
    return any(
        name == opt or (opt.endswith(("_", ".")) and name.startswith(opt))
        for opt in _SUX_RELOPTIONS
    )


def _trivial_using(expr: Any, column: str | None) -> bool:
    """``USING col`` or ``USING col::type``: Django's form, which does not force a rewrite."""
    if isinstance(expr, ast.TypeCast):
        expr = expr.arg
    if isinstance(expr, ast.ColumnRef):
        fields = [getattr(f, "sval", None) for f in expr.fields or ()]
        return bool(fields) and fields[-1] == column
    return False


def analyze(
    statement: Statement,
    *,
    pg_version: int,
    known: Knowledge | None = None,
    node: Any | None = None,
) -> StatementFacts:
    """The :class:`StatementFacts` of one statement; unparsable SQL gives ``error`` set.

    ``known`` answers questions about earlier objects (old column types, which table an index
    belongs to, partitioned tables); ``node`` skips parsing when the caller already has the AST.
    """
    facts = StatementFacts(statement=statement)
    if node is None:
        node, error, offset = parse_one(statement.sql)
        if error is not None:
            facts.kind = "Unparsable"
            facts.error = error
            facts.error_offset = offset
            return facts
        if node is None:
            facts.kind = "Empty"
            return facts
    facts.node = node
    facts.kind = type(node).__name__
    try:
        _Analyzer(facts, known, pg_version).run(node)
    except Exception as exc:  # an AST shape we did not foresee must not stop the linter
        facts.opaque = True
        facts.error = None
        facts.kind = facts.kind or "Unknown"
        facts.actions.append(Action("unanalyzed", "", LockMode.ACCESS_SHARE, detail=repr(exc)))
    return facts


def column_types_of(node: Any) -> list[tuple[str, str, SqlType]]:
    """(table, column, type) for every column a CREATE TABLE / ADD COLUMN / ALTER TYPE defines."""
    out: list[tuple[str, str, SqlType]] = []
    if isinstance(node, ast.CreateStmt):
        table = relname(node.relation)
        for elt in node.tableElts or ():
            if isinstance(elt, ast.ColumnDef) and elt.typeName is not None and elt.colname:
                out.append((table, elt.colname, from_type_name(elt.typeName)))
    elif isinstance(node, ast.AlterTableStmt):
        table = relname(node.relation)
        for cmd in node.cmds or ():
            coldef = cmd.def_
            if not isinstance(coldef, ast.ColumnDef) or coldef.typeName is None:
                continue
            if cmd.subtype == AT.AT_AddColumn and coldef.colname:
                out.append((table, coldef.colname, from_type_name(coldef.typeName)))
            elif cmd.subtype == AT.AT_AlterColumnType and cmd.name:
                out.append((table, cmd.name, from_type_name(coldef.typeName)))
    return out
