"""``ALTER TABLE``: the lock, rewrite, scan and index build of each sub-command.

Adding a column (serial, identity, generated, volatile default, constrained domain), changing a
column's type (rewrite or not, from the old type when known), adding and validating constraints,
storage parameters, triggers, partitions and inheritance; ``ALTER INDEX`` too.
"""

from __future__ import annotations

from typing import Any

from pglast import ast

from safemigrations.lint.analyzer.base import AX, SRX, SUX, AnalyzerBase
from safemigrations.lint.facts import Action
from safemigrations.lint.locks import LockMode
from safemigrations.lint.parsetree import AT, CT, OT, relname
from safemigrations.lint.types import (
    SERIAL_TYPES,
    from_type_name,
    parse_type,
    rewrites_on_type_change,
    type_name_text,
)
from safemigrations.lint.volatility import is_volatile

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


class AlterTableHandlers(AnalyzerBase):
    """``ALTER TABLE`` / ``ALTER INDEX`` and their sub-commands."""

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
