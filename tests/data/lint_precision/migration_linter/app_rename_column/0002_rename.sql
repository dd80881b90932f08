-- expect: SM601
BEGIN;
ALTER TABLE "app_rename_column_a" RENAME COLUMN "field" TO "renamed";
COMMIT;
