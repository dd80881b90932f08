"""The lint rules, listed explicitly: a rule runs because it is named here.

A new rule module adds its class to :data:`RULES` (ordered by id); ``tests/test_lint_registry.py``
fails when a module of this package defines a rule that is not listed, or when two rules share
an id or a name.
"""

from __future__ import annotations

from safemigrations.lint.rules.add_check_validated import AddCheckValidated
from safemigrations.lint.rules.add_column_constrained_domain import AddColumnConstrainedDomain
from safemigrations.lint.rules.add_column_generated_stored import AddColumnGeneratedStored
from safemigrations.lint.rules.add_column_inline_check import AddColumnInlineCheck
from safemigrations.lint.rules.add_column_not_null_without_default import (
    AddColumnNotNullWithoutDefault,
)
from safemigrations.lint.rules.add_column_serial_or_identity import AddColumnSerialOrIdentity
from safemigrations.lint.rules.add_column_then_drop_default import AddColumnThenDropDefault
from safemigrations.lint.rules.add_column_volatile_default import AddColumnVolatileDefault
from safemigrations.lint.rules.add_column_with_foreign_key import AddColumnWithForeignKey
from safemigrations.lint.rules.add_exclusion_constraint import AddExclusionConstraint
from safemigrations.lint.rules.add_foreign_key_validated import AddForeignKeyValidated
from safemigrations.lint.rules.add_primary_key import AddPrimaryKey
from safemigrations.lint.rules.add_unique_constraint import AddUniqueConstraint
from safemigrations.lint.rules.alter_column_type_rewrite import AlterColumnTypeRewrite
from safemigrations.lint.rules.alter_domain_add_constraint import AlterDomainAddConstraint
from safemigrations.lint.rules.alter_table_rewrite import AlterTableRewrite
from safemigrations.lint.rules.alter_type_rechecks_constraint import AlterTypeRechecksConstraint
from safemigrations.lint.rules.alter_type_referenced_key import AlterTypeReferencedKey
from safemigrations.lint.rules.attach_partition_scan import AttachPartitionScan
from safemigrations.lint.rules.base import Rule
from safemigrations.lint.rules.concurrent_index_not_idempotent import ConcurrentIndexNotIdempotent
from safemigrations.lint.rules.concurrent_index_on_partitioned import ConcurrentIndexOnPartitioned
from safemigrations.lint.rules.concurrent_index_pg14_bug import ConcurrentIndexPg14Bug
from safemigrations.lint.rules.create_index_non_concurrently import CreateIndexNonConcurrently
from safemigrations.lint.rules.detach_partition_non_concurrently import (
    DetachPartitionNonConcurrently,
)
from safemigrations.lint.rules.django_concurrent_in_atomic import (
    ConcurrentOperationInAtomicMigration,
)
from safemigrations.lint.rules.django_drop_used_by_code import DropStillUsedByCode
from safemigrations.lint.rules.django_migration_fails import MigrationFails
from safemigrations.lint.rules.django_not_analysed import MigrationNotAnalysed
from safemigrations.lint.rules.django_not_valid_and_validate import (
    NotValidAndValidateInOneTransaction,
)
from safemigrations.lint.rules.django_on_delete_lost import OnDeleteActionLost
from safemigrations.lint.rules.django_rename_used_by_code import RenameUsedByCode
from safemigrations.lint.rules.django_run_without_reverse import RunWithoutReverse
from safemigrations.lint.rules.django_suppression import SuppressionWithoutReason, UnusedSuppression
from safemigrations.lint.rules.drop_column import DropColumn
from safemigrations.lint.rules.drop_constraint import DropConstraint
from safemigrations.lint.rules.drop_index_non_concurrently import DropIndexNonConcurrently
from safemigrations.lint.rules.drop_table import DropTable
from safemigrations.lint.rules.enum_value_used_in_transaction import EnumValueUsedInTransaction
from safemigrations.lint.rules.foreign_key_without_index import ForeignKeyWithoutIndex
from safemigrations.lint.rules.identifier_too_long import IdentifierTooLong
from safemigrations.lint.rules.identity_storage_or_sequence import IdentityStorageOrSequence
from safemigrations.lint.rules.missing_lock_timeout import MissingLockTimeout
from safemigrations.lint.rules.missing_statement_timeout import MissingStatementTimeout
from safemigrations.lint.rules.not_allowed_in_transaction import NotAllowedInTransaction
from safemigrations.lint.rules.not_rerunnable import NotRerunnable
from safemigrations.lint.rules.primary_key_using_index import PrimaryKeyUsingIndex
from safemigrations.lint.rules.psql_meta_command import PsqlMetaCommand
from safemigrations.lint.rules.refresh_materialized_view import RefreshMaterializedView
from safemigrations.lint.rules.reindex_non_concurrently import ReindexNonConcurrently
from safemigrations.lint.rules.rename_column import RenameColumn
from safemigrations.lint.rules.rename_object import RenameObject
from safemigrations.lint.rules.rename_table import RenameTable
from safemigrations.lint.rules.replace_view import ReplaceView
from safemigrations.lint.rules.replay_stopped import ReplayStopped
from safemigrations.lint.rules.requires_newer_postgresql import RequiresNewerPostgresql
from safemigrations.lint.rules.row_security_or_replica_identity import RowSecurityOrReplicaIdentity
from safemigrations.lint.rules.set_local_outside_transaction import SetLocalOutsideTransaction
from safemigrations.lint.rules.set_not_null import SetNotNull
from safemigrations.lint.rules.statements_after_strong_lock import StatementsAfterStrongLock
from safemigrations.lint.rules.syntax_error import UnparsableStatement
from safemigrations.lint.rules.table_rewrite_command import TableRewriteCommand
from safemigrations.lint.rules.transaction_nesting import TransactionNesting
from safemigrations.lint.rules.trigger_change import TriggerChange
from safemigrations.lint.rules.truncate import Truncate
from safemigrations.lint.rules.unbatched_data_change import UnbatchedDataChange
from safemigrations.lint.rules.unreadable_file import UnreadableFile
from safemigrations.lint.rules.validate_in_same_transaction import ValidateInSameTransaction

