-- expect: SM302
BEGIN;
--
-- Add field new_not_null_field to a
--
ALTER TABLE "app_add_not_null_column_a" ADD COLUMN "new_not_null_field" integer DEFAULT NULL NOT NULL;
COMMIT;
