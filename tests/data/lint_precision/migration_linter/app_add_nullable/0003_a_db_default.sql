-- expect: clean
BEGIN;
ALTER TABLE "app_add_nullable_a" ADD COLUMN "counter" integer DEFAULT 0 NOT NULL;
COMMIT;
