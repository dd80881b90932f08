-- expect: SM401
BEGIN;
ALTER TABLE "app_alter_column_a" ALTER COLUMN "field" TYPE integer USING "field"::integer;
COMMIT;
