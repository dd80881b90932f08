"""Creating, dropping and renaming relations and the objects attached to them: tables, views,
indexes (dropped), triggers, rules, policies, comments, statistics, sequences, enums, domains."""

from __future__ import annotations

from typing import Any

from pglast import ast

from safemigrations.lint.analyzer.base import AX, SRX, SUX, AnalyzerBase
from safemigrations.lint.facts import Action
from safemigrations.lint.locks import LockMode
from safemigrations.lint.parsetree import CT, OT, dotted_name, relname


class ObjectHandlers(AnalyzerBase):
    """CREATE / DROP / RENAME and other schema objects."""

    def on_DropStmt(self, node: Any) -> None:
        self.f.is_ddl = True
        kind = node.removeType
        objects = [
            dotted_name(o) if isinstance(o, tuple | list) else dotted_name([o])
            for o in node.objects or ()
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
            self.add(Action("comment", dotted_name(obj), SUX, node=node))
        elif node.objtype == OT.OBJECT_COLUMN and isinstance(obj, tuple | list):
            self.add(Action("comment", dotted_name(obj[:-1]), SUX, node=node))

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
