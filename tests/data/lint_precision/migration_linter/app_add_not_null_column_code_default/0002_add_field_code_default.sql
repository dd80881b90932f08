-- expect: SM303
BEGIN;
ALTER TABLE "app_add_not_null_column_code_default_a" ADD COLUMN "not_null_field" integer DEFAULT 1 NOT NULL;
ALTER TABLE "app_add_not_null_column_code_default_a" ALTER COLUMN "not_null_field" DROP DEFAULT;
COMMIT;
