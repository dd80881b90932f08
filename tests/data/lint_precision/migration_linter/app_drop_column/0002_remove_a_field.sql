-- expect: SM603
BEGIN;
ALTER TABLE "app_drop_column_a" DROP COLUMN "field" CASCADE;
COMMIT;
