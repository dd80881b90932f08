-- expect: SM501
BEGIN;
ALTER TABLE "app_make_not_null_a" ALTER COLUMN "field" SET NOT NULL;
COMMIT;