#: Every rule class, by id.
RULES: tuple[type[Rule], ...] = (
    UnparsableStatement,  # SM000
    PsqlMetaCommand,  # SM001
    RequiresNewerPostgresql,  # SM002
    UnreadableFile,  # SM003
    ReplayStopped,  # SM004
    CreateIndexNonConcurrently,  # SM101
    NotAllowedInTransaction,  # SM102
    ConcurrentIndexNotIdempotent,  # SM103
    ConcurrentIndexPg14Bug,  # SM104
    ConcurrentIndexOnPartitioned,  # SM105
    DropIndexNonConcurrently,  # SM106
    ReindexNonConcurrently,  # SM107
    AddForeignKeyValidated,  # SM201
    AddColumnWithForeignKey,  # SM202
    ValidateInSameTransaction,  # SM203
    AddCheckValidated,  # SM204
    AddColumnInlineCheck,  # SM205
    AddUniqueConstraint,  # SM206
    AddPrimaryKey,  # SM207
    PrimaryKeyUsingIndex,  # SM208
    AddExclusionConstraint,  # SM209
    AlterDomainAddConstraint,  # SM211
    DropConstraint,  # SM212
    ForeignKeyWithoutIndex,  # SM213
    AddColumnVolatileDefault,  # SM301
    AddColumnNotNullWithoutDefault,  # SM302
    AddColumnThenDropDefault,  # SM303
    AddColumnSerialOrIdentity,  # SM304
    AddColumnGeneratedStored,  # SM305
    AddColumnConstrainedDomain,  # SM306
    AlterColumnTypeRewrite,  # SM401
    AlterTypeRechecksConstraint,  # SM402
    AlterTypeReferencedKey,  # SM403
    SetNotNull,  # SM501
    UnbatchedDataChange,  # SM502
    RenameColumn,  # SM601
    RenameTable,  # SM602
    DropColumn,  # SM603
    DropTable,  # SM604
    Truncate,  # SM605
    RenameObject,  # SM606
    TableRewriteCommand,  # SM701
    AlterTableRewrite,  # SM702
    RefreshMaterializedView,  # SM703
    TriggerChange,  # SM704
    RowSecurityOrReplicaIdentity,  # SM705
    ReplaceView,  # SM706
    IdentityStorageOrSequence,  # SM707
    DetachPartitionNonConcurrently,  # SM801
    AttachPartitionScan,  # SM802
    EnumValueUsedInTransaction,  # SM851
    MigrationFails,  # SM901
    ConcurrentOperationInAtomicMigration,  # SM902
    NotValidAndValidateInOneTransaction,  # SM903
    OnDeleteActionLost,  # SM904
    DropStillUsedByCode,  # SM905
    RenameUsedByCode,  # SM906
    RunWithoutReverse,  # SM907
    SuppressionWithoutReason,  # SM908
    UnusedSuppression,  # SM909
    MigrationNotAnalysed,  # SM910
    StatementsAfterStrongLock,  # SM961
    MissingLockTimeout,  # SM962
    TransactionNesting,  # SM963
    IdentifierTooLong,  # SM964
    MissingStatementTimeout,  # SM965
    NotRerunnable,  # SM966
    SetLocalOutsideTransaction,  # SM967
)
