-- expect: clean
BEGIN;
ALTER TABLE "app_add_nullable_a" ADD COLUMN "new" integer NULL;
COMMIT;
