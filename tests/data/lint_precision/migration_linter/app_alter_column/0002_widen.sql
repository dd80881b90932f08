-- expect: clean
BEGIN;
ALTER TABLE "app_alter_column_a" ALTER COLUMN "field" TYPE varchar(20);
COMMIT;
