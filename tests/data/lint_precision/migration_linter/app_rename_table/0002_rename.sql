-- expect: SM602
BEGIN;
ALTER TABLE "app_rename_table_a" RENAME TO "app_rename_table_b";
COMMIT;
